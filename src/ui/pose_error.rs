//! Pose error against the ground truth, for display: the frame's [`FrameOutcome`]
//! (computed by [`crate::eval`], SHARP's rule: a hand counts only where it is both
//! annotated and predicted present), per-joint error colours, and the per-take history
//! of per-frame MPJPE that the curve under the timeline shows.

use std::collections::BTreeMap;

use egui::Color32;

use crate::chain::ProcessSettings;
use crate::eval::FrameOutcome;
use crate::geometry::JOINTS_PER_HAND;
use crate::pipeline::FrameResult;

/// Joints closer than this to the ground truth are drawn green (millimetres).
pub const GOOD_MM: f32 = crate::viz::GOOD_MM;
/// Joints closer than this (and not closer than [`GOOD_MM`]) are drawn yellow; the rest
/// red (millimetres).
pub const FAIR_MM: f32 = crate::viz::FAIR_MM;

/// Colour of a joint within [`GOOD_MM`].
pub const GOOD_COLOR: Color32 = color32(crate::viz::GOOD_RGB);
/// Colour of a joint within [`FAIR_MM`].
pub const FAIR_COLOR: Color32 = color32(crate::viz::FAIR_RGB);
/// Colour of a joint beyond [`FAIR_MM`] (or with a non-finite error).
pub const BAD_COLOR: Color32 = color32(crate::viz::BAD_RGB);

const fn color32(rgb: [u8; 3]) -> Color32 {
    Color32::from_rgb(rgb[0], rgb[1], rgb[2])
}

/// The colour for a joint `error_mm` away from its ground truth.
pub fn error_color(error_mm: f32) -> Color32 {
    color32(crate::viz::error_rgb(error_mm))
}

/// Per-joint error colours of each hand ([`Hand::index`] order); `None` for a hand that
/// is not evaluated (not annotated or not predicted present).
pub type JointColors = [Option<[Color32; JOINTS_PER_HAND]>; 2];

/// The error colours of the hands `outcome` evaluated.
pub fn joint_colors(outcome: &FrameOutcome) -> JointColors {
    outcome
        .hands
        .map(|hand| hand.error.map(|error| error.joint_mm.map(error_color)))
}

/// Evaluates a frame's prediction against its ground truth with [`FrameOutcome`];
/// `None` when the frame has no prediction or no hand annotation.
pub fn frame_outcome(result: &FrameResult) -> Option<FrameOutcome> {
    let pose = result.processed.pose.as_ref()?;
    let truth = result.frame.annotations.hands.as_ref()?;
    Some(crate::figure::pose_outcome(
        pose,
        truth,
        &result.frame.intrinsics,
    ))
}

/// Per-frame MPJPE of one take, keyed by timeline position, bounded by the take length.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MpjpeHistory {
    frames: BTreeMap<usize, f64>,
    frame_count: usize,
    /// The settings every recorded frame was processed with.
    settings: Option<ProcessSettings>,
    /// Whether frames were dropped because the settings changed since the take opened.
    restarted: bool,
}

impl MpjpeHistory {
    /// Forgets everything and accepts positions below `frame_count` (a new source).
    pub fn reset(&mut self, frame_count: usize) {
        self.frames.clear();
        self.frame_count = frame_count;
        self.settings = None;
        self.restarted = false;
    }

    /// Records a frame processed with `settings`. When they differ from those of the
    /// frames recorded so far, those frames are forgotten first: a mean over frames
    /// computed with different ranges or backends would describe neither.
    pub fn record_processed(
        &mut self,
        position: usize,
        outcome: &FrameOutcome,
        settings: &ProcessSettings,
    ) {
        if self.settings.as_ref() != Some(settings) {
            if !self.frames.is_empty() {
                self.restarted = true;
            }
            self.frames.clear();
            self.settings = Some(*settings);
        }
        self.record_outcome(position, outcome);
    }

    /// Whether the history restarted because the settings changed.
    pub fn restarted(&self) -> bool {
        self.restarted
    }

    /// Records (or replaces) the MPJPE of the frame at `position`; positions outside the
    /// take and non-finite values are ignored.
    pub fn record(&mut self, position: usize, mpjpe_mm: f64) {
        if position < self.frame_count && mpjpe_mm.is_finite() {
            self.frames.insert(position, mpjpe_mm);
        }
    }

    /// Records a frame's outcome; frames where no hand counts are left out.
    pub fn record_outcome(&mut self, position: usize, outcome: &FrameOutcome) {
        if let Some(mpjpe) = outcome.mpjpe_mm() {
            self.record(position, mpjpe);
        }
    }

    /// The MPJPE recorded for `position`.
    pub fn get(&self, position: usize) -> Option<f64> {
        self.frames.get(&position).copied()
    }

    /// Frames recorded.
    pub fn len(&self) -> usize {
        self.frames.len()
    }

    /// Whether nothing is recorded.
    pub fn is_empty(&self) -> bool {
        self.frames.is_empty()
    }

    /// The take's length.
    pub fn frame_count(&self) -> usize {
        self.frame_count
    }

    /// Mean MPJPE over the recorded frames.
    pub fn mean(&self) -> Option<f64> {
        (!self.frames.is_empty())
            .then(|| self.frames.values().sum::<f64>() / self.frames.len() as f64)
    }

    /// `(position, mpjpe_mm)` in position order.
    pub fn points(&self) -> impl Iterator<Item = (usize, f64)> + '_ {
        self.frames
            .iter()
            .map(|(&position, &mpjpe)| (position, mpjpe))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::{HandError, HandOutcome};

    #[test]
    fn colours_follow_the_thresholds() {
        assert_eq!(error_color(0.0), GOOD_COLOR);
        assert_eq!(error_color(19.9), GOOD_COLOR);
        assert_eq!(error_color(20.0), FAIR_COLOR);
        assert_eq!(error_color(49.9), FAIR_COLOR);
        assert_eq!(error_color(50.0), BAD_COLOR);
        assert_eq!(error_color(f32::NAN), BAD_COLOR);
    }

    fn outcome(left_mm: Option<f32>, right_mm: Option<f32>) -> FrameOutcome {
        let hand = |error_mm: Option<f32>| HandOutcome {
            annotated: true,
            predicted: error_mm.is_some(),
            error: error_mm.map(|mm| HandError {
                joint_mm: [mm; JOINTS_PER_HAND],
                joint_px: [0.0; JOINTS_PER_HAND],
                box_width_px: 100.0,
            }),
        };
        FrameOutcome {
            hands: [hand(left_mm), hand(right_mm)],
        }
    }

    #[test]
    fn joint_colours_only_for_evaluated_hands() {
        let colors = joint_colors(&outcome(Some(10.0), None));
        assert_eq!(colors[0], Some([GOOD_COLOR; JOINTS_PER_HAND]));
        assert_eq!(colors[1], None);
    }

    #[test]
    fn history_accumulates_bounds_and_resets() {
        let mut history = MpjpeHistory::default();
        history.reset(3);
        assert_eq!(history.mean(), None);
        history.record_outcome(0, &outcome(Some(10.0), Some(30.0)));
        history.record_outcome(1, &outcome(None, Some(40.0)));
        // No hand counts: not recorded.
        history.record_outcome(2, &outcome(None, None));
        // Outside the take: ignored.
        history.record(3, 1000.0);
        assert_eq!(history.len(), 2);
        assert_eq!(history.get(0), Some(20.0));
        assert_eq!(history.mean(), Some(30.0));
        // Seeing a frame again replaces its value.
        history.record(0, 40.0);
        assert_eq!(history.mean(), Some(40.0));
        assert_eq!(
            history.points().collect::<Vec<_>>(),
            vec![(0, 40.0), (1, 40.0)]
        );
        history.reset(5);
        assert!(history.is_empty());
        assert!(!history.restarted());
        assert_eq!(history.frame_count(), 5);
        assert_eq!(history.mean(), None);
    }

    #[test]
    fn a_settings_change_restarts_the_take_mean() {
        let mut history = MpjpeHistory::default();
        history.reset(10);
        let first = crate::ui::ViewerSettings::default().process_settings();
        history.record_processed(0, &outcome(Some(10.0), Some(10.0)), &first);
        history.record_processed(1, &outcome(Some(30.0), Some(30.0)), &first);
        assert_eq!(history.mean(), Some(20.0));
        assert!(!history.restarted());
        let mut second = first;
        second.mask.range = None;
        assert_ne!(first, second);
        history.record_processed(1, &outcome(Some(50.0), Some(50.0)), &second);
        assert_eq!(history.len(), 1, "frames of the old settings are gone");
        assert_eq!(history.mean(), Some(50.0));
        assert!(history.restarted());
        history.reset(10);
        assert!(!history.restarted());
    }
}
