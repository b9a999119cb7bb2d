//! Rotated-rectangle crops into model input tensors.
//!
//! MediaPipe's CPU `ImageToTensorCalculator`
//! (`mediapipe/calculators/tensor/image_to_tensor_calculator.cc`,
//! `image_to_tensor_utils.cc`, `image_to_tensor_converter_opencv.cc`) pads the region
//! to the tensor's aspect ratio (`keep_aspect_ratio`), maps its four corners onto the
//! tensor with OpenCV's `getPerspectiveTransform` + `warpPerspective` (bilinear, 8-bit
//! output) and scales the bytes to [0, 1]. The mediapipe 0.10.21 wheel links OpenCV
//! 3.4, whose 8-bit bilinear warp works in fixed point: source positions are rounded to
//! 1/32 pixel and the four weights are 15-bit integers. This module reproduces that
//! arithmetic (not OpenCV's code) so that the tensors match MediaPipe's byte for byte
//! up to float rounding in the corner geometry.

use std::f64::consts::PI;

use image::RgbImage;

use super::roi::RotatedRect;

/// How pixels outside the image are filled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Border {
    /// Black (the palm detector's letterbox).
    Zero,
    /// Nearest edge pixel (the landmark crop).
    Replicate,
}

/// Letterbox padding `[left, top, right, bottom]` as fractions of the tensor size.
pub(crate) type Padding = [f32; 4];

/// Sub-pixel positions per pixel (OpenCV's `INTER_TAB_SIZE`).
const SUBPIXEL: i32 = 32;
/// log2 of [`SUBPIXEL`].
const SUBPIXEL_BITS: i32 = 5;
/// Fixed-point scale of the bilinear weights (OpenCV's `INTER_REMAP_COEF_SCALE`).
const WEIGHT_BITS: i32 = 15;
/// Columns per block in OpenCV's warp (the block start enters the rounding).
const BLOCK_COLUMNS_MAX: usize = 1024;

/// Grows `roi` to the tensor's aspect ratio and returns the resulting letterbox
/// padding (MediaPipe's `PadRoi` with `keep_aspect_ratio: true`).
pub(crate) fn pad_roi(tensor_width: usize, tensor_height: usize, roi: &mut RotatedRect) -> Padding {
    let tensor_aspect = tensor_height as f32 / tensor_width as f32;
    let roi_aspect = roi.height / roi.width;
    let (mut horizontal, mut vertical) = (0.0_f32, 0.0_f32);
    if tensor_aspect > roi_aspect {
        roi.height = roi.width * tensor_aspect;
        vertical = (1.0 - roi_aspect / tensor_aspect) / 2.0;
    } else {
        roi.width = roi.height / tensor_aspect;
        horizontal = (1.0 - tensor_aspect / roi_aspect) / 2.0;
    }
    [horizontal, vertical, horizontal, vertical]
}

/// Samples `roi` of `image` into `out` (`height` x `width` x RGB, row-major, values in
/// [0, 1]), the way MediaPipe's OpenCV converter does.
pub(crate) fn crop_to_tensor(
    image: &RgbImage,
    roi: &RotatedRect,
    width: usize,
    height: usize,
    border: Border,
    out: &mut [f32],
) {
    debug_assert_eq!(out.len(), width * height * 3);
    let inverse = tensor_to_image(roi, width as f64, height as f64);
    let sampler = Sampler::new(image, border);
    // OpenCV's warp walks blocks of at most 1024 pixels; each row of a block starts
    // from the block's first column, which changes the last bits of the positions.
    let block_rows = 16.min(height.max(1));
    let block_columns = (BLOCK_COLUMNS_MAX / block_rows).min(width.max(1));
    let scale = 1.0_f32 / 255.0;
    for y in 0..height {
        for block_x in (0..width).step_by(block_columns) {
            let yf = y as f64;
            let xb = block_x as f64;
            let x0 = inverse[0] * xb + inverse[1] * yf + inverse[2];
            let y0 = inverse[3] * xb + inverse[4] * yf + inverse[5];
            let w0 = inverse[6] * xb + inverse[7] * yf + inverse[8];
            for x1 in 0..block_columns.min(width - block_x) {
                let step = x1 as f64;
                let w = w0 + inverse[6] * step;
                let w = if w != 0.0 {
                    f64::from(SUBPIXEL) / w
                } else {
                    0.0
                };
                let fx = ((x0 + inverse[0] * step) * w).clamp(i32::MIN as f64, i32::MAX as f64);
                let fy = ((y0 + inverse[3] * step) * w).clamp(i32::MIN as f64, i32::MAX as f64);
                let rgb =
                    sampler.bilinear(fx.round_ties_even() as i32, fy.round_ties_even() as i32);
                let offset = (y * width + block_x + x1) * 3;
                for (slot, value) in out[offset..offset + 3].iter_mut().zip(rgb) {
                    *slot = f32::from(value) * scale;
                }
            }
        }
    }
}

/// The 3x3 matrix (row-major) that maps tensor pixels back to image pixels.
fn tensor_to_image(roi: &RotatedRect, width: f64, height: f64) -> [f64; 9] {
    let source = box_points(roi);
    // Corners in OpenCV's `boxPoints` order: bottom-left, top-left, top-right, bottom-right.
    let target = [(0.0, height), (0.0, 0.0), (width, 0.0), (width, height)];
    invert3(&perspective_transform(&source, &target))
}

/// The rectangle's corners as `cv::RotatedRect::points` computes them (float, angle
/// converted to degrees and back).
fn box_points(roi: &RotatedRect) -> [(f64, f64); 4] {
    let degrees = (f64::from(roi.rotation * 180.0) / PI) as f32;
    let radians = f64::from(degrees) * PI / 180.0;
    let b = radians.cos() as f32 * 0.5;
    let a = radians.sin() as f32 * 0.5;
    let (cx, cy, w, h) = (roi.center_x, roi.center_y, roi.width, roi.height);
    let p0 = (cx - a * h - b * w, cy + b * h - a * w);
    let p1 = (cx + a * h - b * w, cy - b * h - a * w);
    let p2 = (2.0 * cx - p0.0, 2.0 * cy - p0.1);
    let p3 = (2.0 * cx - p1.0, 2.0 * cy - p1.1);
    [p0, p1, p2, p3].map(|(x, y)| (f64::from(x), f64::from(y)))
}

/// The homography taking the four `source` points onto `target` (last entry 1).
fn perspective_transform(source: &[(f64, f64); 4], target: &[(f64, f64); 4]) -> [f64; 9] {
    let mut a = [[0.0; 8]; 8];
    let mut b = [0.0; 8];
    for i in 0..4 {
        let (x, y) = source[i];
        let (u, v) = target[i];
        a[i] = [x, y, 1.0, 0.0, 0.0, 0.0, -x * u, -y * u];
        a[i + 4] = [0.0, 0.0, 0.0, x, y, 1.0, -x * v, -y * v];
        b[i] = u;
        b[i + 4] = v;
    }
    let h = solve8(a, b);
    [h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7], 1.0]
}

/// Gaussian elimination with partial pivoting (the system is well conditioned for
/// non-degenerate rectangles; a singular one yields non-finite values, which sample
/// as border).
fn solve8(mut a: [[f64; 8]; 8], mut b: [f64; 8]) -> [f64; 8] {
    for col in 0..8 {
        let pivot = (col..8)
            .max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))
            .unwrap_or(col);
        a.swap(col, pivot);
        b.swap(col, pivot);
        let pivot_row = a[col];
        for row in col + 1..8 {
            let factor = a[row][col] / pivot_row[col];
            for (value, &above) in a[row][col..].iter_mut().zip(&pivot_row[col..]) {
                *value -= factor * above;
            }
            b[row] -= factor * b[col];
        }
    }
    let mut x = [0.0; 8];
    for row in (0..8).rev() {
        let tail: f64 = (row + 1..8).map(|k| a[row][k] * x[k]).sum();
        x[row] = (b[row] - tail) / a[row][row];
    }
    x
}

/// Inverse of a 3x3 matrix by its adjugate (OpenCV's small-matrix `invert`).
fn invert3(m: &[f64; 9]) -> [f64; 9] {
    let det = m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6])
        + m[2] * (m[3] * m[7] - m[4] * m[6]);
    if det == 0.0 {
        return [0.0; 9];
    }
    let d = 1.0 / det;
    [
        (m[4] * m[8] - m[5] * m[7]) * d,
        (m[2] * m[7] - m[1] * m[8]) * d,
        (m[1] * m[5] - m[2] * m[4]) * d,
        (m[5] * m[6] - m[3] * m[8]) * d,
        (m[0] * m[8] - m[2] * m[6]) * d,
        (m[2] * m[3] - m[0] * m[5]) * d,
        (m[3] * m[7] - m[4] * m[6]) * d,
        (m[1] * m[6] - m[0] * m[7]) * d,
        (m[0] * m[4] - m[1] * m[3]) * d,
    ]
}

/// Fixed-point bilinear sampling of an 8-bit RGB image.
struct Sampler<'a> {
    pixels: &'a [u8],
    width: i32,
    height: i32,
    border: Border,
}

impl<'a> Sampler<'a> {
    fn new(image: &'a RgbImage, border: Border) -> Self {
        Self {
            pixels: image.as_raw(),
            width: i32::try_from(image.width()).unwrap_or(i32::MAX),
            height: i32::try_from(image.height()).unwrap_or(i32::MAX),
            border,
        }
    }

    /// Byte offset of pixel `(x, y)`, which must be inside the image.
    fn offset(&self, x: i32, y: i32) -> usize {
        (y as usize * self.width as usize + x as usize) * 3
    }

    /// One pixel, with the border rule outside the image.
    fn pixel(&self, x: i32, y: i32) -> [u8; 3] {
        let inside = (0..self.width).contains(&x) && (0..self.height).contains(&y);
        let (x, y) = match (inside, self.border) {
            (true, _) => (x, y),
            (false, Border::Zero) => return [0; 3],
            (false, Border::Replicate) => (x.clamp(0, self.width - 1), y.clamp(0, self.height - 1)),
        };
        let at = self.offset(x, y);
        [self.pixels[at], self.pixels[at + 1], self.pixels[at + 2]]
    }

    /// The value at `(fx, fy)` / 32 pixels.
    fn bilinear(&self, fx: i32, fy: i32) -> [u8; 3] {
        let clamp16 = |v: i32| v.clamp(i32::from(i16::MIN), i32::from(i16::MAX));
        let (sx, sy) = (clamp16(fx >> SUBPIXEL_BITS), clamp16(fy >> SUBPIXEL_BITS));
        let (ax, ay) = (fx & (SUBPIXEL - 1), fy & (SUBPIXEL - 1));
        let w = weights(ax, ay);
        let round =
            |sum: i32| ((sum + (1 << (WEIGHT_BITS - 1))) >> WEIGHT_BITS).clamp(0, 255) as u8;
        if (0..self.width - 1).contains(&sx) && (0..self.height - 1).contains(&sy) {
            // All four neighbours inside: read them straight from the buffer.
            let top = self.offset(sx, sy);
            let bottom = self.offset(sx, sy + 1);
            let p = self.pixels;
            return std::array::from_fn(|c| {
                round(
                    i32::from(p[top + c]) * w[0]
                        + i32::from(p[top + 3 + c]) * w[1]
                        + i32::from(p[bottom + c]) * w[2]
                        + i32::from(p[bottom + 3 + c]) * w[3],
                )
            });
        }
        let corners = [
            self.pixel(sx, sy),
            self.pixel(sx.saturating_add(1), sy),
            self.pixel(sx, sy.saturating_add(1)),
            self.pixel(sx.saturating_add(1), sy.saturating_add(1)),
        ];
        std::array::from_fn(|c| {
            round(
                corners
                    .iter()
                    .zip(w)
                    .map(|(p, w)| i32::from(p[c]) * w)
                    .sum(),
            )
        })
    }
}

/// The four 15-bit weights (top-left, top-right, bottom-left, bottom-right) for a
/// sub-pixel offset, as OpenCV tabulates them: the products are exact, except that the
/// unit weight 32768 does not fit a signed 16-bit integer, saturates to 32767 and gets
/// its missing unit added to the bottom-right weight. The result is the same value.
fn weights(ax: i32, ay: i32) -> [i32; 4] {
    if ax == 0 && ay == 0 {
        return [32767, 0, 0, 1];
    }
    let unit = 1 << (WEIGHT_BITS - 2 * SUBPIXEL_BITS);
    [
        (SUBPIXEL - ay) * (SUBPIXEL - ax) * unit,
        (SUBPIXEL - ay) * ax * unit,
        ay * (SUBPIXEL - ax) * unit,
        ay * ax * unit,
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gradient(width: u32, height: u32) -> RgbImage {
        RgbImage::from_fn(width, height, |x, y| {
            image::Rgb([
                (x * 7 % 256) as u8,
                (y * 5 % 256) as u8,
                ((x + y) % 256) as u8,
            ])
        })
    }

    #[test]
    fn weights_sum_to_one_in_fixed_point() {
        for ax in 0..32 {
            for ay in 0..32 {
                assert_eq!(weights(ax, ay).iter().sum::<i32>(), 1 << WEIGHT_BITS);
            }
        }
        assert_eq!(weights(16, 0), [16384, 16384, 0, 0]);
    }

    #[test]
    fn letterbox_of_a_wide_frame_pads_top_and_bottom() {
        let mut roi = RotatedRect {
            center_x: 640.0,
            center_y: 360.0,
            width: 1280.0,
            height: 720.0,
            rotation: 0.0,
        };
        let padding = pad_roi(192, 192, &mut roi);
        assert_eq!(padding, [0.0, 0.21875, 0.0, 0.21875]);
        assert_eq!((roi.width, roi.height), (1280.0, 1280.0));
    }

    #[test]
    fn identity_crop_copies_the_image() {
        let image = gradient(40, 30);
        let roi = RotatedRect {
            center_x: 20.0,
            center_y: 15.0,
            width: 40.0,
            height: 30.0,
            rotation: 0.0,
        };
        let mut out = vec![0.0; 40 * 30 * 3];
        crop_to_tensor(&image, &roi, 40, 30, Border::Zero, &mut out);
        for (i, p) in image.pixels().enumerate() {
            for c in 0..3 {
                assert_eq!(
                    out[i * 3 + c],
                    f32::from(p[c]) * (1.0 / 255.0),
                    "pixel {i} channel {c}"
                );
            }
        }
    }

    #[test]
    fn half_turn_flips_the_image() {
        let image = gradient(20, 20);
        let roi = RotatedRect {
            center_x: 10.0,
            center_y: 10.0,
            width: 20.0,
            height: 20.0,
            rotation: std::f32::consts::PI,
        };
        let mut out = vec![0.0; 20 * 20 * 3];
        crop_to_tensor(&image, &roi, 20, 20, Border::Replicate, &mut out);
        // Tensor pixel (x, y) samples image position (20 - x, 20 - y): pixel (1, 1)
        // reads image pixel (19, 19).
        let expected = image.get_pixel(19, 19);
        let at = (20 + 1) * 3;
        assert_eq!(out[at], f32::from(expected[0]) * (1.0 / 255.0));
    }

    #[test]
    fn outside_pixels_follow_the_border_rule() {
        let image = RgbImage::from_pixel(10, 10, image::Rgb([200, 100, 50]));
        let roi = RotatedRect {
            center_x: 0.0,
            center_y: 5.0,
            width: 10.0,
            height: 10.0,
            rotation: 0.0,
        };
        let mut zero = vec![1.0; 10 * 10 * 3];
        crop_to_tensor(&image, &roi, 10, 10, Border::Zero, &mut zero);
        assert_eq!(zero[0], 0.0);
        let mut replicate = vec![0.0; 10 * 10 * 3];
        crop_to_tensor(&image, &roi, 10, 10, Border::Replicate, &mut replicate);
        let expected = [200.0, 100.0, 50.0].map(|v: f32| v * (1.0 / 255.0));
        assert!(replicate.chunks(3).all(|p| p == expected));
    }
}
