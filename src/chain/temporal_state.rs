//! The processor's memory across frames for smoothing: which frame came last, the One
//! Euro filters and the hand identity tracker. The worker processes frames in the order
//! it receives them, so this runs in time order; a seek (a frame not shortly after the
//! last one) starts it afresh, so scrubbing never smears one place of a take into another.

use serde::{Deserialize, Serialize};

use super::hands_pose::PoseBackend;
use super::processor::PoseOutcome;
use crate::geometry::{Hand, JOINTS_PER_HAND};
use crate::temporal::{HandIdentityTracker, HandObservation, PoseSmoother, SmoothingParams};

/// The longest step forward (seconds) across which smoothing goes on; a longer one, or
/// any step back, is a seek and restarts it. Frames the worker skipped because newer
/// ones came are shorter gaps than this.
pub const MAX_SMOOTHING_GAP_S: f64 = 0.5;

/// A hand farther than this share of the frame width from every followed wrist is a new
/// hand for the identity tracker.
const IDENTITY_GATE_FRACTION: f32 = 0.25;

/// When the joints are smoothed over time (and hand identities kept across frames).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum SmoothingMode {
    /// Smooth frames without ground-truth hands (cameras, videos, recordings), so
    /// evaluation on annotated takes scores the network's own per-frame output.
    #[default]
    Auto,
    /// Always smooth.
    On,
    /// Never smooth.
    Off,
}

impl SmoothingMode {
    /// The modes in the order the UI lists them.
    pub const ALL: [SmoothingMode; 3] =
        [SmoothingMode::Auto, SmoothingMode::On, SmoothingMode::Off];

    /// Name in the UI.
    pub fn label(self) -> &'static str {
        match self {
            SmoothingMode::Auto => "auto",
            SmoothingMode::On => "on",
            SmoothingMode::Off => "off",
        }
    }

    /// Whether a frame is smoothed, given whether it has ground-truth hands.
    pub fn applies(self, has_ground_truth: bool) -> bool {
        match self {
            SmoothingMode::Auto => !has_ground_truth,
            SmoothingMode::On => true,
            SmoothingMode::Off => false,
        }
    }
}

/// How poses are smoothed over time.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SmoothingSettings {
    /// When.
    pub mode: SmoothingMode,
    /// The One Euro parameters (MediaPipe's by default).
    pub params: SmoothingParams,
}

/// The frame a step is measured from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct LastFrame {
    number: u32,
    backend: PoseBackend,
}

/// Filters and tracker, and what they have seen.
#[derive(Debug)]
pub(super) struct TemporalState {
    smoother: PoseSmoother,
    identity: HandIdentityTracker,
    identity_before_last: HandIdentityTracker,
    last: Option<LastFrame>,
}

impl TemporalState {
    pub(super) fn new() -> Self {
        Self {
            smoother: PoseSmoother::new(SmoothingParams::default()),
            identity: HandIdentityTracker::default(),
            identity_before_last: HandIdentityTracker::default(),
            last: None,
        }
    }

    /// Forgets everything (a new source, new models, smoothing turned off).
    pub(super) fn reset(&mut self) {
        self.smoother.reset();
        self.identity.reset();
        self.identity_before_last.reset();
        self.last = None;
    }

    /// Keeps `pose`'s hand identities and smooths it, as frame `number` of a source at
    /// `fps`, when `settings` say so for a frame with (`has_ground_truth`) or without
    /// ground truth; otherwise forgets the past.
    pub(super) fn apply(
        &mut self,
        pose: &mut PoseOutcome,
        number: u32,
        fps: f32,
        has_ground_truth: bool,
        settings: &SmoothingSettings,
    ) {
        if !settings.mode.applies(has_ground_truth) {
            self.reset();
            return;
        }
        if self.smoother.params() != settings.params {
            self.smoother = PoseSmoother::new(settings.params);
            self.last = None;
        }
        let fps = f64::from(fps.max(1.0));
        let here = LastFrame {
            number,
            backend: pose.backend,
        };
        let repeat = match self.last {
            Some(last) if last == here => true,
            Some(last)
                if last.backend == here.backend
                    && number > last.number
                    && f64::from(number - last.number) / fps <= MAX_SMOOTHING_GAP_S =>
            {
                false
            }
            _ => {
                self.smoother.reset();
                self.identity.reset();
                false
            }
        };
        if repeat {
            self.identity = self.identity_before_last.clone();
        } else {
            self.identity_before_last = self.identity.clone();
        }
        self.last = Some(here);
        self.keep_identities(pose);
        self.smoother
            .smooth_prediction(f64::from(number) / fps, &mut pose.prediction, repeat);
        pose.smoothed = true;
    }

    /// Swaps the two hands when the tracker says the backend's labels flipped.
    fn keep_identities(&mut self, pose: &mut PoseOutcome) {
        let present: Vec<Hand> = Hand::BOTH
            .into_iter()
            .filter(|&hand| pose.prediction.presence(hand).present)
            .collect();
        let observations: Vec<HandObservation> = present
            .iter()
            .map(|&hand| HandObservation {
                label: hand,
                label_confidence: pose.label_confidence[hand.index()],
                wrist_px: pose.prediction.keypoints[hand.index() * JOINTS_PER_HAND],
            })
            .collect();
        let gate = IDENTITY_GATE_FRACTION * pose.frame_size.width as f32;
        let sides = self.identity.assign(&observations, gate);
        if present
            .iter()
            .zip(&sides)
            .any(|(label, side)| label != side)
        {
            swap_hands(pose);
        }
    }
}

/// Exchanges everything of the left and the right hand.
fn swap_hands(pose: &mut PoseOutcome) {
    let prediction = &mut pose.prediction;
    let (left, right) = prediction.keypoints.split_at_mut(JOINTS_PER_HAND);
    left.swap_with_slice(right);
    let (left, right) = prediction.z_mm.split_at_mut(JOINTS_PER_HAND);
    left.swap_with_slice(right);
    let (left, right) = prediction.joints_mm.split_at_mut(JOINTS_PER_HAND);
    left.swap_with_slice(right);
    prediction.presence.swap(0, 1);
    std::mem::swap(&mut prediction.hands.left, &mut prediction.hands.right);
    pose.roots.swap(0, 1);
    pose.label_confidence.swap(0, 1);
}

#[cfg(test)]
mod tests {
    use glam::{Vec2, Vec3};

    use super::*;
    use crate::infer::{FrameSize, HandPresence, PosePrediction};

    /// A MediaPipe pose with one hand, labelled `label`, its wrist at `x` px.
    fn pose(label: Hand, x: f32) -> PoseOutcome {
        let mut prediction = PosePrediction {
            keypoints: [Vec2::ZERO; 42],
            z_mm: [0.0; 42],
            joints_mm: [Vec3::ZERO; 42],
            presence: [HandPresence {
                present: false,
                confidence: 0.0,
            }; 2],
            hands: Default::default(),
        };
        let first = label.index() * JOINTS_PER_HAND;
        for joint in 0..JOINTS_PER_HAND {
            let offset = joint as f32 * 6.0;
            prediction.keypoints[first + joint] = Vec2::new(x + offset, 400.0 - offset);
            prediction.joints_mm[first + joint] = Vec3::new(x / 10.0 + offset, 0.0, 500.0);
            prediction.z_mm[first + joint] = 500.0;
        }
        prediction.presence[label.index()] = HandPresence {
            present: true,
            confidence: 0.95,
        };
        prediction.hands.set(
            label,
            Some(std::array::from_fn(|joint| {
                prediction.joints_mm[first + joint]
            })),
        );
        PoseOutcome {
            prediction,
            frame_size: FrameSize {
                width: 1280,
                height: 720,
            },
            backend: PoseBackend::MediaPipe,
            roots: [None; 2],
            label_confidence: [0.9; 2],
            smoothed: false,
        }
    }

    fn wrist_x(pose: &PoseOutcome, hand: Hand) -> f32 {
        pose.prediction.keypoints[hand.index() * JOINTS_PER_HAND].x
    }

    #[test]
    fn auto_smooths_frames_without_ground_truth_and_leaves_annotated_ones_alone() {
        let auto = SmoothingSettings::default();
        let mut state = TemporalState::new();
        let mut first = pose(Hand::Left, 300.0);
        state.apply(&mut first, 0, 30.0, false, &auto);
        let mut second = pose(Hand::Left, 310.0);
        state.apply(&mut second, 1, 30.0, false, &auto);
        assert!(second.smoothed);
        let x = wrist_x(&second, Hand::Left);
        assert!(x > 300.0 && x < 310.0, "{x}");

        let mut annotated = pose(Hand::Left, 320.0);
        state.apply(&mut annotated, 2, 30.0, true, &auto);
        assert!(!annotated.smoothed);
        assert_eq!(annotated, pose(Hand::Left, 320.0));
    }

    #[test]
    fn a_seek_restarts_and_a_repeat_is_not_counted_twice() {
        let on = SmoothingSettings {
            mode: SmoothingMode::On,
            ..SmoothingSettings::default()
        };
        let mut state = TemporalState::new();
        for number in 0..5 {
            state.apply(&mut pose(Hand::Right, 300.0), number, 30.0, true, &on);
        }
        let mut moved = pose(Hand::Right, 320.0);
        state.apply(&mut moved, 5, 30.0, true, &on);
        let mut again = pose(Hand::Right, 320.0);
        state.apply(&mut again, 5, 30.0, true, &on);
        assert_eq!(moved, again);
        assert!(wrist_x(&moved, Hand::Right) < 320.0);
        // Back to frame 2 (a seek): the frame passes through as it is.
        let mut seek = pose(Hand::Right, 900.0);
        state.apply(&mut seek, 2, 30.0, true, &on);
        assert_eq!(wrist_x(&seek, Hand::Right), 900.0);
        // So does a step forward of more than half a second.
        let mut far = pose(Hand::Right, 100.0);
        state.apply(&mut far, 2 + 16, 30.0, true, &on);
        assert_eq!(wrist_x(&far, Hand::Right), 100.0);
    }

    #[test]
    fn a_hand_briefly_labelled_the_other_side_keeps_its_side() {
        let on = SmoothingSettings {
            mode: SmoothingMode::On,
            ..SmoothingSettings::default()
        };
        let mut state = TemporalState::new();
        for number in 0..10 {
            let mut left = pose(Hand::Left, 300.0);
            state.apply(&mut left, number, 30.0, false, &on);
            assert!(left.prediction.presence(Hand::Left).present);
        }
        // MediaPipe calls it right for two frames, in the same place.
        for number in 10..12 {
            let mut flipped = pose(Hand::Right, 302.0);
            state.apply(&mut flipped, number, 30.0, false, &on);
            assert!(flipped.prediction.presence(Hand::Left).present);
            assert!(!flipped.prediction.presence(Hand::Right).present);
            assert!(flipped.prediction.hands.right.is_none());
            assert!((wrist_x(&flipped, Hand::Left) - 302.0).abs() < 2.0);
        }
    }
}
