//! The side panel's Models section: what each network's state is and where it runs.

use egui::{RichText, Ui};

use super::file_picker::{FilePicker, PickPurpose, PickRequest};
use crate::infer::mediapipe::HandsInfo;
use crate::infer::{ModelKind, ModelPaths, ModelStatus};

/// Shows each model's state; returns the paths to load when the user picked a folder.
pub fn models_section(
    ui: &mut Ui,
    statuses: &[(ModelKind, ModelStatus)],
    hands: Option<&ModelStatus<HandsInfo>>,
    mask_backend: Option<&str>,
    picker: &mut FilePicker,
) -> Option<ModelPaths> {
    ui.heading("Models");
    if statuses.is_empty() {
        ui.horizontal(|ui| {
            ui.spinner();
            ui.label("loading…");
        });
    }
    for (kind, status) in statuses {
        match status {
            ModelStatus::Ready(info) => {
                let provider = RichText::new(info.provider.active.to_string()).strong();
                ui.horizontal(|ui| {
                    ui.label(format!("{kind}:"));
                    ui.label(provider);
                })
                .response
                .on_hover_text(format!(
                    "{}\n{}\nweights: {}\nload {:.0} ms, warm-up {:.0} ms",
                    info.path.display(),
                    info.provider,
                    info.source,
                    info.load_time.as_secs_f64() * 1e3,
                    info.warm_up_time.as_secs_f64() * 1e3
                ));
            }
            ModelStatus::Missing { path, hint } => {
                ui.label(format!("{kind}: not found"))
                    .on_hover_text(format!("looked for {}", path.display()));
                ui.label(RichText::new(hint).small().weak());
            }
            ModelStatus::Invalid { path, message } => {
                ui.colored_label(ui.visuals().error_fg_color, format!("{kind}: unusable"))
                    .on_hover_text(path.display().to_string());
                ui.label(
                    RichText::new(message)
                        .small()
                        .color(ui.visuals().error_fg_color),
                );
            }
        }
    }
    if let Some(status) = hands {
        hands_status(ui, status);
    }
    if let Some(backend) = mask_backend {
        ui.label(format!("masking: {backend}"));
    }
    if ui.button("Load models folder…").clicked() {
        picker.request(PickRequest::folder(
            PickPurpose::ModelsFolder,
            "Folder with depth.onnx, pose.onnx, action.onnx",
        ));
    }
    picker
        .take(PickPurpose::ModelsFolder)
        .map(|folder| ModelPaths::in_folder(&folder))
}

/// One line for MediaPipe Hands, with details on hover.
fn hands_status(ui: &mut Ui, status: &ModelStatus<HandsInfo>) {
    const NAME: &str = "MediaPipe Hands";
    match status {
        ModelStatus::Ready(info) => {
            let provider = RichText::new(info.landmark_provider.active.to_string()).strong();
            ui.horizontal(|ui| {
                ui.label(format!("{NAME} ({:?}):", info.variant));
                ui.label(provider);
            })
            .response
            .on_hover_text(format!(
                "{}\npalm detection: {}\nlandmarks: {}\nweights: Google MediaPipe 0.10.21, Apache-2.0\nload {:.0} ms",
                info.folder.display(),
                info.palm_provider,
                info.landmark_provider,
                info.load_time.as_secs_f64() * 1e3
            ));
        }
        ModelStatus::Missing { path, hint } => {
            ui.label(format!("{NAME}: not found"))
                .on_hover_text(format!("looked for {}", path.display()));
            ui.label(RichText::new(hint).small().weak());
        }
        ModelStatus::Invalid { path, message } => {
            ui.colored_label(ui.visuals().error_fg_color, format!("{NAME}: unusable"))
                .on_hover_text(path.display().to_string());
            ui.label(
                RichText::new(message)
                    .small()
                    .color(ui.visuals().error_fg_color),
            );
        }
    }
}
