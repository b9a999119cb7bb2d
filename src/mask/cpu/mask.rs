//! Range masking on the CPU: sample the depth map at every frame pixel, keep the pixels
//! the [`KeepRule`] accepts, black out the rest.

use image::RgbImage;

use super::resize_cv2::resize_cv2_linear_u8;
use crate::mask::coeffs::nearest_axis;
use crate::mask::{DepthInput, KeepRule};

/// Masks `rgb` (non-empty) with `depth` (non-empty) under `rule`; returns the masked
/// frame and the number of kept pixels.
pub(super) fn apply_rule(
    rgb: &RgbImage,
    depth: DepthInput<'_>,
    rule: KeepRule,
) -> (RgbImage, usize) {
    let (width, height) = rgb.dimensions();
    match depth {
        DepthInput::Inverse8(map) => {
            let upscaled = resize_cv2_linear_u8(map, width, height);
            keep(rgb, upscaled.as_raw().iter().map(|&v| u32::from(v)), rule)
        }
        DepthInput::Millimetres(map) if map.dimensions() == (width, height) => {
            keep(rgb, map.as_raw().iter().map(|&v| u32::from(v)), rule)
        }
        DepthInput::Millimetres(map) => {
            let columns = nearest_axis(map.width(), width);
            let rows = nearest_axis(map.height(), height);
            let values = rows.iter().flat_map(|&row| {
                columns
                    .iter()
                    .map(move |&column| u32::from(map.get_pixel(column, row).0[0]))
            });
            keep(rgb, values, rule)
        }
    }
}

/// Copies the pixels whose depth (one value per pixel, row-major) the rule keeps.
fn keep(rgb: &RgbImage, depth: impl Iterator<Item = u32>, rule: KeepRule) -> (RgbImage, usize) {
    let mut masked = RgbImage::new(rgb.width(), rgb.height());
    let mut kept = 0;
    for ((out, pixel), value) in masked.pixels_mut().zip(rgb.pixels()).zip(depth) {
        if rule.keeps(value) {
            *out = *pixel;
            kept += 1;
        }
    }
    (masked, kept)
}
