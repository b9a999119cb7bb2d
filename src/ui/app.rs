//! The viewer application: owns the pipeline, reacts to input, lays out the panels.

use std::collections::VecDeque;
use std::time::Instant;

use egui::{Color32, Key, RichText, Ui};

use super::action_panel::action_section;
use super::clip_export::{ClipContext, ClipExportWindow};
use super::controls::{
    MaskAvailability, display_controls, mask_controls, source_details, timing_readout,
};
use super::error_plot::mpjpe_plot;
use super::figure_export::{FigureExport, viewer_figure_options};
use super::file_picker::{FilePicker, PickPurpose, PickRequest};
use super::help::Help;
use super::models_panel::models_section;
use super::panels::{PanelContent, central_panels};
use super::playback::Playback;
use super::pose_error::{MpjpeHistory, frame_outcome, joint_colors};
use super::pose_panel::pose_section;
use super::settings::{STORAGE_KEY, ViewerSettings};
use super::sources_ui::SourcesUi;
use super::stats::PipelineStats;
use super::textures::PanelTextures;
use super::timeline::{TimelineRequest, next_speed, timeline};
use super::trails::FingertipTrails;
use crate::chain::PoseBackend;
use crate::eval::FrameOutcome;
use crate::infer::mediapipe::HandsInfo;
use crate::infer::{ModelKind, ModelStatus};
use crate::pipeline::{FrameResult, Pipeline, PipelineEvent, SourceSpec, WorkerOptions};
use crate::source::{Frame, SourceInfo};

/// Default folder (relative to the working directory) that *Export figure* writes to.
pub const FIGURE_FOLDER: &str = "figures";

/// Analysis slower than this per frame is held while the timeline is dragged (when the
/// user lets it): the scrubbing target is 30 frames per second.
const SCRUB_FRAME_BUDGET: std::time::Duration = std::time::Duration::from_millis(33);

/// How many past problem messages the side panel keeps.
const MESSAGE_LOG: usize = 50;

/// What the viewer opens at start.
#[derive(Clone, Debug)]
pub struct LaunchOptions {
    /// The source to open.
    pub source: SourceSpec,
    /// Timeline position to show first.
    pub start_position: usize,
    /// A dataset root to show in the browser at start.
    pub browse: Option<std::path::PathBuf>,
    /// Models, execution provider and masking backend.
    pub worker: WorkerOptions,
    /// A pose backend that overrides the saved choice (`--pose-backend`).
    pub pose_backend: Option<PoseBackend>,
    /// Where *Export figure* writes (`--figure-dir`).
    pub figure_folder: std::path::PathBuf,
}

/// What the viewer is doing, for the status line.
#[derive(Clone, Debug, PartialEq)]
enum Status {
    Opening,
    Generating { done: usize, total: usize },
    Ready,
    Failed(String),
}

/// The SHARP Viewer window.
pub struct ViewerApp {
    pipeline: Pipeline,
    settings: ViewerSettings,
    source: Option<SourceInfo>,
    playback: Playback,
    /// The frame in the RGB panel: the newest preview of a seekable source (ahead of
    /// `result` while processing catches up), or the newest result's frame.
    shown: Option<Frame>,
    result: Option<FrameResult>,
    /// The shown result against its ground truth, when it has a prediction and one.
    outcome: Option<FrameOutcome>,
    /// Per-frame MPJPE of the open take.
    mpjpe: MpjpeHistory,
    /// Recent fingertips of the analysed frames.
    trails: FingertipTrails,
    textures: PanelTextures,
    stats: PipelineStats,
    status: Status,
    messages: VecDeque<String>,
    models: Vec<(ModelKind, ModelStatus)>,
    hands: Option<ModelStatus<HandsInfo>>,
    start_position: usize,
    sources: SourcesUi,
    /// Where the last exported figure went, or why it failed.
    figure_notice: Option<String>,
    /// The figure being written, if any.
    figure_export: Option<FigureExport>,
    /// The clip export window and its running export.
    clip_export: ClipExportWindow,
    /// The models, provider and masking the worker was last told to use (a clip export
    /// loads its own copy).
    worker_options: WorkerOptions,
    /// Where figures go.
    figure_folder: std::path::PathBuf,
    /// Whether the pipeline was told to hold analysis (timeline dragged, analysis slow).
    analysis_held: bool,
    /// The help overlay.
    help: Help,
    /// Every file and folder dialog of the window.
    picker: FilePicker,
}

impl ViewerApp {
    /// Creates the app, restoring saved settings, and starts opening the source.
    pub fn new(cc: &eframe::CreationContext<'_>, launch: LaunchOptions) -> std::io::Result<Self> {
        let mut settings: ViewerSettings = cc
            .storage
            .and_then(|storage| eframe::get_value(storage, STORAGE_KEY))
            .unwrap_or_default();
        if let Some(backend) = launch.pose_backend {
            settings.pose_backend = backend;
        }
        let ctx = cc.egui_ctx.clone();
        let worker_options = launch.worker.clone();
        let pipeline = Pipeline::spawn(
            settings.process_settings(),
            launch.worker,
            std::sync::Arc::new(move || ctx.request_repaint()),
        )?;
        pipeline.set_cache_budget(settings.sources.cache_bytes());
        let sources = SourcesUi::new(&launch.source, launch.browse);
        pipeline.open(launch.source);
        Ok(Self {
            pipeline,
            settings,
            source: None,
            playback: Playback::new(0, 30.0),
            shown: None,
            result: None,
            outcome: None,
            mpjpe: MpjpeHistory::default(),
            trails: FingertipTrails::default(),
            textures: PanelTextures::default(),
            stats: PipelineStats::default(),
            status: Status::Opening,
            messages: VecDeque::new(),
            models: Vec::new(),
            hands: None,
            start_position: launch.start_position,
            sources,
            figure_notice: None,
            figure_export: None,
            clip_export: ClipExportWindow::new(&launch.figure_folder),
            worker_options,
            figure_folder: launch.figure_folder,
            analysis_held: false,
            help: Help::default(),
            picker: FilePicker::default(),
        })
    }

    /// Where the last figure export went, or why it failed, or that it is running (for
    /// tests).
    pub fn figure_notice(&self) -> Option<&str> {
        self.figure_notice.as_deref()
    }

    /// The clip export window (for tests).
    pub fn clip_export(&self) -> &ClipExportWindow {
        &self.clip_export
    }

    /// The clip export window, to set it up (for tests).
    pub fn clip_export_mut(&mut self) -> &mut ClipExportWindow {
        &mut self.clip_export
    }

    /// The newest result shown, if any (for tests).
    pub fn current_result(&self) -> Option<&FrameResult> {
        self.result.as_ref()
    }

    /// The open source, if any (for tests).
    pub fn source(&self) -> Option<&SourceInfo> {
        self.source.as_ref()
    }

    /// Whether the help overlay is open (for tests).
    pub fn help_open(&self) -> bool {
        self.help.open
    }

    /// Whether the built-in file picker is open (for tests).
    pub fn file_picker_open(&self) -> bool {
        self.picker.is_open()
    }

    /// The persisted settings.
    pub fn settings_mut(&mut self) -> &mut ViewerSettings {
        &mut self.settings
    }

    /// The models' states as last reported by the worker (for tests).
    pub fn models(&self) -> &[(ModelKind, ModelStatus)] {
        &self.models
    }

    /// Sends the current settings to the worker (after changing them from outside).
    pub fn apply_settings(&self) {
        self.pipeline.set_settings(self.settings.process_settings());
    }

    /// Which depth maps can drive the mask: pseudo-depth needs a loaded depth model,
    /// ground-truth depth a source that has it.
    fn mask_availability(&self) -> MaskAvailability {
        let depth_model = self
            .models
            .iter()
            .find(|(kind, _)| *kind == ModelKind::Depth)
            .map(|(_, status)| status);
        let pseudo = match depth_model {
            Some(ModelStatus::Ready(_)) | None => None,
            Some(ModelStatus::Missing { .. }) => {
                Some("pseudo-depth needs the depth model (not found; see Models)".to_owned())
            }
            Some(ModelStatus::Invalid { .. }) => {
                Some("pseudo-depth needs the depth model (unusable; see Models)".to_owned())
            }
        };
        let ground_truth = self
            .source
            .as_ref()
            .filter(|source| !source.has_depth)
            .map(|_| "this source has no ground-truth depth".to_owned());
        MaskAvailability {
            pseudo,
            ground_truth,
        }
    }

    fn log(&mut self, message: String) {
        if self.messages.len() == MESSAGE_LOG {
            self.messages.pop_front();
        }
        self.messages.push_back(message);
    }

    fn poll_pipeline(&mut self, ctx: &egui::Context) {
        for event in self.pipeline.events() {
            match event {
                PipelineEvent::Generating { done, total } => {
                    self.status = Status::Generating { done, total }
                }
                PipelineEvent::Opened { info, .. } => {
                    self.playback = Playback::new(info.frame_count, info.fps);
                    self.mpjpe.reset(info.frame_count);
                    // Nothing of the previous source stays on screen: not its frame,
                    // its action banner, its skeletons nor its analysis images.
                    self.trails.clear();
                    self.outcome = None;
                    self.shown = None;
                    self.result = None;
                    self.textures = PanelTextures::default();
                    self.playback.seek(self.start_position, Instant::now());
                    self.start_position = 0;
                    self.pipeline.seek(self.playback.position());
                    self.source = Some(*info);
                    self.status = Status::Ready;
                }
                PipelineEvent::OpenFailed(message) => {
                    self.status = Status::Failed(message.clone());
                    self.log(message);
                }
                PipelineEvent::Models(models) => self.models = models,
                PipelineEvent::Hands(status) => self.hands = Some(status),
                PipelineEvent::FrameFailed { message, .. } => self.log(message),
                event @ (PipelineEvent::Camera(_) | PipelineEvent::Recording(_)) => {
                    if let Some(message) = self.sources.on_event(event) {
                        self.log(message);
                    }
                }
            }
        }
        if let Some(preview) = self.pipeline.try_preview() {
            self.stats.record_shown(Instant::now(), preview.latency);
            self.textures.update_rgb(ctx, &preview.frame.rgb);
            self.shown = Some(preview.frame);
        }
        if let Some(result) = self.pipeline.try_result() {
            let now = Instant::now();
            self.stats.record_result(&result, now);
            // Seekable sources show their frames as previews; live ones with the result.
            if self.shown.is_none() || self.source.as_ref().is_some_and(|info| info.live) {
                self.stats.record_shown(now, result.latency);
                self.textures.update_rgb(ctx, &result.frame.rgb);
                self.shown = Some(result.frame.clone());
            }
            self.textures.update_analysis(ctx, &result);
            let fps = self.source.as_ref().map_or(30.0, |info| info.fps);
            self.trails
                .push(result.frame.number, fps, result.processed.pose.as_ref());
            self.outcome = frame_outcome(&result);
            if let Some(outcome) = &self.outcome {
                self.mpjpe
                    .record_processed(result.frame.position, outcome, &result.settings);
            }
            self.result = Some(result);
        }
    }

    fn handle_keys(&mut self, ctx: &egui::Context) {
        if ctx.egui_wants_keyboard_input() || self.source.is_none() {
            return;
        }
        if ctx.input(|input| {
            input.key_pressed(Key::F12) || (input.modifiers.command && input.key_pressed(Key::E))
        }) {
            self.export_figure(ctx);
        }
        let second = self.playback.fps().round() as i64;
        let mut speed = self.settings.playback_speed;
        let requests: Vec<TimelineRequest> = ctx.input(|input| {
            let step = if input.modifiers.shift { second } else { 1 };
            let mut requests = Vec::new();
            if input.key_pressed(Key::Space) {
                requests.push(TimelineRequest::TogglePlay);
            }
            if input.key_pressed(Key::ArrowRight) {
                requests.push(TimelineRequest::Step(step));
            }
            if input.key_pressed(Key::ArrowLeft) {
                requests.push(TimelineRequest::Step(-step));
            }
            if input.key_pressed(Key::Home) {
                requests.push(TimelineRequest::Seek(0));
            }
            if input.key_pressed(Key::End) {
                requests.push(TimelineRequest::Seek(usize::MAX));
            }
            if input.key_pressed(Key::Minus) || input.key_pressed(Key::OpenBracket) {
                requests.push(TimelineRequest::SpeedChanged);
                speed = next_speed(speed, false);
            }
            if input.key_pressed(Key::Plus)
                || input.key_pressed(Key::Equals)
                || input.key_pressed(Key::CloseBracket)
            {
                requests.push(TimelineRequest::SpeedChanged);
                speed = next_speed(speed, true);
            }
            requests
        });
        self.settings.playback_speed = speed;
        self.apply_timeline(requests);
    }

    /// Starts writing the figure of the shown frame (every panel and the composite row,
    /// the 3D panel seen as the 3D view shows it) into the figure folder, off the UI
    /// thread; [`Self::poll_figure_export`] says where it went.
    fn export_figure(&mut self, ctx: &egui::Context) {
        if self.figure_export.is_some() {
            self.figure_notice = Some("still writing the previous figure".into());
            return;
        }
        let Some(result) = &self.result else {
            self.figure_notice = Some("no frame to export yet".into());
            return;
        };
        let take = self
            .source
            .as_ref()
            .map_or("frame", |source| source.name.as_str())
            .to_owned();
        // The depth map the window's depth panel shows for this frame.
        let depth = self.settings.depth_panel(
            result.processed.pseudo_depth.is_some(),
            result.frame.depth_mm.is_some(),
        );
        let options = viewer_figure_options(&self.settings, depth);
        let started = FigureExport::start(
            result,
            take,
            options,
            self.figure_folder.clone(),
            super::background::repaint(ctx),
        );
        match started {
            Ok(export) => {
                self.figure_export = Some(export);
                self.figure_notice = Some(format!(
                    "writing the figure of frame {}…",
                    result.frame.number
                ));
            }
            Err(error) => {
                let message = format!("could not start the figure export: {error}");
                self.log(message.clone());
                self.figure_notice = Some(message);
            }
        }
    }

    /// Shows where a finished figure export went, or why it failed.
    fn poll_figure_export(&mut self) {
        let Some(message) = self.figure_export.as_ref().and_then(FigureExport::finished) else {
            return;
        };
        self.figure_export = None;
        self.log(message.clone());
        self.figure_notice = Some(message);
    }

    fn apply_timeline(&mut self, requests: Vec<TimelineRequest>) {
        let now = Instant::now();
        for request in requests {
            let before = self.playback.position();
            match request {
                TimelineRequest::TogglePlay => self.playback.toggle(now),
                TimelineRequest::Step(delta) => self.playback.step(delta),
                TimelineRequest::Seek(position) => self.playback.seek(position, now),
                TimelineRequest::SpeedChanged => self.playback.rebase(now),
                TimelineRequest::Dragging => continue,
            }
            if self.playback.position() != before || matches!(request, TimelineRequest::Seek(_)) {
                self.pipeline.seek(self.playback.position());
            }
        }
    }

    /// Holds analysis while the timeline is dragged if frames take longer to analyse
    /// than [`SCRUB_FRAME_BUDGET`] and the user allows it; lifts the hold otherwise.
    fn hold_analysis_while_dragging(&mut self, dragging: bool) {
        let slow = self
            .stats
            .processing()
            .is_some_and(|processing| processing.median > SCRUB_FRAME_BUDGET);
        let hold = dragging && slow && self.settings.hold_slow_analysis;
        if hold != self.analysis_held {
            self.analysis_held = hold;
            self.pipeline.hold_analysis(hold);
        }
    }

    fn top_bar(&mut self, ui: &mut Ui) {
        egui::Panel::top("top-bar").show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.menu_button("File", |ui| {
                    self.sources
                        .file_menu(ui, &self.settings.sources, &mut self.picker);
                    if ui.button("Open take folder…").clicked() {
                        ui.close();
                        self.picker.request(
                            PickRequest::folder(PickPurpose::TakeFolder, "Open an H2O take")
                                .starting_in(self.settings.sources.dataset_root.as_deref()),
                        );
                    }
                    ui.checkbox(
                        &mut self.settings.builtin_file_picker,
                        "Use the built-in file picker",
                    )
                    .on_hover_text(
                        "pick files and folders in the viewer's own dialog instead of the \
                         desktop's (which needs xdg-desktop-portal or zenity)",
                    );
                    if ui
                        .add_enabled(
                            self.result.is_some() && self.figure_export.is_none(),
                            egui::Button::new("Export figure").shortcut_text("F12"),
                        )
                        .on_hover_text(format!(
                            "the shown frame's panels and their composite as the window \
                             shows them, the 3D panel as the 3D view shows it, into {}",
                            self.figure_folder.display()
                        ))
                        .clicked()
                    {
                        ui.close();
                        self.export_figure(ui.ctx());
                    }
                    let seekable = self.source.as_ref().is_some_and(|source| !source.live);
                    if ui
                        .add_enabled(seekable, egui::Button::new("Export clip…"))
                        .on_hover_text(
                            "a range of frames of the take, chosen panels, as GIF or mp4, \
                             every frame analysed as playback does",
                        )
                        .clicked()
                    {
                        ui.close();
                        if let Some(source) = &self.source {
                            self.clip_export.open_at(
                                self.playback.position(),
                                source.frame_count,
                                source.fps,
                            );
                        }
                    }
                    if ui.button("Quit").clicked() {
                        ui.ctx().send_viewport_cmd(egui::ViewportCommand::Close);
                    }
                });
                self.help.menu(ui);
                ui.separator();
                ui.strong("SHARP Viewer");
                if let Some(notice) = self.picker.notice() {
                    ui.colored_label(ui.visuals().warn_fg_color, notice);
                }
                if let Some(source) = &self.source {
                    ui.label(&source.name);
                    if source.synthetic {
                        ui.label(
                            RichText::new(" SYNTHETIC SAMPLE ")
                                .color(Color32::BLACK)
                                .background_color(Color32::from_rgb(250, 200, 60)),
                        )
                        .on_hover_text(
                            "procedurally generated by sharp-viewer make-sample: not real H2O data",
                        );
                    }
                }
                ui.with_layout(
                    egui::Layout::right_to_left(egui::Align::Center),
                    |ui| match &self.status {
                        Status::Opening => {
                            ui.spinner();
                            ui.label("opening…");
                        }
                        Status::Generating { done, total } => {
                            ui.add(
                                egui::ProgressBar::new(*done as f32 / (*total).max(1) as f32)
                                    .desired_width(160.0)
                                    .show_percentage(),
                            );
                            ui.label("generating the synthetic sample");
                        }
                        Status::Failed(message) => {
                            ui.colored_label(ui.visuals().error_fg_color, message);
                        }
                        Status::Ready => {
                            if let Some(notice) = &self.figure_notice {
                                ui.label(notice);
                            }
                        }
                    },
                );
            });
        });
    }

    fn side_panel(&mut self, ui: &mut Ui) {
        egui::Panel::left("controls")
            .default_size(270.0)
            .show(ui, |ui| {
                egui::ScrollArea::vertical().show(ui, |ui| {
                    let availability = self.mask_availability();
                    let mut changed =
                        mask_controls(ui, &mut self.settings, self.result.as_ref(), &availability);
                    ui.separator();
                    changed |= pose_section(
                        ui,
                        &mut self.settings,
                        self.result.as_ref(),
                        self.source.as_ref().map(|source| source.kind),
                    );
                    ui.separator();
                    changed |= action_section(ui, &mut self.settings, self.result.as_ref());
                    ui.separator();
                    changed |= display_controls(ui, &mut self.settings);
                    ui.separator();
                    let backend = self
                        .result
                        .as_ref()
                        .map(|result| result.mask_backend.as_str());
                    if let Some(paths) = models_section(
                        ui,
                        &self.models,
                        self.hands.as_ref(),
                        backend,
                        &mut self.picker,
                    ) {
                        self.hands = None;
                        self.models.clear();
                        self.worker_options.models = paths.clone();
                        self.pipeline.load_models(paths);
                    }
                    ui.separator();
                    if changed {
                        self.pipeline.set_settings(self.settings.process_settings());
                    }
                    if self.settings.show_speed_readout {
                        timing_readout(ui, &self.stats, self.pipeline.dropped_results());
                        ui.separator();
                    }
                    let mut messages: Vec<String> = self.messages.iter().cloned().collect();
                    if let Some(result) = &self.result {
                        messages.extend(
                            result
                                .problems
                                .iter()
                                .map(|problem| format!("{}: {problem}", problem.severity.name())),
                        );
                    }
                    source_details(ui, self.source.as_ref(), &messages);
                    ui.separator();
                    self.sources
                        .cache_section(ui, &self.pipeline, &mut self.settings.sources);
                });
            });
    }

    fn bottom_bar(&mut self, ui: &mut Ui) {
        egui::Panel::bottom("timeline").show(ui, |ui| {
            ui.add_space(4.0);
            if let Some(info) = self.source.as_ref().filter(|info| info.live) {
                if self
                    .sources
                    .live_bar(ui, &self.pipeline, &self.settings.sources, info)
                {
                    self.status = Status::Opening;
                }
                return;
            }
            let labels = self
                .source
                .as_ref()
                .map(|info| info.action_labels.clone())
                .unwrap_or_default();
            let requests = timeline(
                ui,
                &self.playback,
                &labels,
                &mut self.settings.playback_speed,
                &mut self.settings.loop_playback,
            );
            self.hold_analysis_while_dragging(requests.contains(&TimelineRequest::Dragging));
            self.apply_timeline(requests);
            if self.settings.show_mpjpe_curve && !self.mpjpe.is_empty() {
                mpjpe_plot(ui, &self.mpjpe, self.playback.position());
            }
            ui.add_space(2.0);
        });
    }

    fn central(&mut self, ui: &mut Ui) {
        egui::CentralPanel::default().show(ui, |ui| {
            let area = ui.available_rect_before_wrap();
            let joint_errors = self
                .outcome
                .as_ref()
                .filter(|_| self.settings.color_by_error)
                .map(joint_colors);
            let trails = self.settings.show_trails.then_some(&self.trails);
            central_panels(
                ui,
                area,
                &mut self.settings,
                PanelContent {
                    source: self.source.as_ref(),
                    shown: self.shown.as_ref(),
                    result: self.result.as_ref(),
                    textures: &self.textures,
                    joint_errors: joint_errors.as_ref(),
                    trails,
                },
            );
        });
    }
}

impl eframe::App for ViewerApp {
    fn ui(&mut self, ui: &mut Ui, _frame: &mut eframe::Frame) {
        let ctx = ui.ctx().clone();
        let now = Instant::now();
        self.stats.record_ui_frame(now);
        self.poll_pipeline(&ctx);
        self.poll_figure_export();
        self.picker
            .set_prefer_builtin(self.settings.builtin_file_picker);
        // The built-in file dialog has the keys while it is open (Esc closes it).
        if !self.picker.is_open() {
            let help_was_open = self.help.open;
            self.help.handle_keys(&ctx);
            if !help_was_open
                && !ctx.egui_wants_keyboard_input()
                && ctx.input(|input| input.key_pressed(Key::Escape))
            {
                self.settings.maximised_panel = None;
            }
            self.handle_keys(&ctx);
        }
        if let Some(path) = self.picker.take(PickPurpose::TakeFolder) {
            self.status = Status::Opening;
            self.pipeline.open(SourceSpec::Take(path));
        }
        let outcome = self.sources.ui(
            &ctx,
            &self.pipeline,
            &mut self.settings.sources,
            self.source.as_ref(),
            &mut self.picker,
        );
        if outcome.opening {
            self.status = Status::Opening;
        }
        outcome
            .messages
            .into_iter()
            .for_each(|message| self.log(message));
        if self.playback.advance(
            now,
            self.settings.playback_speed,
            self.settings.loop_playback,
        ) {
            self.pipeline.seek(self.playback.position());
        }
        self.top_bar(ui);
        self.bottom_bar(ui);
        self.side_panel(ui);
        self.central(ui);
        self.help.window(&ctx);
        self.picker.show(&ctx);
        self.clip_export.show(
            &ctx,
            &ClipContext {
                source: self.source.as_ref(),
                pipeline: &self.pipeline,
                worker: &self.worker_options,
                settings: &self.settings,
            },
        );
        if self.playback.is_playing()
            || matches!(self.status, Status::Opening | Status::Generating { .. })
        {
            ctx.request_repaint();
        }
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, STORAGE_KEY, &self.settings);
    }
}
