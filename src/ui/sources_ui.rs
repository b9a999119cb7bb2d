//! The source controls the app embeds: File-menu entries, the dataset browser and camera
//! windows, drag-and-drop, the live bar, the frame-cache readout, and their persisted
//! settings. The app calls these few functions; everything else stays here.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use egui::{Align2, Color32, FontId, Id, LayerId, Order, Ui};
use serde::{Deserialize, Serialize};

use super::browser::{BrowserAction, DatasetBrowser};
use super::camera_panel::{CameraAction, CameraPanel};
use super::file_picker::{FilePicker, PickPurpose, PickRequest};
use crate::pipeline::{CameraSpec, Pipeline, PipelineEvent, SourceSpec};
use crate::source::camera::{CameraBackend, CaptureConfig, CaptureFormat, NokhwaBackend};
use crate::source::{
    DEFAULT_CACHE_BYTES, IntrinsicsChoice, PathKind, SourceInfo, VIDEO_EXTENSIONS, classify_path,
};

const MIB: usize = 1 << 20;

/// Source settings that survive a restart.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SourceSettings {
    /// Frame cache budget for scrubbing, MiB.
    pub cache_mb: usize,
    /// Camera to open.
    pub camera_index: u32,
    /// Camera mode; `None` picks the one closest to 1280x720 at 30 fps.
    pub camera_format: Option<CaptureFormat>,
    /// Intrinsics for cameras and videos.
    pub intrinsics: IntrinsicsChoice,
    /// Where recordings go; `None` is the user's data folder.
    pub recordings_dir: Option<PathBuf>,
    /// The last dataset root browsed.
    pub dataset_root: Option<PathBuf>,
}

impl Default for SourceSettings {
    fn default() -> Self {
        Self {
            cache_mb: DEFAULT_CACHE_BYTES / MIB,
            camera_index: 0,
            camera_format: None,
            intrinsics: IntrinsicsChoice::H2oScaled,
            recordings_dir: None,
            dataset_root: None,
        }
    }
}

impl SourceSettings {
    /// The cache budget in bytes.
    pub fn cache_bytes(&self) -> usize {
        self.cache_mb.max(1) * MIB
    }

    /// Where recordings go.
    pub fn recordings_root(&self) -> PathBuf {
        self.recordings_dir.clone().unwrap_or_else(|| {
            match directories::ProjectDirs::from("", "", "sharp-viewer") {
                Some(dirs) => dirs.data_dir().join("recordings"),
                None => PathBuf::from("recordings"),
            }
        })
    }
}

/// What happened in the source controls this frame.
#[derive(Debug, Default)]
pub struct SourcesOutcome {
    /// A source is being opened (the app shows "opening…").
    pub opening: bool,
    /// Lines for the message log.
    pub messages: Vec<String>,
}

/// The source controls' state.
pub struct SourcesUi {
    browser: DatasetBrowser,
    camera: CameraPanel,
    backend: Arc<dyn CameraBackend>,
    last_seekable: Option<SourceSpec>,
    browse_at_start: Option<PathBuf>,
}

impl SourcesUi {
    /// Controls for a viewer launched on `source`; `browse` opens the dataset browser on
    /// that root at start.
    pub fn new(source: &SourceSpec, browse: Option<PathBuf>) -> Self {
        Self {
            browser: DatasetBrowser::default(),
            camera: CameraPanel::default(),
            backend: Arc::new(NokhwaBackend),
            last_seekable: (!matches!(source, SourceSpec::Camera(_))).then(|| source.clone()),
            browse_at_start: browse,
        }
    }

    /// The camera spec for the current settings.
    fn camera_spec(&self, settings: &SourceSettings) -> SourceSpec {
        SourceSpec::Camera(CameraSpec {
            backend: Arc::clone(&self.backend),
            config: CaptureConfig {
                format: settings.camera_format,
                ..CaptureConfig::new(settings.camera_index)
            },
            intrinsics: settings.intrinsics.clone(),
        })
    }

    fn open(&mut self, pipeline: &Pipeline, spec: SourceSpec) {
        if !matches!(spec, SourceSpec::Camera(_)) {
            self.last_seekable = Some(spec.clone());
        }
        pipeline.open(spec);
    }

    /// Entries for the File menu; what their dialogs pick is opened by [`Self::ui`].
    pub fn file_menu(&mut self, ui: &mut Ui, settings: &SourceSettings, picker: &mut FilePicker) {
        if ui.button("Open dataset root…").clicked() {
            ui.close();
            picker.request(
                PickRequest::folder(PickPurpose::DatasetRoot, "Open an H2O dataset root")
                    .starting_in(settings.dataset_root.as_deref()),
            );
        }
        let browse = ui.add_enabled(
            self.browser.root().is_some() || settings.dataset_root.is_some(),
            egui::Button::new("Dataset browser"),
        );
        if browse.clicked() {
            ui.close();
            match (self.browser.root(), &settings.dataset_root) {
                (Some(_), _) => self.browser.open = true,
                (None, Some(root)) => self.browser.load(root.clone(), ui.ctx()),
                (None, None) => {}
            }
        }
        if ui.button("Open video…").clicked() {
            ui.close();
            picker.request(
                PickRequest::file(PickPurpose::Video, "Open a head-mounted video")
                    .with_filter("video", &VIDEO_EXTENSIONS),
            );
        }
        if ui.button("Camera…").clicked() {
            ui.close();
            self.camera.open = true;
            self.camera.refresh(ui.ctx(), &self.backend);
        }
        ui.separator();
    }

    /// Shows the windows, opens what the file picker picked for them and handles dropped
    /// files. Call once per frame.
    pub fn ui(
        &mut self,
        ctx: &egui::Context,
        pipeline: &Pipeline,
        settings: &mut SourceSettings,
        source: Option<&SourceInfo>,
        picker: &mut FilePicker,
    ) -> SourcesOutcome {
        let mut outcome = SourcesOutcome::default();
        if let Some(root) = self
            .browse_at_start
            .take()
            .or_else(|| picker.take(PickPurpose::DatasetRoot))
        {
            settings.dataset_root = Some(root.clone());
            self.browser.load(root, ctx);
        }
        if let Some(path) = picker.take(PickPurpose::Video) {
            self.open(
                pipeline,
                SourceSpec::Video {
                    path,
                    intrinsics: settings.intrinsics.clone(),
                },
            );
            outcome.opening = true;
        }
        if let Some(BrowserAction::OpenTake(path)) =
            self.browser
                .show(ctx, source.map(|info| info.name.as_str()), picker)
        {
            self.open(pipeline, SourceSpec::Take(path));
            outcome.opening = true;
        }
        let live = source.filter(|info| info.live);
        if let Some(action) = self.camera.show(ctx, &self.backend, settings, live, picker) {
            outcome.opening |= self.apply(action, pipeline, settings, &mut outcome.messages);
        }
        self.handle_drop(ctx, pipeline, settings, &mut outcome);
        outcome
    }

    /// Takes the camera and recording events; returns a line for the message log.
    pub fn on_event(&mut self, event: PipelineEvent) -> Option<String> {
        match event {
            PipelineEvent::Camera(status) => {
                self.camera.on_status(status);
                None
            }
            PipelineEvent::Recording(event) => self.camera.on_recording(event),
            _ => None,
        }
    }

    /// The bar shown instead of the timeline for a live camera; returns whether a source
    /// is being opened.
    pub fn live_bar(
        &mut self,
        ui: &mut Ui,
        pipeline: &Pipeline,
        settings: &SourceSettings,
        info: &SourceInfo,
    ) -> bool {
        match self.camera.live_bar(ui, settings, info) {
            Some(action) => self.apply(action, pipeline, settings, &mut Vec::new()),
            None => false,
        }
    }

    /// The frame-cache readout and size for the side panel.
    pub fn cache_section(&self, ui: &mut Ui, pipeline: &Pipeline, settings: &mut SourceSettings) {
        ui.heading("Frame cache");
        let stats = pipeline.scrub_stats();
        ui.monospace(format!(
            "{:>4} frames {:>5.0}/{} MiB",
            stats.cache.frames,
            stats.cache.bytes as f64 / MIB as f64,
            stats.cache.budget / MIB
        ));
        ui.monospace(format!(
            "hit rate {:>3.0}%  {} decode thread(s)",
            stats.cache.hit_rate() * 100.0,
            stats.workers
        ))
        .on_hover_text("share of requested frames that were decoded ahead of time");
        let slider = egui::Slider::new(&mut settings.cache_mb, 64..=4096)
            .logarithmic(true)
            .suffix(" MiB")
            .text("budget");
        if ui.add(slider).changed() {
            pipeline.set_cache_budget(settings.cache_bytes());
        }
    }

    fn apply(
        &mut self,
        action: CameraAction,
        pipeline: &Pipeline,
        settings: &SourceSettings,
        messages: &mut Vec<String>,
    ) -> bool {
        match action {
            CameraAction::Start => {
                self.camera
                    .on_status(crate::source::camera::CameraStatus::Connecting { attempt: 1 });
                pipeline.open(self.camera_spec(settings));
                true
            }
            CameraAction::Stop => match self.last_seekable.clone() {
                Some(spec) => {
                    pipeline.open(spec);
                    true
                }
                None => {
                    messages.push("nothing to go back to: open a take or a video".into());
                    false
                }
            },
            CameraAction::StartRecording(root) => {
                pipeline.start_recording(root);
                false
            }
            CameraAction::StopRecording => {
                pipeline.stop_recording();
                false
            }
            CameraAction::OpenRecording(dir) => {
                self.open(pipeline, SourceSpec::Take(dir));
                true
            }
        }
    }

    fn handle_drop(
        &mut self,
        ctx: &egui::Context,
        pipeline: &Pipeline,
        settings: &mut SourceSettings,
        outcome: &mut SourcesOutcome,
    ) {
        let (hovering, dropped) = ctx.input(|input| {
            (
                !input.raw.hovered_files.is_empty(),
                input
                    .raw
                    .dropped_files
                    .first()
                    .map(|file| file.path().to_path_buf()),
            )
        });
        if hovering {
            let painter =
                ctx.layer_painter(LayerId::new(Order::Foreground, Id::unique("drop-hint")));
            let rect = ctx.content_rect();
            painter.rect_filled(rect, 0.0, Color32::from_black_alpha(170));
            painter.text(
                rect.center(),
                Align2::CENTER_CENTER,
                "Drop an H2O take, a dataset root or a video to open it",
                FontId::proportional(24.0),
                Color32::WHITE,
            );
        }
        if let Some(path) = dropped {
            self.open_path(&path, ctx, pipeline, settings, outcome);
        }
    }

    /// Opens whatever `path` is: a take, a dataset root (in the browser) or a video.
    fn open_path(
        &mut self,
        path: &Path,
        ctx: &egui::Context,
        pipeline: &Pipeline,
        settings: &mut SourceSettings,
        outcome: &mut SourcesOutcome,
    ) {
        match classify_path(path) {
            PathKind::Take => {
                self.open(pipeline, SourceSpec::Take(path.to_path_buf()));
                outcome.opening = true;
            }
            PathKind::DatasetRoot => {
                settings.dataset_root = Some(path.to_path_buf());
                self.browser.load(path.to_path_buf(), ctx);
            }
            PathKind::Video => {
                self.open(
                    pipeline,
                    SourceSpec::Video {
                        path: path.to_path_buf(),
                        intrinsics: settings.intrinsics.clone(),
                    },
                );
                outcome.opening = true;
            }
            PathKind::Unknown => outcome.messages.push(format!(
                "{}: not an H2O take, dataset root or video ({})",
                path.display(),
                VIDEO_EXTENSIONS.join(", ")
            )),
        }
    }
}
