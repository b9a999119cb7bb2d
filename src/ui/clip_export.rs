//! The *Export clip* window: a range of frames of the open take, the chosen panels, GIF
//! or mp4, written by a [`ClipJob`] while a progress bar counts the frames; the absolute
//! path when done, the reason when not (a cancelled or failed export leaves no file).

use std::path::{Path, PathBuf};

use egui::Ui;

use super::background;
use super::clip_job::{ClipJob, ClipJobInput};
use super::figure_export::viewer_figure_options;
use super::settings::ViewerSettings;
use crate::figure::{ClipFormat, ClipRequest, FigureOptions, Panel, figure_file_name};
use crate::pipeline::{Pipeline, WorkerOptions};
use crate::source::SourceInfo;

/// The window's title.
pub const CLIP_WINDOW_TITLE: &str = "Export clip";

/// What the window needs from the viewer to start an export.
pub struct ClipContext<'a> {
    /// The open source, if any.
    pub source: Option<&'a SourceInfo>,
    /// The pipeline, to get a reader of the source.
    pub pipeline: &'a Pipeline,
    /// The models, provider and masking the viewer runs with.
    pub worker: &'a WorkerOptions,
    /// The viewer's settings (processing and display).
    pub settings: &'a ViewerSettings,
}

/// The clip export window and its running export.
pub struct ClipExportWindow {
    /// Whether the window is shown.
    pub open: bool,
    from: usize,
    to: usize,
    panels: Vec<(Panel, bool)>,
    format: ClipFormat,
    fps: u32,
    scale: u32,
    folder: String,
    job: Option<ClipJob>,
    outcome: Option<Result<String, String>>,
}

impl ClipExportWindow {
    /// A closed window writing into `folder`.
    pub fn new(folder: &Path) -> Self {
        let shown = [
            Panel::Rgb,
            Panel::PseudoDepth,
            Panel::Masked,
            Panel::Skeleton3d,
        ];
        Self {
            open: false,
            from: 0,
            to: 0,
            panels: Panel::ALL
                .iter()
                .map(|panel| (*panel, shown.contains(panel)))
                .collect(),
            format: ClipFormat::Gif,
            fps: 30,
            scale: 1,
            folder: folder.display().to_string(),
            job: None,
            outcome: None,
        }
    }

    /// Opens the window on the frames from `position` to two seconds later (within the
    /// source's `frame_count` frames at `fps`), unless an export is running.
    pub fn open_at(&mut self, position: usize, frame_count: usize, fps: f32) {
        self.open = true;
        if self.job.is_some() {
            return;
        }
        let last = frame_count.saturating_sub(1);
        self.fps = fps.round().clamp(1.0, 120.0) as u32;
        self.from = position.min(last);
        self.to = (self.from + 2 * self.fps as usize).min(last);
    }

    /// Sets the frames, both included (for tests and scripts).
    pub fn set_range(&mut self, from: usize, to: usize) {
        self.from = from;
        self.to = to;
    }

    /// Sets the folder the clip goes to.
    pub fn set_folder(&mut self, folder: &Path) {
        self.folder = folder.display().to_string();
    }

    /// Chooses the panels, in the composite's order.
    pub fn set_panels(&mut self, chosen: &[Panel]) {
        for (panel, on) in &mut self.panels {
            *on = chosen.contains(panel);
        }
    }

    /// Whether an export is running.
    pub fn running(&self) -> bool {
        self.job.is_some()
    }

    /// The last export's outcome: the message naming the written file, or why not.
    pub fn outcome(&self) -> Option<&Result<String, String>> {
        self.outcome.as_ref()
    }

    fn chosen_panels(&self) -> Vec<Panel> {
        self.panels
            .iter()
            .filter(|(_, on)| *on)
            .map(|(panel, _)| *panel)
            .collect()
    }

    /// The clip's file: `TAKE_frameFROM_to_TO.EXT` in the folder, made absolute.
    fn out_path(&self, take: &str) -> std::io::Result<PathBuf> {
        let part = format!("to_{:06}", self.to);
        let name = figure_file_name(take, self.from as u32, &part, self.format.extension());
        std::path::absolute(Path::new(&self.folder).join(name))
    }

    /// Shows the window when open and takes the outcome of a finished export.
    pub fn show(&mut self, ctx: &egui::Context, clip: &ClipContext<'_>) {
        if let Some(outcome) = self.job.as_ref().and_then(ClipJob::finished) {
            self.job = None;
            self.outcome = Some(outcome.map(|written| {
                format!(
                    "clip written: {} ({} frames at {} fps, {})",
                    written.path.display(),
                    written.frames,
                    written.fps,
                    written.encoding
                )
            }));
        }
        if !self.open {
            return;
        }
        let mut open = self.open;
        egui::Window::new(CLIP_WINDOW_TITLE)
            .open(&mut open)
            .default_pos([320.0, 80.0])
            .resizable(false)
            .show(ctx, |ui| self.contents(ui, clip));
        self.open = open;
    }

    fn contents(&mut self, ui: &mut Ui, clip: &ClipContext<'_>) {
        let Some(source) = clip.source.filter(|source| !source.live) else {
            ui.label("Open a take to export a clip of it.");
            return;
        };
        let last = source.frame_count.saturating_sub(1);
        let idle = self.job.is_none();
        ui.label(format!("{} ({} frames)", source.name, source.frame_count));
        ui.add_enabled_ui(idle, |ui| self.settings_grid(ui, last));
        ui.separator();
        match &self.job {
            Some(job) => {
                let (done, total) = job.progress();
                let fraction = if total == 0 {
                    0.0
                } else {
                    done as f32 / total as f32
                };
                let text = if total == 0 {
                    "loading the models…".to_owned()
                } else {
                    format!("{done} / {total} frames")
                };
                ui.add(
                    egui::ProgressBar::new(fraction)
                        .text(text)
                        .desired_width(320.0),
                );
                let (count, last_problem) = job.problems();
                if let Some(problem) = last_problem {
                    ui.weak(format!("{count} frame problem(s); last: {problem}"));
                }
                let cancel = ui.add_enabled(!job.cancelling(), egui::Button::new("Cancel"));
                if cancel.clicked() {
                    job.cancel();
                }
            }
            None => {
                let panels = self.chosen_panels();
                let start = ui
                    .add_enabled(!panels.is_empty(), egui::Button::new("Export"))
                    .on_hover_text(
                        "every frame of the range analysed with the window's settings, as \
                         playback does; the same code as `sharp-viewer clip`",
                    );
                if start.clicked() {
                    self.start(ui.ctx(), clip, source, panels);
                }
            }
        }
        match &self.outcome {
            Some(Ok(message)) => {
                ui.label(message);
            }
            Some(Err(message)) => {
                ui.colored_label(ui.visuals().error_fg_color, message);
            }
            None => {}
        }
    }

    fn settings_grid(&mut self, ui: &mut Ui, last: usize) {
        egui::Grid::new("clip-settings")
            .num_columns(2)
            .show(ui, |ui| {
                ui.label("Frames");
                ui.horizontal(|ui| {
                    ui.add(egui::DragValue::new(&mut self.from).range(0..=last));
                    ui.label("to");
                    ui.add(egui::DragValue::new(&mut self.to).range(self.from..=last));
                });
                ui.end_row();
                ui.label("Panels");
                ui.horizontal_wrapped(|ui| {
                    for (panel, on) in &mut self.panels {
                        ui.checkbox(on, panel.label());
                    }
                });
                ui.end_row();
                ui.label("Format");
                ui.horizontal(|ui| {
                    ui.radio_value(&mut self.format, ClipFormat::Gif, "GIF");
                    ui.add_enabled_ui(cfg!(feature = "video"), |ui| {
                        ui.radio_value(&mut self.format, ClipFormat::Mp4, "mp4")
                            .on_disabled_hover_text("this build has no video support");
                    });
                });
                ui.end_row();
                ui.label("Frame rate");
                ui.add(
                    egui::DragValue::new(&mut self.fps)
                        .range(1..=120)
                        .suffix(" fps"),
                );
                ui.end_row();
                ui.label("Scale");
                ui.horizontal(|ui| {
                    ui.radio_value(&mut self.scale, 1, "1x");
                    ui.radio_value(&mut self.scale, 2, "2x");
                });
                ui.end_row();
                ui.label("Folder");
                ui.text_edit_singleline(&mut self.folder);
                ui.end_row();
            });
        self.to = self.to.max(self.from);
    }

    fn start(
        &mut self,
        ctx: &egui::Context,
        clip: &ClipContext<'_>,
        source: &SourceInfo,
        panels: Vec<Panel>,
    ) {
        let out = match self.out_path(&source.name) {
            Ok(out) => out,
            Err(error) => {
                self.outcome = Some(Err(format!("{}: {error}", self.folder)));
                return;
            }
        };
        let request = ClipRequest {
            from: self.from,
            to: self.to,
            fps: Some(self.fps),
            out,
            options: clip_options(clip.settings, source, panels, self.scale),
        };
        let input = ClipJobInput {
            reader: clip.pipeline.source_reader(),
            worker: clip.worker.clone(),
            settings: clip.settings.process_settings(),
            request,
        };
        match ClipJob::start(input, ctx, background::repaint(ctx)) {
            Ok(job) => {
                self.job = Some(job);
                self.outcome = None;
            }
            Err(error) => {
                self.outcome = Some(Err(format!("could not start the clip export: {error}")));
            }
        }
    }
}

/// The figure options of a clip of `source`: what the window shows (as F12's figure, the
/// depth panel showing the depth map the window's does), with `panels` in a row of up to
/// three, else in two rows, at `scale`.
fn clip_options(
    settings: &ViewerSettings,
    source: &SourceInfo,
    panels: Vec<Panel>,
    scale: u32,
) -> FigureOptions {
    let depth = settings.depth_panel(
        settings.process_settings().needs_pseudo_depth(),
        source.has_depth,
    );
    let mut options = viewer_figure_options(settings, depth);
    options.layout.columns = if panels.len() <= 3 {
        panels.len()
    } else {
        panels.len().div_ceil(2)
    };
    options.layout.panels = panels;
    options.scale = scale;
    options
}
