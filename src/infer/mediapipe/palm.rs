//! Palm detection: letterboxed input, SSD box and keypoint decoding, weighted NMS.
//!
//! Follows `mediapipe/modules/palm_detection/palm_detection_cpu.pbtxt`:
//! `ImageToTensorCalculator` (192x192, keep aspect ratio, zero border, [0, 1]),
//! `TensorsToDetectionsCalculator` (2016 boxes x 18 values, x/y/w/h then 7 keypoints,
//! scales 192, sigmoid scores clipped to +-100, score threshold), `NonMaxSuppression`
//! (weighted, IoU 0.3) and `DetectionLetterboxRemovalCalculator`.

use glam::Vec2;
use image::RgbImage;
use ort::session::Session;

use super::anchors::{Anchor, PALM_ANCHOR_COUNT, PALM_INPUT_SIZE, palm_anchors};
use super::error::{MediaPipeError, MediaPipeModel};
use super::roi::{RotatedRect, overlap_iou};
use super::session::{ModelSpec, TensorSpec, run};
use super::warp::{Border, Padding, crop_to_tensor, pad_roi};

/// Keypoints per palm detection.
pub const PALM_KEYPOINTS: usize = 7;
/// Values per raw detection: box (4) and 7 keypoints (x, y).
const VALUES_PER_BOX: usize = 4 + 2 * PALM_KEYPOINTS;
/// Scale of the raw box and keypoint offsets (the input size).
const OFFSET_SCALE: f32 = PALM_INPUT_SIZE as f32;
/// Raw scores are clipped to +-100 before the sigmoid.
const SCORE_CLIP: f32 = 100.0;
/// IoU above which weighted NMS merges two detections.
pub const PALM_NMS_IOU: f32 = 0.3;

/// Interface of `palm_detection_{full,lite}.onnx`.
pub(crate) const PALM_SPEC: ModelSpec = ModelSpec {
    model: MediaPipeModel::PalmDetection,
    input: TensorSpec {
        name: "input_1",
        shape: &[1, PALM_INPUT_SIZE as i64, PALM_INPUT_SIZE as i64, 3],
    },
    outputs: &[
        TensorSpec {
            name: "Identity",
            shape: &[1, PALM_ANCHOR_COUNT as i64, VALUES_PER_BOX as i64],
        },
        TensorSpec {
            name: "Identity_1",
            shape: &[1, PALM_ANCHOR_COUNT as i64, 1],
        },
    ],
};

/// One detected palm, in coordinates normalised to the image (0..1).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PalmDetection {
    /// Detection confidence (sigmoid of the raw score).
    pub score: f32,
    /// Left edge of the palm box.
    pub xmin: f32,
    /// Top edge of the palm box.
    pub ymin: f32,
    /// Box width.
    pub width: f32,
    /// Box height.
    pub height: f32,
    /// Palm keypoints: 0 wrist centre, 1-4 index, middle, ring and little finger
    /// knuckles (MCP), 5-6 thumb base (CMC) and thumb MCP.
    pub keypoints: [Vec2; PALM_KEYPOINTS],
}

impl PalmDetection {
    fn corners(&self) -> [f32; 4] {
        [
            self.xmin,
            self.ymin,
            self.xmin + self.width,
            self.ymin + self.height,
        ]
    }
}

/// Decodes the detector's raw output (`boxes`: 2016 x 18, `scores`: 2016 logits)
/// against `anchors` (coordinates of the 192x192 input, 0..1) and keeps the
/// detections whose score is at least `min_score`, in anchor order.
pub fn decode_palms(
    boxes: &[f32],
    scores: &[f32],
    anchors: &[Anchor],
    min_score: f32,
) -> Vec<PalmDetection> {
    let mut detections = Vec::new();
    for ((raw, &logit), anchor) in boxes.chunks_exact(VALUES_PER_BOX).zip(scores).zip(anchors) {
        let score = 1.0 / (1.0 + (-logit.clamp(-SCORE_CLIP, SCORE_CLIP)).exp());
        if score < min_score {
            continue;
        }
        let x_center = raw[0] / OFFSET_SCALE * anchor.width + anchor.x_center;
        let y_center = raw[1] / OFFSET_SCALE * anchor.height + anchor.y_center;
        let w = raw[2] / OFFSET_SCALE * anchor.width;
        let h = raw[3] / OFFSET_SCALE * anchor.height;
        let (xmin, ymin) = (x_center - w / 2.0, y_center - h / 2.0);
        let (xmax, ymax) = (x_center + w / 2.0, y_center + h / 2.0);
        let (width, height) = (xmax - xmin, ymax - ymin);
        // Negative or NaN sizes are model noise; MediaPipe drops them.
        if !(width >= 0.0 && height >= 0.0) {
            continue;
        }
        let keypoints = std::array::from_fn(|k| {
            Vec2::new(
                raw[4 + 2 * k] / OFFSET_SCALE * anchor.width + anchor.x_center,
                raw[5 + 2 * k] / OFFSET_SCALE * anchor.height + anchor.y_center,
            )
        });
        detections.push(PalmDetection {
            score,
            xmin,
            ymin,
            width,
            height,
            keypoints,
        });
    }
    detections
}

/// Weighted non-maximum suppression (MediaPipe's `NonMaxSuppressionCalculator`,
/// `algorithm: WEIGHTED`, IoU overlap).
///
/// Highest score first: every remaining detection whose box overlaps the best one by
/// more than `iou_threshold` is merged into it, box corners and keypoints averaged
/// with the scores as weights; the merged detection keeps the best score. The output
/// is ordered by descending score.
pub fn weighted_nms(detections: &[PalmDetection], iou_threshold: f32) -> Vec<PalmDetection> {
    let mut remaining: Vec<usize> = (0..detections.len()).collect();
    remaining.sort_by(|&a, &b| detections[b].score.total_cmp(&detections[a].score));
    let mut output = Vec::new();
    while let Some(&best) = remaining.first() {
        let best_box = detections[best].corners();
        let (candidates, rest): (Vec<usize>, Vec<usize>) = remaining
            .iter()
            .partition(|&&i| overlap_iou(detections[i].corners(), best_box) > iou_threshold);
        let mut merged = detections[best];
        if !candidates.is_empty() {
            let mut corners = [0.0_f32; 4];
            let mut keypoints = [Vec2::ZERO; PALM_KEYPOINTS];
            let mut total = 0.0_f32;
            for &i in &candidates {
                let d = &detections[i];
                total += d.score;
                for (sum, value) in corners.iter_mut().zip(d.corners()) {
                    *sum += value * d.score;
                }
                for (sum, point) in keypoints.iter_mut().zip(d.keypoints) {
                    *sum += point * d.score;
                }
            }
            merged.xmin = corners[0] / total;
            merged.ymin = corners[1] / total;
            merged.width = corners[2] / total - merged.xmin;
            merged.height = corners[3] / total - merged.ymin;
            merged.keypoints = keypoints.map(|k| k / total);
        }
        output.push(merged);
        // A degenerate best box overlaps nothing, not even itself: stop, as MediaPipe does.
        if rest.len() == remaining.len() {
            break;
        }
        remaining = rest;
    }
    output
}

/// Maps a detection from the letterboxed tensor back to the image.
fn remove_letterbox(detection: PalmDetection, padding: &Padding) -> PalmDetection {
    let [left, top, right, bottom] = *padding;
    let (sx, sy) = (1.0 - (left + right), 1.0 - (top + bottom));
    PalmDetection {
        xmin: (detection.xmin - left) / sx,
        ymin: (detection.ymin - top) / sy,
        width: detection.width / sx,
        height: detection.height / sy,
        keypoints: detection
            .keypoints
            .map(|k| Vec2::new((k.x - left) / sx, (k.y - top) / sy)),
        ..detection
    }
}

/// The palm detection stage: holds the anchors and the input buffer.
#[derive(Debug)]
pub struct PalmDetector {
    anchors: Vec<Anchor>,
    input: Vec<f32>,
}

impl Default for PalmDetector {
    fn default() -> Self {
        Self::new()
    }
}

impl PalmDetector {
    /// A detector with the palm model's anchors.
    pub fn new() -> Self {
        Self {
            anchors: palm_anchors(),
            input: vec![0.0; PALM_INPUT_SIZE * PALM_INPUT_SIZE * 3],
        }
    }

    /// Checks that `session` is a converted MediaPipe palm detector.
    pub fn check(session: &Session) -> Result<(), MediaPipeError> {
        super::session::check_session(session, &PALM_SPEC)
    }

    /// Detects palms in `image` with `session` (a palm detector that passed
    /// [`PalmDetector::check`]): detections scoring at least `min_score`, after
    /// weighted NMS, best first, in coordinates normalised to `image`.
    pub fn detect(
        &mut self,
        session: &mut Session,
        image: &RgbImage,
        min_score: f32,
    ) -> Result<Vec<PalmDetection>, MediaPipeError> {
        let (width, height) = image.dimensions();
        let mut roi = RotatedRect {
            center_x: 0.5 * width as f32,
            center_y: 0.5 * height as f32,
            width: width as f32,
            height: height as f32,
            rotation: 0.0,
        };
        let padding = pad_roi(PALM_INPUT_SIZE, PALM_INPUT_SIZE, &mut roi);
        crop_to_tensor(
            image,
            &roi,
            PALM_INPUT_SIZE,
            PALM_INPUT_SIZE,
            Border::Zero,
            &mut self.input,
        );
        let outputs = run(session, &PALM_SPEC, &self.input)?;
        let detections = decode_palms(&outputs[0], &outputs[1], &self.anchors, min_score);
        Ok(weighted_nms(&detections, PALM_NMS_IOU)
            .into_iter()
            .map(|d| remove_letterbox(d, &padding))
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letterbox_removal_undoes_vertical_padding() {
        let detection = PalmDetection {
            score: 1.0,
            xmin: 0.25,
            ymin: 0.21875,
            width: 0.5,
            height: 0.5625,
            keypoints: [Vec2::new(0.5, 0.5); PALM_KEYPOINTS],
        };
        let restored = remove_letterbox(detection, &[0.0, 0.21875, 0.0, 0.21875]);
        assert_eq!((restored.xmin, restored.ymin), (0.25, 0.0));
        assert_eq!((restored.width, restored.height), (0.5, 1.0));
        assert_eq!(restored.keypoints[0], Vec2::new(0.5, 0.5));
    }

    #[test]
    fn decoding_applies_anchor_offsets_and_sigmoid() {
        let anchors = [Anchor {
            x_center: 0.5,
            y_center: 0.25,
            width: 1.0,
            height: 1.0,
        }];
        let mut raw = [0.0_f32; VALUES_PER_BOX];
        raw[..4].copy_from_slice(&[19.2, -19.2, 38.4, 76.8]);
        raw[4] = 9.6;
        let detections = decode_palms(&raw, &[0.0], &anchors, 0.5);
        let d = detections[0];
        assert_eq!(d.score, 0.5);
        assert!((d.xmin - (0.6 - 0.1)).abs() < 1e-6);
        assert!((d.ymin - (0.15 - 0.2)).abs() < 1e-6);
        assert!((d.width - 0.2).abs() < 1e-6 && (d.height - 0.4).abs() < 1e-6);
        assert!((d.keypoints[0] - Vec2::new(0.55, 0.25)).length() < 1e-6);
        assert!(decode_palms(&raw, &[-0.1], &anchors, 0.5).is_empty());
    }

    fn boxed(score: f32, xmin: f32, ymin: f32, size: f32) -> PalmDetection {
        PalmDetection {
            score,
            xmin,
            ymin,
            width: size,
            height: size,
            keypoints: [Vec2::new(xmin, ymin); PALM_KEYPOINTS],
        }
    }

    #[test]
    fn nms_merges_overlapping_boxes_weighted_by_score() {
        // 0.1 x 0.1 boxes 0.02 apart: IoU 0.008 / 0.012 = 0.67 > 0.3.
        let strong = boxed(0.9, 0.40, 0.40, 0.1);
        let weak = boxed(0.3, 0.42, 0.40, 0.1);
        let merged = weighted_nms(&[weak, strong], PALM_NMS_IOU);
        assert_eq!(merged.len(), 1);
        let m = merged[0];
        assert_eq!(m.score, 0.9, "the merged detection keeps the best score");
        let expected_xmin = (0.40 * 0.9 + 0.42 * 0.3) / 1.2;
        assert!((m.xmin - expected_xmin).abs() < 1e-6, "{m:?}");
        assert!((m.width - 0.1).abs() < 1e-6 && (m.ymin - 0.40).abs() < 1e-6);
        assert!((m.keypoints[3].x - expected_xmin).abs() < 1e-6);
    }

    #[test]
    fn nms_keeps_separate_hands_best_first() {
        let left = boxed(0.6, 0.1, 0.1, 0.2);
        let right = boxed(0.8, 0.6, 0.1, 0.2);
        // Half a box off the right one: IoU 0.02 / 0.06 = 0.33 > 0.3, merged; three
        // quarters off: IoU 0.01 / 0.07 = 0.14, kept.
        let near = boxed(0.7, 0.7, 0.1, 0.2);
        let apart = boxed(0.7, 0.75, 0.1, 0.2);
        let merged = weighted_nms(&[left, right, near], PALM_NMS_IOU);
        assert_eq!(merged.len(), 2);
        assert_eq!((merged[0].score, merged[1].score), (0.8, 0.6));
        let kept = weighted_nms(&[left, right, apart], PALM_NMS_IOU);
        assert_eq!(
            kept.iter().map(|d| d.score).collect::<Vec<_>>(),
            vec![0.8, 0.7, 0.6]
        );
        // A lone detection is "merged" with itself: unchanged up to rounding.
        assert!((kept[1].xmin - apart.xmin).abs() < 1e-6 && (kept[1].width - 0.2).abs() < 1e-6);
    }

    #[test]
    fn nms_of_a_degenerate_box_terminates() {
        let point = boxed(0.9, 0.5, 0.5, 0.0);
        let other = boxed(0.5, 0.1, 0.1, 0.1);
        let merged = weighted_nms(&[point, other], PALM_NMS_IOU);
        // The zero-area best box overlaps nothing, not even itself: MediaPipe stops there.
        assert_eq!(merged, vec![point]);
        assert!(weighted_nms(&[], PALM_NMS_IOU).is_empty());
    }
}
