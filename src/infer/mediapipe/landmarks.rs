//! Hand landmark model: 224x224 crop of a hand ROI -> 21 landmarks, presence,
//! handedness and world landmarks.
//!
//! Follows `mediapipe/modules/hand_landmark/hand_landmark_cpu.pbtxt`:
//! `ImageToTensorCalculator` (224x224, keep aspect ratio, replicated border, [0, 1]),
//! `TensorsToLandmarksCalculator` (divide by 224; z also by 0.4),
//! `LandmarkLetterboxRemovalCalculator`, `LandmarkProjectionCalculator` (rotate about the
//! ROI centre and scale by the ROI size), `WorldLandmarkProjectionCalculator` (rotate x/y
//! by the ROI rotation) and `TensorsToClassificationCalculator` (binary: the output is
//! the probability of the label "Left").

use glam::{Vec2, Vec3};
use image::RgbImage;
use ort::session::Session;

use crate::geometry::{Hand, JOINTS_PER_HAND};

use super::error::{MediaPipeError, MediaPipeModel};
use super::roi::NormRect;
use super::session::{ModelSpec, TensorSpec, run};
use super::warp::{Border, Padding, crop_to_tensor, pad_roi};

/// Input width and height of the landmark model, in pixels.
pub const LANDMARK_INPUT_SIZE: usize = 224;
/// The model's z output is divided by this (after the input size) to be "scaled like x".
const Z_NORMALISATION: f32 = 0.4;
/// Values per landmark output (x, y, z).
const LANDMARK_VALUES: i64 = 3 * JOINTS_PER_HAND as i64;

/// Interface of `hand_landmark_{full,lite}.onnx`.
pub(crate) const LANDMARK_SPEC: ModelSpec = ModelSpec {
    model: MediaPipeModel::HandLandmark,
    input: TensorSpec {
        name: "input_1",
        shape: &[1, LANDMARK_INPUT_SIZE as i64, LANDMARK_INPUT_SIZE as i64, 3],
    },
    outputs: &[
        TensorSpec {
            name: "Identity",
            shape: &[1, LANDMARK_VALUES],
        },
        TensorSpec {
            name: "Identity_1",
            shape: &[1, 1],
        },
        TensorSpec {
            name: "Identity_2",
            shape: &[1, 1],
        },
        TensorSpec {
            name: "Identity_3",
            shape: &[1, LANDMARK_VALUES],
        },
    ],
};

/// What the landmark model says about one ROI, in MediaPipe's conventions.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct HandLandmarks {
    /// 21 landmarks: x and y normalised to the image (x / width, y / height), z the depth
    /// relative to the wrist in the same scale as x (smaller = nearer the camera).
    pub landmarks: [Vec3; JOINTS_PER_HAND],
    /// 21 landmarks in metres, origin near the hand's centre, x right, y down and
    /// z away from the camera (axes of the image).
    pub world_landmarks: [Vec3; JOINTS_PER_HAND],
    /// Probability that the ROI holds a hand.
    pub presence: f32,
    /// MediaPipe's handedness label ([`Hand::Left`] when the model's "Left"
    /// probability is at least 0.5), which assumes a mirrored (selfie) image.
    pub mediapipe_label: Hand,
    /// Probability of `mediapipe_label`.
    pub label_score: f32,
}

impl HandLandmarks {
    /// The landmarks' image positions as (x, y) fractions of the image.
    pub fn normalized_xy(&self) -> [Vec2; JOINTS_PER_HAND] {
        self.landmarks.map(|p| Vec2::new(p.x, p.y))
    }
}

/// Decodes the landmark model's raw outputs for a crop of `roi` that was letterboxed
/// with `padding`: (image landmarks, world landmarks).
pub fn decode_landmarks(
    raw_landmarks: &[f32],
    raw_world: &[f32],
    roi: &NormRect,
    padding: &Padding,
) -> ([Vec3; JOINTS_PER_HAND], [Vec3; JOINTS_PER_HAND]) {
    let size = LANDMARK_INPUT_SIZE as f32;
    let [left, top, right, bottom] = *padding;
    let (sx, sy) = (1.0 - (left + right), 1.0 - (top + bottom));
    let (sin, cos) = (roi.rotation.sin(), roi.rotation.cos());
    let image = std::array::from_fn(|j| {
        let raw = &raw_landmarks[3 * j..3 * j + 3];
        let (x, y, z) = (
            raw[0] / size,
            raw[1] / size,
            raw[2] / size / Z_NORMALISATION,
        );
        let (x, y, z) = ((x - left) / sx, (y - top) / sy, z / sx);
        let (x, y) = (x - 0.5, y - 0.5);
        let rotated = Vec2::new(cos * x - sin * y, sin * x + cos * y);
        Vec3::new(
            rotated.x * roi.width + roi.x_center,
            rotated.y * roi.height + roi.y_center,
            z * roi.width,
        )
    });
    let world = std::array::from_fn(|j| {
        let raw = &raw_world[3 * j..3 * j + 3];
        Vec3::new(
            cos * raw[0] - sin * raw[1],
            sin * raw[0] + cos * raw[1],
            raw[2],
        )
    });
    (image, world)
}

/// The landmark stage: holds the input buffer.
#[derive(Debug)]
pub struct LandmarkModel {
    input: Vec<f32>,
}

impl Default for LandmarkModel {
    fn default() -> Self {
        Self::new()
    }
}

impl LandmarkModel {
    /// A landmark stage with its input buffer.
    pub fn new() -> Self {
        Self {
            input: vec![0.0; LANDMARK_INPUT_SIZE * LANDMARK_INPUT_SIZE * 3],
        }
    }

    /// Checks that `session` is a converted MediaPipe hand landmark model.
    pub fn check(session: &Session) -> Result<(), MediaPipeError> {
        super::session::check_session(session, &LANDMARK_SPEC)
    }

    /// Runs `session` (a landmark model that passed [`LandmarkModel::check`]) on the
    /// crop of `roi` in `image`.
    pub fn run(
        &mut self,
        session: &mut Session,
        image: &RgbImage,
        roi: &NormRect,
    ) -> Result<HandLandmarks, MediaPipeError> {
        let (width, height) = image.dimensions();
        let mut crop = roi.to_pixels(width, height);
        let padding = pad_roi(LANDMARK_INPUT_SIZE, LANDMARK_INPUT_SIZE, &mut crop);
        crop_to_tensor(
            image,
            &crop,
            LANDMARK_INPUT_SIZE,
            LANDMARK_INPUT_SIZE,
            Border::Replicate,
            &mut self.input,
        );
        let outputs = run(session, &LANDMARK_SPEC, &self.input)?;
        let (landmarks, world_landmarks) =
            decode_landmarks(&outputs[0], &outputs[3], roi, &padding);
        let left_probability = outputs[2][0];
        let right_probability = (1.0 - f64::from(left_probability)) as f32;
        let (mediapipe_label, label_score) = if left_probability >= right_probability {
            (Hand::Left, left_probability)
        } else {
            (Hand::Right, right_probability)
        };
        Ok(HandLandmarks {
            landmarks,
            world_landmarks,
            presence: outputs[1][0],
            mediapipe_label,
            label_score,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crop_centre_maps_to_the_roi_centre_and_corners_rotate() {
        let roi = NormRect {
            x_center: 0.4,
            y_center: 0.6,
            width: 0.2,
            height: 0.3,
            rotation: std::f32::consts::FRAC_PI_2,
        };
        let mut raw = [0.0_f32; 63];
        raw[..3].copy_from_slice(&[112.0, 112.0, 22.4]);
        // Landmark 1 at the crop's top-left corner.
        raw[3..6].copy_from_slice(&[0.0, 0.0, 0.0]);
        let world = [0.01_f32; 63];
        let (image, world) = decode_landmarks(&raw, &world, &roi, &[0.0; 4]);
        assert!(
            (image[0] - Vec3::new(0.4, 0.6, 0.25 * 0.2)).length() < 1e-6,
            "{}",
            image[0]
        );
        // Quarter turn: crop (-0.5, -0.5) -> (0.5, -0.5) before scaling.
        assert!((image[1] - Vec3::new(0.4 + 0.5 * 0.2, 0.6 - 0.5 * 0.3, 0.0)).length() < 1e-6);
        assert!((world[0] - Vec3::new(-0.01, 0.01, 0.01)).length() < 1e-6);
    }
}
