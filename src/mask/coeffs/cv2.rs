//! OpenCV 4.8 `cv::resize(INTER_LINEAR)` tables for 8-bit images (`imgproc/src/resize.cpp`),
//! as 11-bit integers.

/// Fixed-point scale of OpenCV's linear weights (`INTER_RESIZE_COEF_SCALE`).
const COEF_SCALE: f32 = 2048.0;

/// Per output index along one axis: the two source indices read and their weights.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cv2Axis {
    /// First source index (already clamped into the image).
    pub index0: Vec<u32>,
    /// Second source index (already clamped into the image).
    pub index1: Vec<u32>,
    /// Weight of `index0`, 0..=2048.
    pub weight0: Vec<u32>,
    /// Weight of `index1`, 0..=2048.
    pub weight1: Vec<u32>,
}

/// How OpenCV resizes one image size to another.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cv2Plan {
    /// Both axes shrink by exactly 2: OpenCV then uses `INTER_AREA`'s fast path,
    /// `(s00 + s01 + s10 + s11 + 2) >> 2`, and the tables hold `2d` and `2d + 1` with zero
    /// weights.
    pub area2: bool,
    /// Columns: `H = S[index0] * weight0 + S[index1] * weight1` (exact int32).
    pub x: Cv2Axis,
    /// Rows, applied to the column results `H0 = H[index0]`, `H1 = H[index1]`:
    /// `(((weight0 * (H0 >> 4)) >> 16) + ((weight1 * (H1 >> 4)) >> 16) + 2) >> 2`.
    pub y: Cv2Axis,
}

/// The plan for `cv2.resize(src, (out_w, out_h))` of an `in_w x in_h` image. Equal sizes
/// give identity weights (2048, 0), which reproduce OpenCV's plain copy exactly. All
/// sizes must be non-zero.
pub fn cv2_plan(in_w: u32, in_h: u32, out_w: u32, out_h: u32) -> Cv2Plan {
    let scale_x = 1.0 / (f64::from(out_w) / f64::from(in_w));
    let scale_y = 1.0 / (f64::from(out_h) / f64::from(in_h));
    if scale_x == 2.0 && scale_y == 2.0 {
        return Cv2Plan {
            area2: true,
            x: area_axis(out_w),
            y: area_axis(out_h),
        };
    }
    Cv2Plan {
        area2: false,
        x: linear_axis(in_w, out_w, scale_x, true),
        y: linear_axis(in_h, out_h, scale_y, false),
    }
}

fn area_axis(out_size: u32) -> Cv2Axis {
    Cv2Axis {
        index0: (0..out_size).map(|d| 2 * d).collect(),
        index1: (0..out_size).map(|d| 2 * d + 1).collect(),
        weight0: vec![0; out_size as usize],
        weight1: vec![0; out_size as usize],
    }
}

/// `scale` is OpenCV's `1.0 / inv_scale` (not `in / out`). `border` applies the column
/// rule (a source index outside the image is clamped and its fraction zeroed); rows keep
/// their fraction and only clamp the indices.
fn linear_axis(in_size: u32, out_size: u32, scale: f64, border: bool) -> Cv2Axis {
    let last = i64::from(in_size) - 1;
    let mut axis = Cv2Axis {
        index0: Vec::with_capacity(out_size as usize),
        index1: Vec::with_capacity(out_size as usize),
        weight0: Vec::with_capacity(out_size as usize),
        weight1: Vec::with_capacity(out_size as usize),
    };
    for d in 0..out_size {
        let position = ((f64::from(d) + 0.5) * scale - 0.5) as f32;
        let floor = position.floor();
        let mut source = floor as i64;
        let mut fraction = position - floor;
        if border {
            if source < 0 {
                source = 0;
                fraction = 0.0;
            }
            if source >= last {
                source = last;
                fraction = 0.0;
            }
        }
        // saturate_cast<short>(float) rounds half to even; both values are in 0..=2048.
        axis.weight0
            .push(((1.0 - fraction) * COEF_SCALE).round_ties_even() as u32);
        axis.weight1
            .push((fraction * COEF_SCALE).round_ties_even() as u32);
        // Clamped, so both indices lie in 0..in_size and fit u32.
        axis.index0.push(source.clamp(0, last) as u32);
        axis.index1.push((source + 1).clamp(0, last) as u32);
    }
    axis
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_sizes_are_the_identity() {
        let plan = cv2_plan(7, 3, 7, 3);
        assert!(!plan.area2);
        assert_eq!(plan.x.index0, (0..7).collect::<Vec<_>>());
        assert!(plan.x.weight0.iter().all(|&w| w == 2048));
        assert!(plan.y.weight1.iter().all(|&w| w == 0));
    }

    #[test]
    fn exact_halving_switches_to_area() {
        assert!(cv2_plan(74, 46, 37, 23).area2);
        assert!(!cv2_plan(74, 46, 37, 24).area2);
        assert!(!cv2_plan(75, 46, 37, 23).area2);
    }

    #[test]
    fn upscaled_rows_keep_their_fraction_at_the_top() {
        // 384 -> 720: the first output row maps to source -0.23, i.e. row -1 with a
        // fraction, which OpenCV keeps (both rows clamp to 0).
        let plan = cv2_plan(384, 384, 1280, 720);
        assert_eq!((plan.y.index0[0], plan.y.index1[0]), (0, 0));
        assert_ne!(plan.y.weight1[0], 0);
        assert_eq!((plan.x.index0[0], plan.x.weight0[0]), (0, 2048));
    }
}
