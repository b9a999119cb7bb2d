//! Whether figures and clips would show what their panels' names say. A figure of a frame
//! whose depth model is unusable would have a blank pseudo-depth panel and the unmasked
//! frame as its "masked" panel; one without a usable pose model would draw no prediction.
//! Both are refused: [`unusable_models`] before any frame (naming each model file and what
//! is wrong with it), [`missing_panels`] for a frame the chain could not complete (a
//! network that loaded but failed on the frame).

use super::{DepthPanel, FigureOptions, Panel};
use crate::chain::{PoseBackend, ProcessSettings, Processed};
use crate::infer::{ModelKind, ModelSet, ModelStatus};
use crate::mask::DepthUnit;
use crate::source::Frame;

/// Whether the figure has a depth panel and it shows `map`.
fn shows_depth_map(options: &FigureOptions, map: DepthPanel) -> bool {
    options.layout.panels.contains(&Panel::PseudoDepth) && options.display.depth == map
}

/// Whether the figure's panels or its mask need the pseudo-depth map.
fn needs_pseudo_depth(settings: &ProcessSettings, options: &FigureOptions) -> bool {
    shows_depth_map(options, DepthPanel::Pseudo)
        || (settings.mask.range.is_some() && settings.mask.depth == DepthUnit::InverseDepth8)
}

/// `status` in words when it is not ready: "the depth model FILE is missing (HINT)" or
/// "the depth model FILE is unusable: WHY".
fn not_ready<I>(what: &str, status: &ModelStatus<I>) -> Option<String> {
    match status {
        ModelStatus::Ready(_) => None,
        ModelStatus::Missing { path, hint } => {
            Some(format!("the {what} {} is missing ({hint})", path.display()))
        }
        ModelStatus::Invalid { path, message } => Some(format!(
            "the {what} {} is unusable: {message}",
            path.display()
        )),
    }
}

/// Why figures drawn as `options` say, processed with `settings` by `models`, would not show what
/// their names say, one reason per model that is not usable (naming its file, what is
/// wrong and what the figure would show instead); empty when every needed model is ready.
pub fn unusable_models(
    models: &ModelSet,
    settings: &ProcessSettings,
    options: &FigureOptions,
) -> Vec<String> {
    let mut reasons = Vec::new();
    let statuses = models.statuses();
    let status = |kind: ModelKind| {
        statuses
            .iter()
            .find(|(found, _)| *found == kind)
            .map(|(_, status)| status)
    };
    if needs_pseudo_depth(settings, options)
        && let Some(reason) = status(ModelKind::Depth).and_then(|s| not_ready("depth model", s))
    {
        reasons.push(format!(
            "{reason}; the figure would show a blank pseudo-depth panel and the unmasked \
             frame as the masked panel"
        ));
    }
    let pose = match settings.pose_backend {
        PoseBackend::Sharp => status(ModelKind::Pose).and_then(|s| not_ready("pose model", s)),
        PoseBackend::MediaPipe => not_ready("MediaPipe Hands model folder", &models.hands_status()),
    };
    if let Some(reason) = pose {
        reasons.push(format!("{reason}; the figure would draw no predicted pose"));
    }
    reasons
}

/// What a figure drawn as `options` say from `frame`, `processed`, would show wrongly: a
/// blank pseudo-depth or ground-truth depth panel, an unmasked frame in the "masked"
/// panel, no prediction, then the frame's own errors. Empty when every panel shows what
/// its name says.
pub fn missing_panels(
    frame: &Frame,
    processed: &Processed,
    options: &FigureOptions,
) -> Vec<String> {
    let mut missing = Vec::new();
    if shows_depth_map(options, DepthPanel::Pseudo) && processed.pseudo_depth.is_none() {
        missing.push("a blank pseudo-depth panel".to_owned());
    }
    if shows_depth_map(options, DepthPanel::GroundTruth) && frame.depth_mm.is_none() {
        missing.push("a blank ground-truth depth panel (the frame has no depth image)".to_owned());
    }
    if let Some(reason) = &processed.mask_skipped {
        missing.push(format!("the unmasked frame as the masked panel ({reason})"));
    }
    if processed.pose.is_none() {
        missing.push("no predicted pose".to_owned());
    }
    if !missing.is_empty() && processed.problems.has_errors() {
        missing.push(format!(
            "the frame's errors: {}",
            processed.problems.error_summary()
        ));
    }
    missing
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::time::Duration;

    use super::*;
    use crate::chain::FrameReport;
    use crate::geometry::CameraIntrinsics;

    /// A 4x4 frame (with or without a depth image) and what a chain made of it (no
    /// hands found).
    fn frame_and_result(depth: bool) -> (Frame, Processed) {
        let frame = Frame {
            position: 0,
            number: 0,
            rgb: Arc::new(image::RgbImage::new(4, 4)),
            depth_mm: depth.then(|| Arc::new(image::ImageBuffer::new(4, 4))),
            annotations: Default::default(),
            intrinsics: CameraIntrinsics::H2O_CAM4_DEFAULT,
            read_time: Duration::ZERO,
        };
        let processed = Processed {
            pseudo_depth: Some(Arc::new(image::GrayImage::new(4, 4))),
            masked: Arc::clone(&frame.rgb),
            kept_fraction: 1.0,
            mask_skipped: None,
            joint_coverage: None,
            pose: None,
            action: None,
            action_window: (0, 0),
            timings: Vec::new(),
            problems: FrameReport::default(),
        };
        (frame, processed)
    }

    #[test]
    fn a_ground_truth_depth_panel_of_a_frame_without_depth_is_reported() {
        let blank_depth_panel = |frame: &Frame, processed: &Processed, options: &FigureOptions| {
            missing_panels(frame, processed, options)
                .iter()
                .any(|why| why.contains("blank ground-truth depth panel"))
        };
        let mut options = FigureOptions::default();
        options.layout.panels = vec![Panel::PseudoDepth];
        options.display.depth = DepthPanel::GroundTruth;
        let (with_depth, processed) = frame_and_result(true);
        assert!(!blank_depth_panel(&with_depth, &processed, &options));
        let (without_depth, processed) = frame_and_result(false);
        assert!(blank_depth_panel(&without_depth, &processed, &options));
        // The pseudo-depth panel does not need the frame's depth image.
        options.display.depth = DepthPanel::Pseudo;
        assert!(!blank_depth_panel(&without_depth, &processed, &options));
    }
}
