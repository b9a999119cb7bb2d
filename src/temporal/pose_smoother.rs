//! Per-hand One Euro smoothing of a pose stream: the 2D keypoints (pixels, speed in hand
//! sizes per second, as MediaPipe scales its image landmarks) and the 3D joints
//! (millimetres, speed in metres per second, as MediaPipe's world landmarks), each
//! coordinate of each joint with its own filter.

use glam::{Vec2, Vec3};
use serde::{Deserialize, Serialize};

use super::one_euro::{OneEuroFilter, OneEuroParams};
use crate::geometry::{Hand, JOINTS_PER_HAND};
use crate::infer::PosePrediction;

/// Below this hand size (pixels) the 2D speed cannot be scaled, and the keypoints pass
/// through unfiltered (MediaPipe's `min_allowed_object_scale`).
const MIN_HAND_SIZE_PX: f32 = 1.0;

/// Millimetres to metres: the unit the world parameters expect.
const MM_TO_M: f64 = 1e-3;

/// The filter parameters of both coordinate kinds.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SmoothingParams {
    /// For the 2D keypoints.
    pub landmarks: OneEuroParams,
    /// For the 3D joints.
    pub world: OneEuroParams,
}

impl Default for SmoothingParams {
    /// MediaPipe's published hand landmarker settings.
    fn default() -> Self {
        Self {
            landmarks: OneEuroParams::MEDIAPIPE_LANDMARKS,
            world: OneEuroParams::MEDIAPIPE_WORLD,
        }
    }
}

/// The filters of one hand.
#[derive(Clone, Debug, PartialEq)]
struct HandFilters {
    /// x, y of each joint.
    keypoints: Vec<[OneEuroFilter; 2]>,
    /// x, y, z of each joint.
    joints: Vec<[OneEuroFilter; 3]>,
}

impl HandFilters {
    fn new(params: &SmoothingParams) -> Self {
        Self {
            keypoints: (0..JOINTS_PER_HAND)
                .map(|_| std::array::from_fn(|_| OneEuroFilter::new(params.landmarks)))
                .collect(),
            joints: (0..JOINTS_PER_HAND)
                .map(|_| std::array::from_fn(|_| OneEuroFilter::new(params.world)))
                .collect(),
        }
    }

    fn reset(&mut self) {
        for filter in self.keypoints.iter_mut().flatten() {
            filter.reset();
        }
        for filter in self.joints.iter_mut().flatten() {
            filter.reset();
        }
    }
}

/// Smooths the poses of a stream of frames, both hands apart.
#[derive(Clone, Debug, PartialEq)]
pub struct PoseSmoother {
    params: SmoothingParams,
    hands: [HandFilters; 2],
    /// The filters as they were before the last frame, so that frame can be smoothed
    /// again (with other settings) without counting it twice.
    before_last: Option<[HandFilters; 2]>,
}

impl PoseSmoother {
    /// A smoother that has seen nothing yet.
    pub fn new(params: SmoothingParams) -> Self {
        Self {
            params,
            hands: [HandFilters::new(&params), HandFilters::new(&params)],
            before_last: None,
        }
    }

    /// The parameters in use.
    pub fn params(&self) -> SmoothingParams {
        self.params
    }

    /// Forgets the past (a seek, a new source): the next frame passes through unchanged.
    pub fn reset(&mut self) {
        for hand in &mut self.hands {
            hand.reset();
        }
        self.before_last = None;
    }

    /// Forgets `hand`'s past (it was lost): it passes through unchanged when it returns.
    pub fn lose_hand(&mut self, hand: Hand) {
        self.hands[hand.index()].reset();
    }

    /// Smooths one hand seen at `time_s`, in place: `keypoints` in pixels, `joints` in
    /// millimetres.
    pub fn smooth_hand(
        &mut self,
        hand: Hand,
        time_s: f64,
        keypoints: &mut [Vec2; JOINTS_PER_HAND],
        joints: &mut [Vec3; JOINTS_PER_HAND],
    ) {
        let filters = &mut self.hands[hand.index()];
        let size = hand_size_px(keypoints);
        if size >= MIN_HAND_SIZE_PX {
            let scale = 1.0 / f64::from(size);
            for (point, [x, y]) in keypoints.iter_mut().zip(&mut filters.keypoints) {
                point.x = x.apply(time_s, f64::from(point.x), scale) as f32;
                point.y = y.apply(time_s, f64::from(point.y), scale) as f32;
            }
        }
        for (point, [x, y, z]) in joints.iter_mut().zip(&mut filters.joints) {
            point.x = x.apply(time_s, f64::from(point.x), MM_TO_M) as f32;
            point.y = y.apply(time_s, f64::from(point.y), MM_TO_M) as f32;
            point.z = z.apply(time_s, f64::from(point.z), MM_TO_M) as f32;
        }
    }

    /// Smooths the hands present in `prediction` (seen at `time_s`) in place: keypoints,
    /// 3D joints, their depths and the gated joints; an absent hand's filters are reset.
    /// With `repeat`, the frame is the previous one again (say, with other settings): it
    /// is smoothed from the state before that frame, so it is not counted twice.
    pub fn smooth_prediction(
        &mut self,
        time_s: f64,
        prediction: &mut PosePrediction,
        repeat: bool,
    ) {
        match (&self.before_last, repeat) {
            (Some(before), true) => self.hands = before.clone(),
            _ => self.before_last = Some(self.hands.clone()),
        }
        for hand in Hand::BOTH {
            if !prediction.presence(hand).present {
                self.lose_hand(hand);
                continue;
            }
            let first = hand.index() * JOINTS_PER_HAND;
            let range = first..first + JOINTS_PER_HAND;
            let mut keypoints: [Vec2; JOINTS_PER_HAND] =
                std::array::from_fn(|joint| prediction.keypoints[first + joint]);
            let mut joints: [Vec3; JOINTS_PER_HAND] =
                std::array::from_fn(|joint| prediction.joints_mm[first + joint]);
            self.smooth_hand(hand, time_s, &mut keypoints, &mut joints);
            prediction.keypoints[range.clone()].copy_from_slice(&keypoints);
            prediction.joints_mm[range.clone()].copy_from_slice(&joints);
            for (z, joint) in prediction.z_mm[range].iter_mut().zip(&joints) {
                *z = joint.z;
            }
            prediction.hands.set(hand, Some(joints));
        }
    }
}

/// MediaPipe's object scale: the mean of the width and height of the keypoints' box.
fn hand_size_px(keypoints: &[Vec2]) -> f32 {
    let (min, max) = keypoints.iter().fold(
        (Vec2::splat(f32::INFINITY), Vec2::splat(f32::NEG_INFINITY)),
        |(min, max), &point| (min.min(point), max.max(point)),
    );
    let extent = max - min;
    if extent.is_finite() {
        (extent.x + extent.y) / 2.0
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::infer::HandPresence;
    use crate::temporal::JitterTally;
    use crate::temporal::test_noise::noise;

    /// A hand 150 px across: joint `j` at a fixed offset from the wrist.
    fn hand_2d(wrist: Vec2) -> [Vec2; JOINTS_PER_HAND] {
        std::array::from_fn(|joint| {
            let finger = joint.saturating_sub(1) / 4;
            let along = ((joint + 3) % 4 + 1) as f32 * (joint > 0) as u8 as f32;
            wrist + Vec2::new(finger as f32 * 37.5, -along * 30.0)
        })
    }

    fn hand_3d(wrist: Vec3) -> [Vec3; JOINTS_PER_HAND] {
        std::array::from_fn(|joint| {
            wrist + Vec3::new(joint as f32 * 4.0, -(joint as f32) * 3.0, joint as f32)
        })
    }

    /// Runs a still hand with noise (2 px in 2D, 3 mm in 3D) through the smoother and
    /// returns the jitter before and after, 2D then 3D.
    fn still_hand_jitter() -> ([f64; 2], [f64; 2]) {
        let mut next = noise(11);
        let mut smoother = PoseSmoother::new(SmoothingParams::default());
        let mut raw = [JitterTally::default(), JitterTally::default()];
        let mut smoothed = [JitterTally::default(), JitterTally::default()];
        for frame in 0..300u32 {
            let mut keypoints = hand_2d(Vec2::new(600.0, 500.0))
                .map(|point| point + Vec2::new(next() as f32, next() as f32) * 2.0);
            let mut joints = hand_3d(Vec3::new(50.0, 80.0, 450.0))
                .map(|point| point + Vec3::new(next() as f32, next() as f32, next() as f32) * 3.0);
            raw[0].push(Hand::Left, frame, Some(&keypoints.map(|p| p.extend(0.0))));
            raw[1].push(Hand::Left, frame, Some(&joints));
            smoother.smooth_hand(
                Hand::Left,
                f64::from(frame) / 30.0,
                &mut keypoints,
                &mut joints,
            );
            smoothed[0].push(Hand::Left, frame, Some(&keypoints.map(|p| p.extend(0.0))));
            smoothed[1].push(Hand::Left, frame, Some(&joints));
        }
        let mean = |tally: &JitterTally| tally.mean().unwrap_or(f64::NAN);
        (
            [mean(&raw[0]), mean(&raw[1])],
            [mean(&smoothed[0]), mean(&smoothed[1])],
        )
    }

    /// The stated factors for a still hand at 30 fps: 2D jitter (2 px noise on a hand
    /// 135 px across) cut at least 1.5x, 3D jitter (3 mm noise) at least 4x.
    #[test]
    fn a_still_noisy_hand_is_steadied() {
        let (raw, smoothed) = still_hand_jitter();
        let factor_2d = raw[0] / smoothed[0];
        let factor_3d = raw[1] / smoothed[1];
        assert!(factor_2d >= 1.5, "2D jitter reduced only {factor_2d:.2}x");
        assert!(factor_3d >= 4.0, "3D jitter reduced only {factor_3d:.2}x");
    }

    /// A hand jumping 100 px and 50 mm (a quick move): every joint is within 10% of the
    /// jump from the third frame after it on, i.e. the lag is at most 2 frames.
    #[test]
    fn a_moving_hand_lags_at_most_two_frames() {
        let mut smoother = PoseSmoother::new(SmoothingParams::default());
        let start_2d = Vec2::new(600.0, 500.0);
        let start_3d = Vec3::new(50.0, 80.0, 450.0);
        let jump_2d = Vec2::new(100.0, 0.0);
        let jump_3d = Vec3::new(0.0, 0.0, 50.0);
        for frame in 0..30u32 {
            let (mut keypoints, mut joints) = (hand_2d(start_2d), hand_3d(start_3d));
            smoother.smooth_hand(
                Hand::Right,
                f64::from(frame) / 30.0,
                &mut keypoints,
                &mut joints,
            );
        }
        for after in 0..6u32 {
            let (mut keypoints, mut joints) =
                (hand_2d(start_2d + jump_2d), hand_3d(start_3d + jump_3d));
            let (target_2d, target_3d) = (keypoints, joints);
            smoother.smooth_hand(
                Hand::Right,
                f64::from(30 + after) / 30.0,
                &mut keypoints,
                &mut joints,
            );
            let off_2d = keypoints
                .iter()
                .zip(&target_2d)
                .map(|(a, b)| a.distance(*b))
                .fold(0.0, f32::max);
            let off_3d = joints
                .iter()
                .zip(&target_3d)
                .map(|(a, b)| a.distance(*b))
                .fold(0.0, f32::max);
            if after >= 2 {
                assert!(
                    off_2d <= 10.0,
                    "frame {after} after the jump: 2D {off_2d:.1} px off"
                );
                assert!(
                    off_3d <= 5.0,
                    "frame {after} after the jump: 3D {off_3d:.1} mm off"
                );
            }
        }
    }

    fn prediction(x: f32) -> PosePrediction {
        let mut prediction = PosePrediction {
            keypoints: [Vec2::ZERO; 42],
            z_mm: [0.0; 42],
            joints_mm: [Vec3::ZERO; 42],
            presence: [HandPresence {
                present: false,
                confidence: 0.1,
            }; 2],
            hands: Default::default(),
        };
        let joints = hand_3d(Vec3::new(x, 0.0, 400.0));
        prediction.keypoints[..21].copy_from_slice(&hand_2d(Vec2::new(x, 300.0)));
        prediction.joints_mm[..21].copy_from_slice(&joints);
        for (z, joint) in prediction.z_mm.iter_mut().zip(&joints) {
            *z = joint.z;
        }
        prediction.presence[0] = HandPresence {
            present: true,
            confidence: 0.9,
        };
        prediction.hands.set(Hand::Left, Some(joints));
        prediction
    }

    #[test]
    fn a_repeated_frame_is_smoothed_from_the_state_before_it() {
        let mut smoother = PoseSmoother::new(SmoothingParams::default());
        let mut first = prediction(100.0);
        smoother.smooth_prediction(0.0, &mut first, false);
        let mut second = prediction(110.0);
        smoother.smooth_prediction(1.0 / 30.0, &mut second, false);
        let mut again = prediction(110.0);
        smoother.smooth_prediction(1.0 / 30.0, &mut again, true);
        assert_eq!(again, second);
        // Smoothed: between the two inputs, with z and the gated joints following.
        let wrist = second.joints_mm[0];
        assert!(wrist.x > 100.0 && wrist.x < 110.0, "{wrist}");
        assert_eq!(second.z_mm[0], wrist.z);
        assert_eq!(
            second.hands.get(Hand::Left).map(|hand| hand[0]),
            Some(wrist)
        );
        // A reset lets the next frame through unchanged.
        smoother.reset();
        let mut after_seek = prediction(500.0);
        smoother.smooth_prediction(5.0, &mut after_seek, false);
        assert_eq!(after_seek, prediction(500.0));
    }
}
