//! The side panel's Models section: what each network's state is and where it runs.

use egui::{RichText, Ui};

use crate::infer::{ModelKind, ModelPaths, ModelStatus};

/// Shows each model's state; returns the paths to load when the user picked a folder.
pub fn models_section(
    ui: &mut Ui,
    statuses: &[(ModelKind, ModelStatus)],
    mask_backend: Option<&str>,
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
    if let Some(backend) = mask_backend {
        ui.label(format!("masking: {backend}"));
    }
    let mut request = None;
    if ui.button("Load models folder…").clicked()
        && let Some(folder) = rfd::FileDialog::new()
            .set_title("Folder with depth.onnx, pose.onnx, action.onnx")
            .pick_folder()
    {
        request = Some(ModelPaths::in_folder(&folder));
    }
    request
}
