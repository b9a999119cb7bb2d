//! The side panel: masking controls, display options, timings and problems.

use egui::{RichText, Ui};

use super::pose_error::{FAIR_MM, GOOD_MM};
use super::range_slider::{range_fields, range_slider};
use super::settings::ViewerSettings;
use super::stats::PipelineStats;
use crate::geometry::Hand;
use crate::mask::{DepthUnit, HandCoverage, JointCoverage, RangePreset};
use crate::pipeline::FrameResult;
use crate::source::SourceInfo;

/// Why a depth map cannot drive the mask right now; `None` where it can (or is not known
/// yet to be missing).
#[derive(Clone, Debug, Default)]
pub struct MaskAvailability {
    /// Why pseudo-depth is missing (no usable depth model).
    pub pseudo: Option<String>,
    /// Why ground-truth depth is missing (the source has none).
    pub ground_truth: Option<String>,
}

impl MaskAvailability {
    /// Why `unit` cannot drive the mask, if it cannot.
    fn unavailable(&self, unit: DepthUnit) -> Option<&str> {
        match unit {
            DepthUnit::InverseDepth8 => self.pseudo.as_deref(),
            DepthUnit::Millimetres => self.ground_truth.as_deref(),
        }
    }
}

/// Shows the masking controls, with the depth maps and presets that cannot apply
/// disabled and saying why; returns whether the mask settings changed.
pub fn mask_controls(
    ui: &mut Ui,
    settings: &mut ViewerSettings,
    result: Option<&FrameResult>,
    availability: &MaskAvailability,
) -> bool {
    let before = settings.mask_settings();
    ui.heading("Depth range");
    ui.checkbox(&mut settings.masking_enabled, "mask the frame");
    ui.horizontal(|ui| {
        ui.label("depth:");
        let choices = [
            (
                DepthUnit::Millimetres,
                "GT (mm)",
                "oracle masking with the sensor's depth",
            ),
            (
                DepthUnit::InverseDepth8,
                "pseudo",
                "SHARP: 8-bit inverse depth from the depth network (bigger is nearer)",
            ),
        ];
        for (unit, label, hover) in choices {
            let reason = availability.unavailable(unit);
            ui.add_enabled_ui(reason.is_none(), |ui| {
                ui.selectable_value(&mut settings.mask_depth, unit, label)
                    .on_hover_text(hover)
                    .on_disabled_hover_text(reason.unwrap_or_default());
            });
        }
    });
    let unit = settings.mask_depth;
    let max = unit.max_value();
    let width = ui.available_width().min(260.0);
    ui.add_enabled_ui(settings.masking_enabled, |ui| {
        range_slider(ui, settings.active_range_mut(), 0.0, max, width);
        range_fields(ui, settings.active_range_mut(), 0.0, max, unit.suffix());
    });
    ui.horizontal_wrapped(|ui| {
        ui.label("presets:");
        for preset in RangePreset::ALL {
            let reason = preset
                .unit()
                .and_then(|unit| availability.unavailable(unit));
            let button = ui
                .add_enabled(reason.is_none(), egui::Button::new(preset.label()))
                .on_disabled_hover_text(reason.unwrap_or_default());
            if button.clicked() {
                settings.apply_preset(preset);
            }
        }
    });
    if settings.masking_enabled
        && let Some(reason) = availability.unavailable(settings.mask_depth)
    {
        ui.colored_label(ui.visuals().warn_fg_color, format!("not masked: {reason}"));
    }
    if let Some(result) = result {
        ui.label(format!(
            "kept {:.1}% of the pixels",
            result.processed.kept_fraction * 100.0
        ));
        if let Some(coverage) = &result.processed.joint_coverage {
            joint_coverage_readout(ui, coverage);
        }
    }
    settings.mask_settings() != before
}

/// "hand joints kept: left 21/21, right 17/21", in the warning colour when the range
/// cuts into a hand.
fn joint_coverage_readout(ui: &mut Ui, coverage: &JointCoverage) {
    let hands: Vec<(Hand, HandCoverage)> = Hand::BOTH
        .into_iter()
        .filter_map(|hand| coverage.hand(hand).map(|kept| (hand, kept)))
        .collect();
    if hands.is_empty() {
        return;
    }
    let counts: Vec<String> = hands
        .iter()
        .map(|(hand, kept)| format!("{} {}/{}", hand.name(), kept.kept, kept.in_frame))
        .collect();
    let text = format!("hand joints kept: {}", counts.join(", "));
    let colour = if hands.iter().any(|(_, kept)| kept.is_cut()) {
        ui.visuals().warn_fg_color
    } else {
        ui.visuals().text_color()
    };
    ui.colored_label(colour, text).on_hover_text(
        "ground-truth joints whose pixel reaches the pose network unmasked (joints \
         outside the frame are not counted): fewer than all means the range cuts into \
         the hand",
    );
}

/// Shows display toggles; returns whether a processing setting changed.
pub fn display_controls(ui: &mut Ui, settings: &mut ViewerSettings) -> bool {
    ui.heading("Display");
    let estimate_before = settings.estimate_depth;
    ui.checkbox(
        &mut settings.estimate_depth,
        "run the depth network on every frame",
    )
    .on_hover_text(
        "to show pseudo-depth even when the mask uses ground-truth depth (slow on a CPU)",
    );
    ui.checkbox(
        &mut settings.depth_panel_pseudo,
        "depth panel: pseudo-depth when available",
    );
    ui.checkbox(&mut settings.show_2d_skeleton, "2D skeleton on RGB");
    ui.checkbox(
        &mut settings.skeleton_on_masked,
        "2D skeleton on masked frame",
    );
    ui.horizontal(|ui| {
        ui.label("predicted joints:");
        ui.selectable_value(&mut settings.color_by_error, false, "finger colours");
        ui.selectable_value(&mut settings.color_by_error, true, "error colours");
    })
    .response
    .on_hover_text(format!(
        "error colours: distance to the ground-truth joint, green < {GOOD_MM:.0} mm, \
         yellow < {FAIR_MM:.0} mm, red beyond; only hands both annotated and predicted present"
    ));
    ui.checkbox(
        &mut settings.show_mpjpe_curve,
        "MPJPE curve under the timeline",
    );
    ui.checkbox(&mut settings.show_speed_readout, "speed readout");
    ui.checkbox(
        &mut settings.hold_slow_analysis,
        "hold slow analysis while dragging",
    )
    .on_hover_text(
        "when a frame takes longer to analyse than scrubbing allows (a CPU with the \
         SHARP models), dragging the timeline shows frames only and the frame it stops \
         on is analysed; the cores then go to decoding",
    );
    if ui.button("reset 3D view").clicked() {
        settings.camera_3d = Default::default();
    }
    settings.estimate_depth != estimate_before
}

/// Shows the frame rate and per-stage latency readout.
pub fn timing_readout(ui: &mut Ui, stats: &PipelineStats, dropped: u64) {
    ui.heading("Speed");
    let fps = |value: Option<f32>| value.map_or("-".to_owned(), |v| format!("{v:.1}"));
    ui.monospace(format!("UI       {:>6} fps", fps(stats.ui_fps())));
    ui.monospace(format!("frames   {:>6} fps", fps(stats.shown_fps())))
        .on_hover_text("new frames reaching the RGB panel");
    ui.monospace(format!("analysed {:>6} fps", fps(stats.result_fps())))
        .on_hover_text("frames through the whole SHARP chain");
    egui::Grid::new("stage-timings")
        .striped(true)
        .show(ui, |ui| {
            ui.label(RichText::new("stage").strong());
            ui.label(RichText::new("median").strong());
            ui.label(RichText::new("p90").strong());
            ui.end_row();
            for (stage, summary) in stats.stages() {
                ui.label(stage.label());
                ui.monospace(format!("{:6.1} ms", summary.median.as_secs_f64() * 1e3));
                ui.monospace(format!("{:6.1} ms", summary.p90.as_secs_f64() * 1e3));
                ui.end_row();
            }
            if let Some(latency) = stats.shown_latency() {
                ui.label("seek to frame");
                ui.monospace(format!("{:6.1} ms", latency.median.as_secs_f64() * 1e3));
                ui.monospace(format!("{:6.1} ms", latency.p90.as_secs_f64() * 1e3));
                ui.end_row();
            }
            if let Some(latency) = stats.latency() {
                ui.label("end to end");
                ui.monospace(format!("{:6.1} ms", latency.median.as_secs_f64() * 1e3));
                ui.monospace(format!("{:6.1} ms", latency.p90.as_secs_f64() * 1e3));
                ui.end_row();
            }
        });
    ui.weak(format!("{dropped} stale result(s) skipped"));
}

/// Shows what is known about the source and the problems met.
pub fn source_details(ui: &mut Ui, source: Option<&SourceInfo>, messages: &[String]) {
    ui.heading("Source");
    match source {
        Some(info) => {
            ui.label(&info.name);
            ui.weak(format!("{} frames at {} fps", info.frame_count, info.fps));
            let k = info.intrinsics;
            ui.weak(format!("intrinsics: {}", info.intrinsics_origin))
                .on_hover_text(format!(
                    "fx {} fy {} cx {} cy {} ({}x{})",
                    k.fx, k.fy, k.cx, k.cy, k.width, k.height
                ));
            if !info.has_depth {
                ui.colored_label(
                    ui.visuals().warn_fg_color,
                    "no ground-truth depth in this take",
                );
            }
        }
        None => {
            ui.weak("nothing open");
        }
    }
    let problems: Vec<&String> = source
        .map(|info| info.problems.iter())
        .into_iter()
        .flatten()
        .chain(messages)
        .collect();
    if !problems.is_empty() {
        egui::CollapsingHeader::new(
            RichText::new(format!("{} problem(s)", problems.len()))
                .color(ui.visuals().warn_fg_color),
        )
        .id_salt("problems")
        .show(ui, |ui| {
            egui::ScrollArea::vertical()
                .max_height(160.0)
                .show(ui, |ui| {
                    for problem in problems {
                        ui.label(RichText::new(problem).small());
                    }
                });
        });
    }
}
