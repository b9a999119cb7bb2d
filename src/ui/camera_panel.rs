//! The camera window (pick a camera and mode, choose intrinsics, start/stop, record) and
//! the bar shown instead of the timeline while a camera is live.
//!
//! Listing cameras and their modes opens devices, which can be slow or hang, so it runs
//! on a background thread; the window never waits.

use std::path::PathBuf;
use std::sync::Arc;

use egui::{Color32, RichText, Ui};

use super::background::{self, BackgroundJob, JobState};
use super::file_picker::{FilePicker, PickPurpose, PickRequest};
use super::sources_ui::SourceSettings;
use crate::pipeline::RecordingEvent;
use crate::source::camera::{
    CameraBackend, CameraDescriptor, CameraStatus, CaptureFormat, preferred_format,
};
use crate::source::{IntrinsicsChoice, RecordingSummary, SourceInfo};

/// What the user asked the camera controls for.
#[derive(Clone, Debug, PartialEq)]
pub enum CameraAction {
    /// Open the camera chosen in the settings.
    Start,
    /// Close the camera (go back to the last take or video).
    Stop,
    /// Record into a new take under this root.
    StartRecording(PathBuf),
    /// Stop recording.
    StopRecording,
    /// Open a finished recording as a take.
    OpenRecording(PathBuf),
}

/// A question to the camera system answered on a background thread.
struct Probe<T> {
    answer: Option<BackgroundJob<Result<T, String>>>,
    result: Option<Result<T, String>>,
}

impl<T> Default for Probe<T> {
    fn default() -> Self {
        Self {
            answer: None,
            result: None,
        }
    }
}

impl<T: Send + 'static> Probe<T> {
    fn start(
        &mut self,
        ctx: &egui::Context,
        ask: impl FnOnce() -> Result<T, String> + Send + 'static,
    ) {
        match BackgroundJob::spawn("sharp-camera-probe", background::repaint(ctx), ask) {
            Ok(job) => {
                self.answer = Some(job);
                self.result = None;
            }
            Err(error) => self.result = Some(Err(format!("cannot start a thread: {error}"))),
        }
    }

    fn poll(&mut self) {
        let Some(job) = &self.answer else { return };
        let result = match job.poll() {
            JobState::Running => return,
            JobState::Done(result) => result,
            JobState::Crashed => Err("asking the camera system crashed (see the log)".into()),
        };
        self.answer = None;
        self.result = Some(result);
    }

    fn running(&self) -> bool {
        self.answer.is_some()
    }
}

/// Where a recording stands.
#[derive(Clone, Debug, Default)]
enum Recording {
    #[default]
    Idle,
    Active {
        dir: PathBuf,
        written: u64,
        dropped: u64,
    },
    Finished(Box<RecordingSummary>),
    Failed(String),
}

/// The camera window's state and the live camera's status.
#[derive(Default)]
pub struct CameraPanel {
    /// Whether the window is shown.
    pub open: bool,
    cameras: Probe<Vec<CameraDescriptor>>,
    formats: Probe<Vec<CaptureFormat>>,
    formats_for: Option<u32>,
    status: Option<CameraStatus>,
    recording: Recording,
}

impl CameraPanel {
    /// Notes a camera status change.
    pub fn on_status(&mut self, status: CameraStatus) {
        self.status = Some(status);
    }

    /// Notes a recording event; returns a line for the message log when worth one.
    pub fn on_recording(&mut self, event: RecordingEvent) -> Option<String> {
        match event {
            RecordingEvent::Started(dir) => {
                self.recording = Recording::Active {
                    dir,
                    written: 0,
                    dropped: 0,
                };
                None
            }
            RecordingEvent::Progress { written, dropped } => {
                if let Recording::Active {
                    written: w,
                    dropped: d,
                    ..
                } = &mut self.recording
                {
                    (*w, *d) = (written, dropped);
                }
                None
            }
            RecordingEvent::Finished(summary) => {
                let line = format!(
                    "recorded {} frames ({} dropped, {} poses) into {}",
                    summary.frames,
                    summary.dropped,
                    summary.poses,
                    summary.dir.display()
                );
                let errors = summary.errors.join("; ");
                self.recording = Recording::Finished(summary);
                Some(if errors.is_empty() {
                    line
                } else {
                    format!("{line}; errors: {errors}")
                })
            }
            RecordingEvent::Failed(message) => {
                self.recording = Recording::Failed(message.clone());
                Some(format!("recording failed: {message}"))
            }
        }
    }

    /// Lists the cameras in the background.
    pub fn refresh(&mut self, ctx: &egui::Context, backend: &Arc<dyn CameraBackend>) {
        let backend = Arc::clone(backend);
        self.cameras.start(ctx, move || {
            backend.list().map_err(|error| error.to_string())
        });
    }

    /// Shows the camera window when open; its *Change…* and *Choose…* buttons ask
    /// `picker`, and what it picks lands in `settings` (even if the window was closed
    /// meanwhile).
    pub fn show(
        &mut self,
        ctx: &egui::Context,
        backend: &Arc<dyn CameraBackend>,
        settings: &mut SourceSettings,
        live: Option<&SourceInfo>,
        picker: &mut FilePicker,
    ) -> Option<CameraAction> {
        self.cameras.poll();
        self.formats.poll();
        if let Some(folder) = picker.take(PickPurpose::RecordingsFolder) {
            settings.recordings_dir = Some(folder);
        }
        if let Some(file) = picker.take(PickPurpose::IntrinsicsFile) {
            settings.intrinsics = IntrinsicsChoice::File(file);
        }
        let mut action = None;
        let mut open = self.open;
        egui::Window::new("Camera")
            .open(&mut open)
            .default_size([380.0, 420.0])
            .show(ctx, |ui| {
                action = self.contents(ui, backend, settings, live, picker);
            });
        self.open = open;
        action
    }

    fn contents(
        &mut self,
        ui: &mut Ui,
        backend: &Arc<dyn CameraBackend>,
        settings: &mut SourceSettings,
        live: Option<&SourceInfo>,
        picker: &mut FilePicker,
    ) -> Option<CameraAction> {
        let mut action = None;
        let streaming = live.is_some();
        ui.add_enabled_ui(!streaming, |ui| {
            self.camera_choice(ui, backend, settings);
            self.format_choice(ui, backend, settings);
        });
        ui.separator();
        intrinsics_choice(ui, &mut settings.intrinsics, picker);
        if let Some(info) = live {
            ui.weak(format!("in use: {}", info.intrinsics_origin));
        }
        ui.separator();
        ui.horizontal(|ui| {
            if streaming {
                if ui.button("Stop camera").clicked() {
                    action = Some(CameraAction::Stop);
                }
            } else if ui.button("Start camera").clicked() {
                action = Some(CameraAction::Start);
            }
        });
        if let Some(status) = &self.status
            && streaming
        {
            status_line(ui, status);
        }
        ui.separator();
        ui.label("Recordings (H2O layout, scrubbable later):");
        let root = settings.recordings_root();
        ui.horizontal(|ui| {
            ui.monospace(root.display().to_string());
            if ui.button("Change…").clicked() {
                picker.request(
                    PickRequest::folder(PickPurpose::RecordingsFolder, "Folder for recorded takes")
                        .starting_in(Some(root.as_path())),
                );
            }
        });
        ui.add_enabled_ui(streaming, |ui| {
            if let Some(recording) = self.record_button(ui, settings) {
                action = Some(recording);
            }
        });
        action
    }

    fn camera_choice(
        &mut self,
        ui: &mut Ui,
        backend: &Arc<dyn CameraBackend>,
        settings: &mut SourceSettings,
    ) {
        ui.horizontal(|ui| {
            ui.strong("Camera");
            if ui.button("Refresh").clicked() {
                self.refresh(ui.ctx(), backend);
            }
            if self.cameras.running() {
                ui.spinner();
            }
        });
        match &self.cameras.result {
            None if !self.cameras.running() => {
                ui.weak("press Refresh to list cameras");
            }
            None => {}
            Some(Err(message)) => {
                ui.colored_label(ui.visuals().error_fg_color, message);
            }
            Some(Ok(cameras)) if cameras.is_empty() => {
                ui.colored_label(
                    ui.visuals().warn_fg_color,
                    "no camera found (no video device on this machine)",
                );
            }
            Some(Ok(cameras)) => {
                for camera in cameras {
                    let selected = settings.camera_index == camera.index;
                    let text = format!("{}: {}", camera.index, camera.name);
                    if ui
                        .selectable_label(selected, text)
                        .on_hover_text(&camera.description)
                        .clicked()
                        && !selected
                    {
                        settings.camera_index = camera.index;
                        settings.camera_format = None;
                        self.formats = Probe::default();
                        self.formats_for = None;
                    }
                }
            }
        }
    }

    fn format_choice(
        &mut self,
        ui: &mut Ui,
        backend: &Arc<dyn CameraBackend>,
        settings: &mut SourceSettings,
    ) {
        let index = settings.camera_index;
        let listed = matches!(&self.formats.result, Some(Ok(_))) && self.formats_for == Some(index);
        ui.horizontal(|ui| {
            ui.label(format!("Mode of camera {index}:"));
            if ui.button("list modes").clicked() {
                let backend = Arc::clone(backend);
                self.formats_for = Some(index);
                self.formats.start(ui.ctx(), move || {
                    backend.formats(index).map_err(|e| e.to_string())
                });
            }
            if self.formats.running() {
                ui.spinner();
            }
        });
        let formats: &[CaptureFormat] = match &self.formats.result {
            Some(Ok(formats)) if listed => formats,
            _ => &[],
        };
        if let Some(Err(message)) = &self.formats.result {
            ui.colored_label(ui.visuals().error_fg_color, message);
        }
        let auto = match preferred_format(formats) {
            Some(best) => format!("auto ({best})"),
            None => "auto (closest to 1280x720 @ 30 fps)".into(),
        };
        let selected = settings
            .camera_format
            .map_or(auto.clone(), |format| format.to_string());
        egui::ComboBox::from_id_salt("camera-format")
            .width(260.0)
            .selected_text(selected)
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut settings.camera_format, None, auto);
                for format in formats {
                    ui.selectable_value(
                        &mut settings.camera_format,
                        Some(*format),
                        format.to_string(),
                    );
                }
            });
    }

    fn record_button(&self, ui: &mut Ui, settings: &SourceSettings) -> Option<CameraAction> {
        let mut action = None;
        ui.horizontal(|ui| match &self.recording {
            Recording::Active {
                dir,
                written,
                dropped,
            } => {
                if ui.button("Stop recording").clicked() {
                    action = Some(CameraAction::StopRecording);
                }
                ui.colored_label(Color32::from_rgb(230, 60, 60), "REC");
                ui.label(format!("{written} frames, {dropped} dropped"))
                    .on_hover_text(dir.display().to_string());
            }
            other => {
                if ui.button("Record").clicked() {
                    action = Some(CameraAction::StartRecording(settings.recordings_root()));
                }
                match other {
                    Recording::Finished(summary) => {
                        ui.weak(format!("last: {} frames", summary.frames))
                            .on_hover_text(summary.dir.display().to_string());
                        if ui
                            .button("open")
                            .on_hover_text("open the recording as a take")
                            .clicked()
                        {
                            action = Some(CameraAction::OpenRecording(summary.dir.clone()));
                        }
                    }
                    Recording::Failed(message) => {
                        ui.colored_label(ui.visuals().error_fg_color, message);
                    }
                    _ => {}
                }
            }
        });
        action
    }

    /// The bar shown instead of the timeline while a camera is live.
    pub fn live_bar(
        &mut self,
        ui: &mut Ui,
        settings: &SourceSettings,
        info: &SourceInfo,
    ) -> Option<CameraAction> {
        let mut action = None;
        ui.horizontal(|ui| {
            ui.label(
                RichText::new(" LIVE ")
                    .color(Color32::WHITE)
                    .background_color(Color32::from_rgb(200, 40, 40)),
            );
            ui.strong(&info.name);
            if ui
                .button("Stop")
                .on_hover_text("close the camera")
                .clicked()
            {
                action = Some(CameraAction::Stop);
            }
            if let Some(recording) = self.record_button(ui, settings) {
                action = Some(recording);
            }
            if ui.button("Camera…").clicked() {
                self.open = true;
            }
        });
        match &self.status {
            Some(status) => status_line(ui, status),
            None => {
                ui.weak("waiting for the camera…");
            }
        }
        action
    }
}

fn status_line(ui: &mut Ui, status: &CameraStatus) {
    let colour = match status {
        CameraStatus::Streaming { .. } => ui.visuals().text_color(),
        CameraStatus::Connecting { .. } | CameraStatus::Stopped => ui.visuals().weak_text_color(),
        CameraStatus::Stalled { .. } | CameraStatus::Disconnected { .. } => {
            ui.visuals().warn_fg_color
        }
    };
    ui.colored_label(colour, status.describe());
}

fn intrinsics_choice(ui: &mut Ui, choice: &mut IntrinsicsChoice, picker: &mut FilePicker) {
    ui.strong("Intrinsics (for unprojection)");
    let is_fov = matches!(choice, IntrinsicsChoice::FieldOfView { .. });
    let is_file = matches!(choice, IntrinsicsChoice::File(_));
    if ui
        .radio(
            *choice == IntrinsicsChoice::H2oScaled,
            "H2O cam4, scaled to the camera",
        )
        .clicked()
    {
        *choice = IntrinsicsChoice::H2oScaled;
    }
    ui.horizontal(|ui| {
        if ui.radio(is_fov, "field of view").clicked() && !is_fov {
            *choice = IntrinsicsChoice::FieldOfView {
                horizontal_deg: 90.0,
            };
        }
        if let IntrinsicsChoice::FieldOfView { horizontal_deg } = choice {
            ui.add(
                egui::Slider::new(horizontal_deg, 30.0..=170.0)
                    .suffix("° horizontal")
                    .step_by(1.0),
            );
        }
    });
    ui.horizontal(|ui| {
        if ui.radio(is_file, "file").clicked() || ui.button("Choose…").clicked() {
            picker.request(PickRequest::file(
                PickPurpose::IntrinsicsFile,
                "Intrinsics file: fx fy cx cy width height",
            ));
        }
        if let IntrinsicsChoice::File(path) = choice {
            ui.monospace(path.display().to_string());
        }
    });
}
