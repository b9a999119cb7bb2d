//! SHARP's hand pose metrics (`utils/trainer.py` in test mode, `utils/metrics.py`):
//! per hand and frame, the mean over the 21 joints of the 3D distance in millimetres
//! (MPJPE) and of the 2D distance in frame pixels (EPE), and PCK / AUC with thresholds
//! relative to the width of the ground-truth hand's 2D bounding box.
//!
//! A hand of a frame counts only when it is both annotated and predicted present.

use glam::{Vec2, Vec3};
use serde::Serialize;

use crate::geometry::{CameraIntrinsics, Hand, HandJoints, JOINTS_PER_HAND, TwoHands};

/// SHARP's default PCK threshold (a fraction of the ground-truth box width).
pub const PCK_THRESHOLD: f64 = 0.2;
/// Thresholds the AUC averages PCK over: 0, 1/20, ..., 19/20 (SHARP's `keypoint_auc`).
pub const AUC_STEPS: usize = 20;

/// One predicted hand: keypoints in frame pixels and joints in millimetres.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PredictedHand {
    /// Keypoints in pixels of the take's frame.
    pub keypoints_px: [Vec2; JOINTS_PER_HAND],
    /// Camera-frame joints in millimetres.
    pub joints_mm: [Vec3; JOINTS_PER_HAND],
}

/// The errors of one hand in one frame.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct HandError {
    /// 3D distance per joint, millimetres.
    pub joint_mm: [f32; JOINTS_PER_HAND],
    /// 2D distance per joint, frame pixels.
    pub joint_px: [f32; JOINTS_PER_HAND],
    /// Width of the ground-truth keypoints' 2D bounding box, pixels.
    pub box_width_px: f32,
}

impl HandError {
    /// Compares a prediction with the ground truth (joints in metres, as H2O stores them).
    pub fn new(
        predicted: &PredictedHand,
        truth_m: &HandJoints,
        intrinsics: &CameraIntrinsics,
    ) -> Self {
        let truth_px: [Vec2; JOINTS_PER_HAND] = std::array::from_fn(|joint| {
            let point = truth_m[joint];
            // SHARP projects with K and divides by z without checking its sign.
            Vec2::new(
                intrinsics.fx * point.x / point.z + intrinsics.cx,
                intrinsics.fy * point.y / point.z + intrinsics.cy,
            )
        });
        let (min_x, max_x) = truth_px
            .iter()
            .fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), p| {
                (lo.min(p.x), hi.max(p.x))
            });
        Self {
            joint_mm: std::array::from_fn(|joint| {
                predicted.joints_mm[joint].distance(truth_m[joint] * 1000.0)
            }),
            joint_px: std::array::from_fn(|joint| {
                predicted.keypoints_px[joint].distance(truth_px[joint])
            }),
            box_width_px: max_x - min_x,
        }
    }

    /// Mean 3D joint error, millimetres.
    pub fn mpjpe_mm(&self) -> f64 {
        mean(&self.joint_mm)
    }

    /// Mean 2D joint error, pixels.
    pub fn epe_px(&self) -> f64 {
        mean(&self.joint_px)
    }

    /// Fraction of joints closer than `threshold` times the box width (strictly).
    pub fn pck(&self, threshold: f64) -> f64 {
        let limit = threshold * f64::from(self.box_width_px);
        let hits = self
            .joint_px
            .iter()
            .filter(|&&distance| f64::from(distance) < limit)
            .count();
        hits as f64 / JOINTS_PER_HAND as f64
    }

    /// Mean PCK over the [`AUC_STEPS`] thresholds 0, 1/20, ..., 19/20.
    pub fn auc(&self) -> f64 {
        (0..AUC_STEPS)
            .map(|step| self.pck(step as f64 / AUC_STEPS as f64))
            .sum::<f64>()
            / AUC_STEPS as f64
    }
}

fn mean(values: &[f32]) -> f64 {
    values.iter().map(|&value| f64::from(value)).sum::<f64>() / values.len() as f64
}

/// What one hand of one frame contributes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct HandOutcome {
    /// The ground truth has the hand.
    pub annotated: bool,
    /// The network says the hand is present.
    pub predicted: bool,
    /// The errors, when both are true.
    pub error: Option<HandError>,
}

/// Both hands of one frame ([`Hand::index`] order).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FrameOutcome {
    /// Left, right.
    pub hands: [HandOutcome; 2],
}

impl FrameOutcome {
    /// Evaluates one frame: `predicted` per hand (`None` = predicted absent), `truth` in
    /// metres (`None` when the frame has no annotation file).
    pub fn new(
        predicted: [Option<&PredictedHand>; 2],
        truth: Option<&TwoHands>,
        intrinsics: &CameraIntrinsics,
    ) -> Self {
        let hands = Hand::BOTH.map(|hand| {
            let prediction = predicted[hand.index()];
            let annotation = truth.and_then(|truth| truth.get(hand));
            HandOutcome {
                annotated: annotation.is_some(),
                predicted: prediction.is_some(),
                error: prediction.zip(annotation).map(|(prediction, annotation)| {
                    HandError::new(prediction, annotation, intrinsics)
                }),
            }
        });
        Self { hands }
    }

    /// The frame's MPJPE: the mean of the evaluated hands' MPJPE; `None` when no hand
    /// counts.
    pub fn mpjpe_mm(&self) -> Option<f64> {
        mean_of_present(
            self.hands
                .map(|hand| hand.error.map(|error| error.mpjpe_mm())),
        )
    }
}

/// The mean of the values that exist (SHARP's `(left + right) / 2` when both do).
pub fn mean_of_present(values: [Option<f64>; 2]) -> Option<f64> {
    match values {
        [Some(left), Some(right)] => Some((left + right) / 2.0),
        [one, None] | [None, one] => one,
    }
}

/// Running sums for one hand.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct HandTally {
    annotated: usize,
    predicted: usize,
    evaluated: usize,
    mpjpe_sum: f64,
    epe_sum: f64,
    pck_sum: f64,
    auc_sum: f64,
}

/// Sums over frames, per hand; merge tallies to pool takes.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct PoseTally {
    frames: usize,
    hands: [HandTally; 2],
}

impl PoseTally {
    /// Adds one frame.
    pub fn add(&mut self, frame: &FrameOutcome) {
        self.frames += 1;
        for (tally, outcome) in self.hands.iter_mut().zip(frame.hands) {
            tally.annotated += usize::from(outcome.annotated);
            tally.predicted += usize::from(outcome.predicted);
            if let Some(error) = outcome.error {
                tally.evaluated += 1;
                tally.mpjpe_sum += error.mpjpe_mm();
                tally.epe_sum += error.epe_px();
                tally.pck_sum += error.pck(PCK_THRESHOLD);
                tally.auc_sum += error.auc();
            }
        }
    }

    /// Adds everything `other` counted.
    pub fn merge(&mut self, other: &PoseTally) {
        self.frames += other.frames;
        for (mine, theirs) in self.hands.iter_mut().zip(other.hands) {
            mine.annotated += theirs.annotated;
            mine.predicted += theirs.predicted;
            mine.evaluated += theirs.evaluated;
            mine.mpjpe_sum += theirs.mpjpe_sum;
            mine.epe_sum += theirs.epe_sum;
            mine.pck_sum += theirs.pck_sum;
            mine.auc_sum += theirs.auc_sum;
        }
    }

    /// The metrics so far.
    pub fn summary(&self) -> PoseSummary {
        let [left, right] = self.hands.map(HandSummary::from);
        let both = |metric: fn(&HandSummary) -> Option<f64>| {
            mean_of_present([metric(&left), metric(&right)])
        };
        PoseSummary {
            frames: self.frames,
            mpjpe_mm: both(|hand| hand.mpjpe_mm),
            epe_2d_px: both(|hand| hand.epe_2d_px),
            pck: both(|hand| hand.pck),
            auc: both(|hand| hand.auc),
            left,
            right,
        }
    }
}

/// The metrics of one hand; `None` when no frame counted.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct HandSummary {
    /// Frames where the hand is annotated.
    pub annotated: usize,
    /// Frames where it is predicted present.
    pub predicted: usize,
    /// Frames where both hold (the ones averaged).
    pub evaluated: usize,
    /// Mean per-joint 3D error, millimetres.
    pub mpjpe_mm: Option<f64>,
    /// Mean per-joint 2D error, frame pixels.
    pub epe_2d_px: Option<f64>,
    /// PCK at [`PCK_THRESHOLD`] of the box width.
    pub pck: Option<f64>,
    /// Area under the PCK curve over thresholds 0..1.
    pub auc: Option<f64>,
}

impl From<HandTally> for HandSummary {
    fn from(tally: HandTally) -> Self {
        let average = |sum: f64| (tally.evaluated > 0).then(|| sum / tally.evaluated as f64);
        Self {
            annotated: tally.annotated,
            predicted: tally.predicted,
            evaluated: tally.evaluated,
            mpjpe_mm: average(tally.mpjpe_sum),
            epe_2d_px: average(tally.epe_sum),
            pck: average(tally.pck_sum),
            auc: average(tally.auc_sum),
        }
    }
}

/// Pose metrics of a take or a split. The two-hand values are SHARP's `(left + right) /
/// 2`, or the one hand's value when the other never counted.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct PoseSummary {
    /// Frames evaluated.
    pub frames: usize,
    /// Mean of the hands' MPJPE, millimetres.
    pub mpjpe_mm: Option<f64>,
    /// Mean of the hands' 2D EPE, pixels.
    pub epe_2d_px: Option<f64>,
    /// Mean of the hands' PCK.
    pub pck: Option<f64>,
    /// Mean of the hands' AUC.
    pub auc: Option<f64>,
    /// Left hand.
    pub left: HandSummary,
    /// Right hand.
    pub right: HandSummary,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// fx = fy = 100, principal point at the origin: a joint at (x, y, 1 m) lands on pixel
    /// (100 x, 100 y).
    const CAMERA: CameraIntrinsics = CameraIntrinsics {
        fx: 100.0,
        fy: 100.0,
        cx: 0.0,
        cy: 0.0,
        width: 200,
        height: 100,
    };

    /// Joint j at (j cm, 0, 1 m): pixel (j, 0); the box is 20 px wide.
    fn truth() -> HandJoints {
        std::array::from_fn(|joint| Vec3::new(joint as f32 * 0.01, 0.0, 1.0))
    }

    /// Every joint 5 mm off in 3D (a 3-4-5 triangle); joints 0-9 1 px off in 2D, joints
    /// 10-20 10 px off.
    fn prediction(offset_mm: f32) -> PredictedHand {
        let truth = truth();
        PredictedHand {
            keypoints_px: std::array::from_fn(|joint| {
                let shift = if joint < 10 { 1.0 } else { 10.0 };
                Vec2::new(joint as f32, shift)
            }),
            joints_mm: std::array::from_fn(|joint| {
                truth[joint] * 1000.0 + Vec3::new(0.6, 0.8, 0.0) * offset_mm
            }),
        }
    }

    fn hands(left: Option<HandJoints>, right: Option<HandJoints>) -> TwoHands {
        let mut two = TwoHands::default();
        two.set(Hand::Left, left);
        two.set(Hand::Right, right);
        two
    }

    #[test]
    fn one_hand_matches_the_hand_computed_errors() {
        let error = HandError::new(&prediction(5.0), &truth(), &CAMERA);
        assert!((error.mpjpe_mm() - 5.0).abs() < 1e-4);
        assert!((error.epe_px() - 120.0 / 21.0).abs() < 1e-5);
        assert!((error.box_width_px - 20.0).abs() < 1e-4);
        // PCK@0.2: limit 4 px, only the 10 joints 1 px off.
        assert!((error.pck(PCK_THRESHOLD) - 10.0 / 21.0).abs() < 1e-12);
        // Threshold t hits the 1 px joints for t > 0.05 (18 of 20 steps) and the 10 px
        // joints for t > 0.5 (9 steps).
        assert!((error.auc() - 279.0 / 420.0).abs() < 1e-12);
    }

    #[test]
    fn only_hands_annotated_and_predicted_count() {
        let prediction = prediction(5.0);
        let mut tally = PoseTally::default();
        // Frame 1: both annotated, the right hand predicted absent.
        tally.add(&FrameOutcome::new(
            [Some(&prediction), None],
            Some(&hands(Some(truth()), Some(truth()))),
            &CAMERA,
        ));
        // Frame 2: the right hand predicted but not annotated; the left not annotated.
        tally.add(&FrameOutcome::new(
            [Some(&prediction), Some(&prediction)],
            Some(&hands(None, None)),
            &CAMERA,
        ));
        // Frame 3: no annotation file at all.
        let frame3 = FrameOutcome::new([Some(&prediction), None], None, &CAMERA);
        assert_eq!(frame3.mpjpe_mm(), None);
        tally.add(&frame3);

        let summary = tally.summary();
        assert_eq!(summary.frames, 3);
        assert_eq!(
            (
                summary.left.annotated,
                summary.left.predicted,
                summary.left.evaluated
            ),
            (1, 3, 1)
        );
        assert_eq!(
            (
                summary.right.annotated,
                summary.right.predicted,
                summary.right.evaluated
            ),
            (1, 1, 0)
        );
        assert_eq!(summary.right.mpjpe_mm, None);
        let left = summary.left.mpjpe_mm.expect("left counted");
        assert!((left - 5.0).abs() < 1e-4);
        assert_eq!(summary.mpjpe_mm, Some(left), "one hand: its own value");
    }

    #[test]
    fn hands_average_over_frames_then_left_and_right_are_averaged() {
        let mut first = PoseTally::default();
        let mut second = PoseTally::default();
        let both = hands(Some(truth()), Some(truth()));
        let (p5, p15, p20) = (prediction(5.0), prediction(15.0), prediction(20.0));
        first.add(&FrameOutcome::new(
            [Some(&p5), Some(&p20)],
            Some(&both),
            &CAMERA,
        ));
        second.add(&FrameOutcome::new([Some(&p15), None], Some(&both), &CAMERA));
        let frame = FrameOutcome::new([Some(&p5), Some(&p20)], Some(&both), &CAMERA);
        assert!((frame.mpjpe_mm().expect("two hands") - 12.5).abs() < 1e-4);
        first.merge(&second);
        let summary = first.summary();
        assert!((summary.left.mpjpe_mm.expect("left") - 10.0).abs() < 1e-4);
        assert!((summary.right.mpjpe_mm.expect("right") - 20.0).abs() < 1e-4);
        assert!((summary.mpjpe_mm.expect("mean") - 15.0).abs() < 1e-4);
        assert_eq!(summary.frames, 2);
    }
}
