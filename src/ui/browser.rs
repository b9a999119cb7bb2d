//! The H2O dataset browser: a window listing the subjects, scenes and takes under a
//! dataset root with their frame counts, split membership and problems. Clicking a take
//! opens it. Scanning runs on a background thread.

use std::path::{Path, PathBuf};

use egui::{Color32, RichText, Ui};

use super::background::{self, BackgroundJob, JobState};
use super::browser_filter::{counted, take_matches};
use super::file_picker::{FilePicker, PickPurpose, PickRequest};
use crate::source::{CatalogTake, DatasetCatalog, TakeHealth};

/// What the user asked the browser for.
#[derive(Clone, Debug, PartialEq)]
pub enum BrowserAction {
    /// Open this take folder.
    OpenTake(PathBuf),
}

/// The browser window's state.
#[derive(Default)]
pub struct DatasetBrowser {
    /// Whether the window is shown.
    pub open: bool,
    root: Option<PathBuf>,
    scanning: Option<BackgroundJob<Result<DatasetCatalog, String>>>,
    catalog: Option<DatasetCatalog>,
    error: Option<String>,
    filter: String,
}

impl DatasetBrowser {
    /// Starts scanning `root` and shows the window; `ctx` is repainted when done.
    pub fn load(&mut self, root: PathBuf, ctx: &egui::Context) {
        let scan_root = root.clone();
        let spawned = BackgroundJob::spawn("sharp-catalog", background::repaint(ctx), move || {
            DatasetCatalog::scan(&scan_root).map_err(|error| error.to_string())
        });
        self.open = true;
        self.root = Some(root);
        self.catalog = None;
        match spawned {
            Ok(job) => {
                self.scanning = Some(job);
                self.error = None;
            }
            Err(error) => self.error = Some(format!("cannot start scanning: {error}")),
        }
    }

    /// The dataset root shown, if any.
    pub fn root(&self) -> Option<&Path> {
        self.root.as_deref()
    }

    /// Shows the window when open; `current` is the name of the open take. *Choose root…*
    /// asks `picker` for a [`PickPurpose::DatasetRoot`].
    pub fn show(
        &mut self,
        ctx: &egui::Context,
        current: Option<&str>,
        picker: &mut FilePicker,
    ) -> Option<BrowserAction> {
        self.poll();
        let mut action = None;
        let mut open = self.open;
        egui::Window::new("H2O dataset")
            .open(&mut open)
            // Right of the side panel (270 points wide), so it does not hide the controls.
            .default_pos([290.0, 40.0])
            .default_size([480.0, 560.0])
            .resizable(true)
            .show(ctx, |ui| action = self.contents(ui, current, picker));
        self.open = open;
        action
    }

    fn poll(&mut self) {
        let Some(job) = &self.scanning else { return };
        let result = match job.poll() {
            JobState::Running => return,
            JobState::Done(result) => result,
            JobState::Crashed => Err("scanning the dataset crashed (see the log)".into()),
        };
        self.scanning = None;
        match result {
            Ok(catalog) => self.catalog = Some(catalog),
            Err(message) => self.error = Some(message),
        }
    }

    fn contents(
        &mut self,
        ui: &mut Ui,
        current: Option<&str>,
        picker: &mut FilePicker,
    ) -> Option<BrowserAction> {
        let mut action = None;
        ui.horizontal(|ui| {
            if ui.button("Choose root…").clicked() {
                picker.request(
                    PickRequest::folder(PickPurpose::DatasetRoot, "Open an H2O dataset root")
                        .starting_in(self.root.as_deref()),
                );
            }
            match &self.root {
                Some(root) => ui.monospace(root.display().to_string()),
                None => ui.weak("no dataset root; choose one or drop a folder here"),
            };
        });
        if self.scanning.is_some() {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label("scanning…");
            });
        }
        if let Some(error) = &self.error {
            ui.colored_label(ui.visuals().error_fg_color, error);
        }
        let Some(catalog) = &self.catalog else {
            return action;
        };
        summary(ui, catalog);
        let filter = self.filter.clone();
        let matching = catalog
            .takes()
            .filter(|take| take_matches(take, &filter))
            .count();
        ui.horizontal(|ui| {
            ui.label("filter:");
            ui.text_edit_singleline(&mut self.filter).on_hover_text(
                "words that must all match the take's subject/scene/take path or its splits, \
                 e.g. `k2`, `subject3 o1`, `test`",
            );
            if !filter.trim().is_empty() {
                ui.weak(format!(
                    "{} of {}",
                    matching,
                    counted(catalog.takes().count(), "take")
                ));
            }
        });
        ui.separator();
        if matching == 0 && !filter.trim().is_empty() {
            ui.weak(format!("no match for \"{}\"", filter.trim()));
        }
        egui::ScrollArea::vertical()
            .auto_shrink([false, false])
            .show(ui, |ui| {
                for subject in &catalog.subjects {
                    let takes_shown = |scene: &crate::source::SceneEntry| {
                        scene
                            .takes
                            .iter()
                            .filter(|take| take_matches(take, &filter))
                            .count()
                    };
                    let count: usize = subject.scenes.iter().map(takes_shown).sum();
                    if count == 0 {
                        continue;
                    }
                    egui::CollapsingHeader::new(format!(
                        "{} ({})",
                        subject.name,
                        counted(count, "take")
                    ))
                    .id_salt(("subject", &subject.name))
                    .default_open(true)
                    .show(ui, |ui| {
                        for scene in &subject.scenes {
                            let shown = takes_shown(scene);
                            if shown == 0 {
                                continue;
                            }
                            egui::CollapsingHeader::new(format!("{} ({shown})", scene.name))
                                .id_salt(("scene", &subject.name, &scene.name))
                                .default_open(true)
                                .show(ui, |ui| {
                                    for take in &scene.takes {
                                        if !take_matches(take, &filter) {
                                            continue;
                                        }
                                        if let Some(path) = take_row(ui, take, current) {
                                            action = Some(BrowserAction::OpenTake(path));
                                        }
                                    }
                                });
                        }
                    });
                }
            });
        action
    }
}

fn summary(ui: &mut Ui, catalog: &DatasetCatalog) {
    let total = catalog.takes().count();
    let broken = catalog
        .takes()
        .filter(|take| matches!(take.health, TakeHealth::Broken(_)))
        .count();
    ui.horizontal_wrapped(|ui| {
        if catalog.synthetic {
            ui.label(
                RichText::new(" SYNTHETIC SAMPLE ")
                    .color(Color32::BLACK)
                    .background_color(Color32::from_rgb(250, 200, 60)),
            );
        }
        ui.label(counted(total, "take"));
        if broken > 0 {
            ui.colored_label(ui.visuals().warn_fg_color, format!("{broken} broken"));
        }
        if catalog.split_files.is_empty() {
            ui.weak("· no split files at the root");
        } else {
            ui.weak(format!("· splits: {}", catalog.split_files.join(", ")));
        }
    });
    if !catalog.problems.is_empty() {
        egui::CollapsingHeader::new(
            RichText::new(counted(catalog.problems.len(), "split file problem"))
                .color(ui.visuals().warn_fg_color),
        )
        .id_salt("split-problems")
        .show(ui, |ui| {
            for problem in &catalog.problems {
                ui.label(RichText::new(problem).small());
            }
        });
    }
}

/// One take: name, frames, splits, health. Returns the path when clicked.
fn take_row(ui: &mut Ui, take: &CatalogTake, current: Option<&str>) -> Option<PathBuf> {
    let mut clicked = None;
    ui.horizontal(|ui| {
        let (icon, colour, hover) = match &take.health {
            TakeHealth::Complete => ("ok", Color32::from_rgb(110, 190, 110), String::new()),
            TakeHealth::Incomplete(notes) => {
                ("incomplete", ui.visuals().warn_fg_color, notes.join("\n"))
            }
            TakeHealth::Broken(reason) => ("broken", ui.visuals().error_fg_color, reason.clone()),
        };
        let icon = ui.colored_label(colour, icon);
        if !hover.is_empty() {
            icon.on_hover_text(&hover);
        }
        let broken = matches!(take.health, TakeHealth::Broken(_));
        let is_current = current == Some(take.relative.as_str());
        let label = RichText::new(format!("take {}", take.name)).strong();
        let response = ui
            .add_enabled(!broken, egui::Button::selectable(is_current, label))
            .on_hover_text(take.path.display().to_string());
        if response.clicked() {
            clicked = Some(take.path.clone());
        }
        if broken {
            ui.colored_label(ui.visuals().error_fg_color, &hover);
        } else {
            ui.weak(format!("{} frames", take.frames));
            ui.label(RichText::new(take.split_summary()).small());
        }
    });
    clicked
}
