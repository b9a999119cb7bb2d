//! Hand regions of interest: the rotated squares the landmark model looks at.
//!
//! * From a palm detection: MediaPipe's `DetectionsToRectsCalculator` (box centre and
//!   size, rotation from wrist keypoint 0 to middle-finger knuckle keypoint 2 so that
//!   this vector points up) followed by `RectTransformationCalculator` with scale 2.6,
//!   shift_y -0.5, square_long (`mediapipe/modules/hand_landmark/palm_detection_detection_to_roi.pbtxt`).
//! * From the previous frame's landmarks: `HandLandmarksToRectCalculator`
//!   (`mediapipe/modules/hand_landmark/calculators/hand_landmarks_to_rect_calculator.cc`,
//!   on its subset of 12 stable landmarks) followed by the transformation with scale 2.0, shift_y -0.1, square_long
//!   (`hand_landmark_landmarks_to_roi.pbtxt`).
//!
//! Arithmetic follows the calculators' float/double choices so that the rectangles match
//! MediaPipe's to float precision.

use std::f64::consts::PI;

use glam::Vec2;

use super::palm::PalmDetection;

/// A rotated rectangle in coordinates normalised to the image (MediaPipe's
/// `NormalizedRect`): centre and size as fractions of the image width and height.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct NormRect {
    /// Centre x, fraction of the image width.
    pub x_center: f32,
    /// Centre y, fraction of the image height.
    pub y_center: f32,
    /// Width, fraction of the image width.
    pub width: f32,
    /// Height, fraction of the image height.
    pub height: f32,
    /// Rotation in radians, in (-pi, pi]; positive turns the content clockwise on
    /// screen (image y points down).
    pub rotation: f32,
}

/// A rotated rectangle in pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RotatedRect {
    /// Centre x in pixels.
    pub center_x: f32,
    /// Centre y in pixels.
    pub center_y: f32,
    /// Width in pixels.
    pub width: f32,
    /// Height in pixels.
    pub height: f32,
    /// Rotation in radians.
    pub rotation: f32,
}

impl NormRect {
    /// The rectangle in pixels of a `width` x `height` image.
    pub fn to_pixels(&self, width: u32, height: u32) -> RotatedRect {
        RotatedRect {
            center_x: self.x_center * width as f32,
            center_y: self.y_center * height as f32,
            width: self.width * width as f32,
            height: self.height * height as f32,
            rotation: self.rotation,
        }
    }

    /// The four corners in normalised image coordinates (for drawing).
    pub fn corners(&self, width: u32, height: u32) -> [Vec2; 4] {
        let px = self.to_pixels(width, height);
        let (sin, cos) = px.rotation.sin_cos();
        let half = Vec2::new(px.width, px.height) * 0.5;
        let size = Vec2::new(width as f32, height as f32);
        [(-1.0, -1.0), (1.0, -1.0), (1.0, 1.0), (-1.0, 1.0)].map(|(sx, sy)| {
            let local = Vec2::new(sx * half.x, sy * half.y);
            let rotated = Vec2::new(cos * local.x - sin * local.y, sin * local.x + cos * local.y);
            (Vec2::new(px.center_x, px.center_y) + rotated) / size
        })
    }

    /// Intersection over union of the axis-aligned boxes (rotation ignored), as
    /// MediaPipe's `AssociationNormRectCalculator` compares hands across frames.
    pub fn iou(&self, other: &NormRect) -> f32 {
        let box_of = |r: &NormRect| {
            let xmin = r.x_center - r.width / 2.0;
            let ymin = r.y_center - r.height / 2.0;
            [xmin, ymin, xmin + r.width, ymin + r.height]
        };
        overlap_iou(box_of(self), box_of(other))
    }
}

/// Intersection over union of two boxes `[xmin, ymin, xmax, ymax]`; 0 when they do not
/// touch or when the union is empty (MediaPipe's `Rectangle_f` overlap).
pub(crate) fn overlap_iou(a: [f32; 4], b: [f32; 4]) -> f32 {
    let empty = |r: &[f32; 4]| r[0] > r[2] || r[1] > r[3];
    if empty(&a) || empty(&b) || b[2] < a[0] || a[2] < b[0] || b[3] < a[1] || a[3] < b[1] {
        return 0.0;
    }
    let area = |r: [f32; 4]| (r[2] - r[0]) * (r[3] - r[1]);
    let inter = [
        a[0].max(b[0]),
        a[1].max(b[1]),
        a[2].min(b[2]),
        a[3].min(b[3]),
    ];
    let intersection = area(inter);
    let union = area(a) + area(b) - intersection;
    if union > 0.0 {
        intersection / union
    } else {
        0.0
    }
}

/// Wraps an angle into [-pi, pi) the way MediaPipe does (in double, result in float).
pub(crate) fn normalize_radians(angle: f32) -> f32 {
    let angle = f64::from(angle);
    (angle - 2.0 * PI * ((angle + PI) / (2.0 * PI)).floor()) as f32
}

/// Rotation that turns the vector from `from` to `to` (pixels) upright: 90 degrees minus
/// the vector's angle (measured with y up), normalised.
fn upright_rotation(from: Vec2, to: Vec2) -> f32 {
    let target = (PI * 90.0 / 180.0) as f32;
    normalize_radians(target - (-(to.y - from.y)).atan2(to.x - from.x))
}

/// Parameters of MediaPipe's `RectTransformationCalculator` that the hand graphs use.
#[derive(Clone, Copy, Debug)]
struct RectTransform {
    scale: f32,
    shift_y: f32,
}

/// Palm detection -> hand ROI (scale 2.6, shift_y -0.5).
const PALM_TO_ROI: RectTransform = RectTransform {
    scale: 2.6,
    shift_y: -0.5,
};
/// Landmarks -> next frame's hand ROI (scale 2.0, shift_y -0.1).
const LANDMARKS_TO_ROI: RectTransform = RectTransform {
    scale: 2.0,
    shift_y: -0.1,
};

impl RectTransform {
    /// Shifts along the rotated y axis, squares on the long side (in pixels) and scales.
    fn apply(self, rect: NormRect, width: u32, height: u32) -> NormRect {
        let (w_img, h_img) = (width as f32, height as f32);
        let (mut out_w, mut out_h) = (rect.width, rect.height);
        let mut out = rect;
        let shift_x = 0.0_f32;
        if rect.rotation == 0.0 {
            out.x_center = rect.x_center + out_w * shift_x;
            out.y_center = rect.y_center + out_h * self.shift_y;
        } else {
            let (sin, cos) = (rect.rotation.sin(), rect.rotation.cos());
            let x_shift =
                (w_img * out_w * shift_x * cos - h_img * out_h * self.shift_y * sin) / w_img;
            let y_shift =
                (w_img * out_w * shift_x * sin + h_img * out_h * self.shift_y * cos) / h_img;
            out.x_center = rect.x_center + x_shift;
            out.y_center = rect.y_center + y_shift;
        }
        let long_side = (out_w * w_img).max(out_h * h_img);
        out_w = long_side / w_img;
        out_h = long_side / h_img;
        out.width = out_w * self.scale;
        out.height = out_h * self.scale;
        out
    }
}

/// The landmark model's ROI for a palm detection in a `width` x `height` image.
pub fn roi_from_palm(detection: &PalmDetection, width: u32, height: u32) -> NormRect {
    let size = Vec2::new(width as f32, height as f32);
    let wrist = detection.keypoints[0] * size;
    let middle_knuckle = detection.keypoints[2] * size;
    let rect = NormRect {
        x_center: detection.xmin + detection.width / 2.0,
        y_center: detection.ymin + detection.height / 2.0,
        width: detection.width,
        height: detection.height,
        rotation: upright_rotation(wrist, middle_knuckle),
    };
    PALM_TO_ROI.apply(rect, width, height)
}

/// The next frame's ROI for a hand whose 21 normalised landmarks (x, y) were found in a
/// `width` x `height` image.
///
/// Only the landmarks that move little with finger motion are used: the wrist, the
/// thumb's CMC/MCP/IP and the MCP and PIP joints of the other fingers (MediaPipe's
/// "partial landmarks" 0, 1, 2, 3, 5, 6, 9, 10, 13, 14, 17, 18). The rotation points
/// from the wrist to the mean of the index and ring knuckles averaged with the middle
/// knuckle.
pub fn roi_from_landmarks(landmarks: &[Vec2; 21], width: u32, height: u32) -> NormRect {
    const PARTIAL: [usize; 12] = [0, 1, 2, 3, 5, 6, 9, 10, 13, 14, 17, 18];
    const WRIST: usize = 0;
    const INDEX_MCP: usize = 5;
    const MIDDLE_MCP: usize = 9;
    const RING_MCP: usize = 13;
    let partial = PARTIAL.map(|i| landmarks[i]);
    let (w_img, h_img) = (width as f32, height as f32);
    let wrist = Vec2::new(landmarks[WRIST].x * w_img, landmarks[WRIST].y * h_img);
    let between = (landmarks[INDEX_MCP] + landmarks[RING_MCP]) / 2.0;
    let target = Vec2::new(
        (between.x + landmarks[MIDDLE_MCP].x) / 2.0 * w_img,
        (between.y + landmarks[MIDDLE_MCP].y) / 2.0 * h_img,
    );
    let rotation = upright_rotation(wrist, target);
    let reverse = normalize_radians(-rotation);

    // Axis-aligned centre, then the bounding box in the hand-aligned frame. The
    // calculator starts its maxima at the smallest positive float, not at -infinity.
    let (mut min, mut max) = (Vec2::splat(f32::MAX), Vec2::splat(f32::MIN_POSITIVE));
    for p in &partial {
        min = min.min(*p);
        max = max.max(*p);
    }
    let center = (max + min) / 2.0;
    let (sin_r, cos_r) = (reverse.sin(), reverse.cos());
    let (mut pmin, mut pmax) = (Vec2::splat(f32::MAX), Vec2::splat(f32::MIN_POSITIVE));
    for p in &partial {
        let x = (p.x - center.x) * w_img;
        let y = (p.y - center.y) * h_img;
        let projected = Vec2::new(x * cos_r - y * sin_r, x * sin_r + y * cos_r);
        pmin = pmin.min(projected);
        pmax = pmax.max(projected);
    }
    let projected_center = (pmax + pmin) / 2.0;
    let (sin, cos) = (rotation.sin(), rotation.cos());
    let center_x = projected_center.x * cos - projected_center.y * sin + w_img * center.x;
    let center_y = projected_center.x * sin + projected_center.y * cos + h_img * center.y;
    let rect = NormRect {
        x_center: center_x / w_img,
        y_center: center_y / h_img,
        width: (pmax.x - pmin.x) / w_img,
        height: (pmax.y - pmin.y) / h_img,
        rotation,
    };
    LANDMARKS_TO_ROI.apply(rect, width, height)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn palm(keypoints: [Vec2; 7]) -> PalmDetection {
        PalmDetection {
            score: 0.9,
            xmin: 0.4,
            ymin: 0.4,
            width: 0.2,
            height: 0.2,
            keypoints,
        }
    }

    #[test]
    fn upright_palm_gives_an_unrotated_square_roi_shifted_up() {
        // Wrist below the middle knuckle: the hand already points up.
        let mut keypoints = [Vec2::splat(0.5); 7];
        keypoints[0] = Vec2::new(0.5, 0.6);
        keypoints[2] = Vec2::new(0.5, 0.4);
        let roi = roi_from_palm(&palm(keypoints), 1000, 1000);
        assert_eq!(roi.rotation, 0.0);
        assert!((roi.x_center - 0.5).abs() < 1e-6);
        // shift_y -0.5 of the box height, then 2.6 x the long side.
        assert!((roi.y_center - 0.4).abs() < 1e-6, "{roi:?}");
        assert!((roi.width - 0.52).abs() < 1e-6 && (roi.height - 0.52).abs() < 1e-6);
    }

    #[test]
    fn hand_pointing_right_is_rotated_a_quarter_turn() {
        let mut keypoints = [Vec2::splat(0.5); 7];
        keypoints[0] = Vec2::new(0.4, 0.5);
        keypoints[2] = Vec2::new(0.6, 0.5);
        let roi = roi_from_palm(&palm(keypoints), 640, 480);
        assert!((roi.rotation - std::f32::consts::FRAC_PI_2).abs() < 1e-6);
        // The shift moves the centre towards the fingers (+x), by half the box height
        // measured in pixels and converted to a fraction of the width.
        let expected_x = 0.5 + 0.5 * 0.2 * 480.0 / 640.0;
        assert!((roi.x_center - expected_x).abs() < 1e-6, "{roi:?}");
        assert!((roi.y_center - 0.5).abs() < 1e-6);
        // Square in pixels: the long side (0.2 * 640 px) over each image dimension.
        assert!((roi.width * 640.0 - roi.height * 480.0).abs() < 1e-3);
    }

    #[test]
    fn normalize_radians_wraps_into_minus_pi_to_pi() {
        assert!(
            (normalize_radians(3.0 * std::f32::consts::PI / 2.0) + std::f32::consts::FRAC_PI_2)
                .abs()
                < 1e-6
        );
        assert_eq!(normalize_radians(0.25), 0.25);
        assert!((normalize_radians(-4.0) - (-4.0 + 2.0 * std::f32::consts::PI)).abs() < 1e-6);
    }

    #[test]
    fn iou_of_identical_disjoint_and_half_overlapping_rects() {
        let a = NormRect {
            x_center: 0.5,
            y_center: 0.5,
            width: 0.2,
            height: 0.2,
            rotation: 0.3,
        };
        assert!((a.iou(&a) - 1.0).abs() < 1e-6);
        let far = NormRect { x_center: 0.9, ..a };
        assert_eq!(a.iou(&far), 0.0);
        let half = NormRect { x_center: 0.6, ..a };
        assert!((a.iou(&half) - 1.0 / 3.0).abs() < 1e-5);
    }

    #[test]
    fn landmark_roi_of_an_upright_hand_uses_the_stable_landmarks() {
        // Upright hand, wrist at the bottom; fingertips (not used) far away.
        let mut landmarks = [Vec2::new(0.9, 0.05); 21];
        for (i, (x, y)) in [
            (0, (0.5, 0.8)),
            (1, (0.42, 0.72)),
            (2, (0.38, 0.65)),
            (3, (0.35, 0.58)),
            (5, (0.45, 0.5)),
            (6, (0.44, 0.4)),
            (9, (0.5, 0.5)),
            (10, (0.5, 0.38)),
            (13, (0.55, 0.5)),
            (14, (0.56, 0.4)),
            (17, (0.6, 0.52)),
            (18, (0.62, 0.44)),
        ] {
            landmarks[i] = Vec2::new(x, y);
        }
        let roi = roi_from_landmarks(&landmarks, 800, 800);
        assert!(roi.rotation.abs() < 1e-6, "{roi:?}");
        // Box x 0.35..0.62, y 0.38..0.8; shifted up by 0.1 x its height; square on the
        // long side (0.42), doubled.
        assert!((roi.x_center - 0.485).abs() < 1e-6, "{roi:?}");
        assert!((roi.y_center - (0.59 - 0.042)).abs() < 1e-6, "{roi:?}");
        assert!((roi.width - 0.84).abs() < 1e-6 && (roi.height - 0.84).abs() < 1e-6);
    }

    #[test]
    fn corners_of_an_unrotated_rect() {
        let rect = NormRect {
            x_center: 0.5,
            y_center: 0.5,
            width: 0.5,
            height: 0.25,
            rotation: 0.0,
        };
        let corners = rect.corners(100, 100);
        assert!((corners[0] - Vec2::new(0.25, 0.375)).length() < 1e-6);
        assert!((corners[2] - Vec2::new(0.75, 0.625)).length() < 1e-6);
    }
}
