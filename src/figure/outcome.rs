//! A frame's pose error as the viewer shows it: SHARP's rule (a hand counts only where it
//! is both annotated and predicted present), keypoints brought to the take's frame pixels.

use glam::Vec2;

use crate::chain::PoseOutcome;
use crate::eval::{FrameOutcome, PredictedHand};
use crate::geometry::{CameraIntrinsics, Hand, JOINTS_PER_HAND, TwoHands};

/// Evaluates `pose` against the ground truth `truth` of a frame taken with `intrinsics`.
pub fn pose_outcome(
    pose: &PoseOutcome,
    truth: &TwoHands,
    intrinsics: &CameraIntrinsics,
) -> FrameOutcome {
    // Keypoints are in the pose's frame size; the metrics want the take's frame pixels.
    let scale = Vec2::new(
        intrinsics.width as f32 / pose.frame_size.width.max(1) as f32,
        intrinsics.height as f32 / pose.frame_size.height.max(1) as f32,
    );
    let hands = Hand::BOTH.map(|hand| {
        let joints_mm = pose.prediction.hands.get(hand)?;
        let first = hand.index() * JOINTS_PER_HAND;
        let keypoints = pose
            .prediction
            .keypoints
            .get(first..first + JOINTS_PER_HAND)?;
        Some(PredictedHand {
            keypoints_px: std::array::from_fn(|joint| keypoints[joint] * scale),
            joints_mm: *joints_mm,
        })
    });
    FrameOutcome::new(
        [hands[0].as_ref(), hands[1].as_ref()],
        Some(truth),
        intrinsics,
    )
}
