//! SHARP's pose post-processing (EffHandEgoNet3D in eval mode, get_3D_pose.py): soft-argmax,
//! image coordinates, unprojection with the camera matrix, hand presence.

use glam::{Vec2, Vec3};

use super::metadata::FrameSize;
use super::pose::{HEATMAP_COUNT, PoseRaw};
use crate::geometry::{CameraIntrinsics, Hand, HandJoints, JOINTS_PER_HAND, TwoHands};

/// Whether the network sees a hand, and how sure it is.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct HandPresence {
    /// SHARP's rule: `argmax(sigmoid(logits)) == 1`; a tie (both sigmoids saturated to the
    /// same float32 value) picks index 0, i.e. absent, as `torch.argmax` does.
    pub present: bool,
    /// Probability that the hand is present: `softmax(logits)[1]`, computed in float64.
    /// Softmax because the handedness heads were trained with a cross-entropy loss over the
    /// two logits; it is above 0.5 exactly when the logit of "present" is the larger one.
    pub confidence: f32,
}

/// The decoded pose of one frame. Index order everywhere: joints 0-20 of the left hand,
/// then 0-20 of the right hand.
#[derive(Clone, Debug, PartialEq)]
pub struct PosePrediction {
    /// Soft-argmax keypoints in frame pixels, for both hands whether present or not (as
    /// SHARP writes its per-frame pose files).
    pub keypoints: [Vec2; HEATMAP_COUNT],
    /// Joint depths in millimetres, ungated.
    pub z_mm: [f32; HEATMAP_COUNT],
    /// Unprojected joints in millimetres (camera frame), ungated.
    pub joints_mm: [Vec3; HEATMAP_COUNT],
    /// Presence of the left and right hand ([`Hand::index`] order).
    pub presence: [HandPresence; 2],
    /// The 3D joints (mm) of the hands that are present; `None` for an absent hand (SHARP
    /// zeroes those).
    pub hands: TwoHands,
}

impl PosePrediction {
    /// Presence of `hand`.
    pub fn presence(&self, hand: Hand) -> HandPresence {
        self.presence[hand.index()]
    }
}

/// Decodes the raw outputs of one frame.
///
/// `frame_size` is the size the normalised soft-argmax coordinates are scaled to (the
/// pose model's `sharp_viewer.frame_size`: SHARP assumes the 1280x720 H2O frame), and
/// `intrinsics` must describe a camera of that frame size.
///
/// Precision: SHARP computes this in float32 torch; here the soft-argmax and the image
/// coordinates are computed in float64 (differences of about 1e-6 relative, i.e. below
/// 1e-3 pixel), and the unprojection uses `K^-1` computed in float64 and rounded to
/// float32 exactly as SHARP's `torch.inverse(K).to(float32)` does.
pub fn decode_pose(
    raw: &PoseRaw,
    intrinsics: &CameraIntrinsics,
    frame_size: FrameSize,
) -> PosePrediction {
    let size = raw.heatmap_size;
    let inverse = InverseK::new(intrinsics);
    let mut keypoints = [Vec2::ZERO; HEATMAP_COUNT];
    let mut joints_mm = [Vec3::ZERO; HEATMAP_COUNT];
    for joint in 0..HEATMAP_COUNT {
        let map = raw
            .heatmaps
            .get(joint * size * size..(joint + 1) * size * size)
            .unwrap_or(&[]);
        let (x, y) = soft_argmax(map, size);
        let u = x * f64::from(frame_size.width);
        let v = y * f64::from(frame_size.height);
        keypoints[joint] = Vec2::new(u as f32, v as f32);
        joints_mm[joint] = inverse.unproject(u, v, f64::from(raw.z_mm[joint]));
    }
    let presence = [
        hand_presence(raw.left_handness),
        hand_presence(raw.right_handness),
    ];
    let mut hands = TwoHands::default();
    for hand in Hand::BOTH {
        if presence[hand.index()].present {
            let first = hand.index() * JOINTS_PER_HAND;
            let joints: HandJoints = std::array::from_fn(|j| joints_mm[first + j]);
            hands.set(hand, Some(joints));
        }
    }
    PosePrediction {
        keypoints,
        z_mm: raw.z_mm,
        joints_mm,
        presence,
        hands,
    }
}

/// SHARP's soft-argmax of one `size` x `size` heatmap (utils/general_utils.py
/// `heatmaps_to_coordinates_tensor`): normalise the map to sum 1, take the column and row
/// marginals, `x = sum(col * p(col))`, `y = sum(row * p(row))`, both divided by `size`,
/// so the result lies in [0, 1). Computed in float64.
///
/// A map that sums to zero (only possible if every sigmoid underflowed), or a map of the
/// wrong length, has no mass to locate; it gives (0, 0) where SHARP would give NaN.
pub fn soft_argmax(heatmap: &[f32], size: usize) -> (f64, f64) {
    if size == 0 || heatmap.len() != size * size {
        return (0.0, 0.0);
    }
    let sum: f64 = heatmap.iter().map(|&h| f64::from(h)).sum();
    if !(sum.is_finite() && sum > 0.0) {
        return (0.0, 0.0);
    }
    let mut columns = vec![0.0f64; size];
    let mut rows = vec![0.0f64; size];
    for (row, values) in heatmap.chunks_exact(size).enumerate() {
        for (column, &h) in values.iter().enumerate() {
            let p = f64::from(h) / sum;
            columns[column] += p;
            rows[row] += p;
        }
    }
    let expectation =
        |marginal: &[f64]| -> f64 { marginal.iter().enumerate().map(|(i, p)| i as f64 * p).sum() };
    let n = size as f64;
    (expectation(&columns) / n, expectation(&rows) / n)
}

/// SHARP's presence rule and a calibrated confidence for one hand's two logits.
pub fn hand_presence(logits: [f32; 2]) -> HandPresence {
    let sigmoid = |x: f32| 1.0 / (1.0 + (-x).exp());
    let present = sigmoid(logits[1]) > sigmoid(logits[0]);
    let confidence = 1.0 / (1.0 + (f64::from(logits[0]) - f64::from(logits[1])).exp());
    HandPresence {
        present,
        confidence: confidence as f32,
    }
}

/// The non-trivial entries of `K^-1` for a pinhole camera, rounded to float32.
struct InverseK {
    inv_fx: f64,
    minus_cx_over_fx: f64,
    inv_fy: f64,
    minus_cy_over_fy: f64,
}

impl InverseK {
    fn new(k: &CameraIntrinsics) -> Self {
        let (fx, fy, cx, cy) = (
            f64::from(k.fx),
            f64::from(k.fy),
            f64::from(k.cx),
            f64::from(k.cy),
        );
        let round = |value: f64| f64::from(value as f32);
        Self {
            inv_fx: round(1.0 / fx),
            minus_cx_over_fx: round(-cx / fx),
            inv_fy: round(1.0 / fy),
            minus_cy_over_fy: round(-cy / fy),
        }
    }

    /// `K^-1 (u, v, 1) * z`.
    fn unproject(&self, u: f64, v: f64, z: f64) -> Vec3 {
        Vec3::new(
            ((self.inv_fx * u + self.minus_cx_over_fx) * z) as f32,
            ((self.inv_fy * v + self.minus_cy_over_fy) * z) as f32,
            z as f32,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_single_hot_pixel_is_found_at_its_index() {
        let size = 8;
        let mut map = vec![0.0f32; size * size];
        map[3 * size + 5] = 0.7;
        assert_eq!(soft_argmax(&map, size), (5.0 / 8.0, 3.0 / 8.0));
    }

    #[test]
    fn two_equal_pixels_average() {
        let size = 4;
        let mut map = vec![0.0f32; size * size];
        map[0] = 1.0;
        map[size * size - 1] = 1.0;
        assert_eq!(soft_argmax(&map, size), (1.5 / 4.0, 1.5 / 4.0));
    }

    #[test]
    fn an_empty_map_gives_the_origin_instead_of_nan() {
        assert_eq!(soft_argmax(&[0.0; 16], 4), (0.0, 0.0));
        assert_eq!(soft_argmax(&[1.0; 15], 4), (0.0, 0.0));
    }

    #[test]
    fn presence_follows_the_larger_logit_and_saturated_ties_are_absent() {
        assert!(hand_presence([0.8, 3.9]).present);
        assert!(!hand_presence([0.2, -2.3]).present);
        // Both sigmoids round to 1.0 in float32: a tie, so index 0 wins (absent).
        let tie = hand_presence([30.0, 40.0]);
        assert!(!tie.present);
        assert!(tie.confidence > 0.99);
    }

    #[test]
    fn confidence_is_the_softmax_of_present() {
        let presence = hand_presence([0.0, 2.0f32.ln()]);
        assert!((presence.confidence - 2.0 / 3.0).abs() < 1e-6);
    }

    #[test]
    fn unprojection_inverts_the_camera() {
        let k = CameraIntrinsics::H2O_CAM4_DEFAULT;
        let point = Vec3::new(-60.0, 35.0, 480.0);
        let pixel = k.project(point).expect("in front");
        let back = InverseK::new(&k).unproject(f64::from(pixel.x), f64::from(pixel.y), 480.0);
        assert!((back - point).length() < 1e-3, "{back} vs {point}");
    }
}
