//! The side panel's Pose section: which backend finds the hands and, for MediaPipe
//! Hands, how its wrists are placed and which hand is which; smoothing over time.

use egui::{DragValue, RichText, Ui};

use super::settings::ViewerSettings;
use crate::chain::{PoseBackend, RootDepthSource, SmoothingMode, Viewpoint, describe_roots};
use crate::pipeline::FrameResult;
use crate::source::SourceKind;

/// How the UI names left and right, shown under the MediaPipe settings.
const HANDEDNESS_NOTE: &str = "Left/right are the subject's own hands, as in H2O. MediaPipe \
    labels hands as a mirrored selfie shows them, which is how a head-mounted camera sees \
    its wearer's hands: egocentric keeps its labels, facing the user (not mirrored) swaps \
    them. Each kind of source (take, video, camera) keeps its own viewpoint.";

/// Shows the backend choice and MediaPipe's settings; returns whether a processing
/// setting changed.
pub fn pose_section(
    ui: &mut Ui,
    settings: &mut ViewerSettings,
    result: Option<&FrameResult>,
    source: Option<SourceKind>,
) -> bool {
    ui.heading("Pose");
    let before = (settings.pose_backend, settings.hands, settings.smoothing);
    ui.horizontal(|ui| {
        ui.label("backend:");
        ui.selectable_value(
            &mut settings.pose_backend,
            PoseBackend::Sharp,
            PoseBackend::Sharp.label(),
        )
        .on_hover_text("SHARP's EffHandEgoNet3D (pose.onnx, exported from your weights)");
        ui.selectable_value(
            &mut settings.pose_backend,
            PoseBackend::MediaPipe,
            PoseBackend::MediaPipe.label(),
        )
        .on_hover_text("Google's pretrained MediaPipe Hands, shipped in models/mediapipe/");
    });
    if settings.pose_backend == PoseBackend::MediaPipe {
        mediapipe_settings(ui, settings, source.unwrap_or_default());
        if let Some(pose) = result.and_then(|result| result.processed.pose.as_ref())
            && pose.backend == PoseBackend::MediaPipe
        {
            let lines = describe_roots(&pose.roots);
            if lines.is_empty() {
                ui.weak("no hand found");
            }
            for line in lines {
                ui.label(RichText::new(line).small());
            }
        }
    }
    smoothing_settings(ui, settings, result);
    (settings.pose_backend, settings.hands, settings.smoothing) != before
}

/// The smoothing choice, and whether the shown frame's joints were smoothed.
fn smoothing_settings(ui: &mut Ui, settings: &mut ViewerSettings, result: Option<&FrameResult>) {
    ui.horizontal(|ui| {
        ui.label("smooth over time:");
        for mode in SmoothingMode::ALL {
            ui.selectable_value(&mut settings.smoothing.mode, mode, mode.label());
        }
    })
    .response
    .on_hover_text(
        "One Euro filter on each hand's 2D and 3D joints (MediaPipe's settings: min cutoff \
         0.05 Hz / beta 80 in 2D, 0.1 Hz / 40 in 3D), with hand identity kept across frames; \
         restarted on a seek. Auto smooths frames without ground-truth hands (cameras, videos) \
         so annotated takes are scored on the network's own output.",
    );
    if let Some(pose) = result.and_then(|result| result.processed.pose.as_ref()) {
        ui.label(
            RichText::new(if pose.smoothed {
                "this frame: smoothed, hand identity tracked"
            } else {
                "this frame: per-frame joints"
            })
            .small()
            .weak(),
        );
    }
    ui.checkbox(&mut settings.show_trails, "fingertip trails (2D and 3D)");
}

fn mediapipe_settings(ui: &mut Ui, settings: &mut ViewerSettings, source: SourceKind) {
    let hands = &mut settings.hands;
    ui.horizontal(|ui| {
        ui.label("wrist depth:");
        ui.selectable_value(&mut hands.root_depth, RootDepthSource::GroundTruth, "GT")
            .on_hover_text("median ground-truth depth (mm) around the wrist pixel");
        ui.selectable_value(
            &mut hands.root_depth,
            RootDepthSource::PseudoDepth,
            "pseudo",
        )
        .on_hover_text("median 8-bit pseudo-depth around the wrist pixel, scaled below");
        ui.selectable_value(&mut hands.root_depth, RootDepthSource::Fixed, "fixed");
    });
    if hands.root_depth == RootDepthSource::PseudoDepth {
        ui.horizontal(|ui| {
            ui.label("pseudo-depth 255 =");
            ui.add(
                DragValue::new(&mut hands.pseudo_scale_mm)
                    .range(50.0..=5000.0)
                    .suffix(" mm"),
            );
        })
        .response
        .on_hover_text("a value v is read as this x 255 / v millimetres");
    }
    ui.horizontal(|ui| {
        ui.label("fixed depth:");
        ui.add(
            DragValue::new(&mut hands.fixed_depth_mm)
                .range(50.0..=5000.0)
                .suffix(" mm"),
        );
    })
    .response
    .on_hover_text("used when the chosen depth map has no value at the wrist");
    ui.add(
        egui::Slider::new(&mut hands.min_detection_confidence, 0.05..=0.95).text("palm threshold"),
    );
    let viewpoint = hands.viewpoints.of_mut(source);
    ui.horizontal_wrapped(|ui| {
        ui.label(format!("viewpoint of this {}:", source.name()));
        for choice in Viewpoint::ALL {
            ui.selectable_value(viewpoint, choice, choice.label());
        }
    });
    ui.label(RichText::new(HANDEDNESS_NOTE).small().weak());
}
