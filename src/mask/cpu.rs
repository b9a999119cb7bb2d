//! CPU reference implementation of range masking.

use image::RgbImage;

use super::DepthRange;
use crate::dataset::images::DepthMillimetres;

/// A masked frame and how much of it was kept.
#[derive(Clone, Debug)]
pub struct MaskOutcome {
    /// The frame with every pixel outside the range set to black.
    pub masked: RgbImage,
    /// Number of pixels kept.
    pub kept_pixels: usize,
}

/// Masks `rgb` with a ground-truth depth map of the same size, in millimetres.
/// A pixel stays when its depth is measured (non-zero) and inside `range`; with
/// `range == None` (no masking) every pixel stays, as SHARP's threshold 0 does.
pub fn mask_with_depth_mm(
    rgb: &RgbImage,
    depth: &DepthMillimetres,
    range: Option<DepthRange>,
) -> Result<MaskOutcome, String> {
    if rgb.dimensions() != depth.dimensions() {
        return Err(format!(
            "depth map is {}x{} but the frame is {}x{}",
            depth.width(),
            depth.height(),
            rgb.width(),
            rgb.height()
        ));
    }
    let Some(range) = range else {
        return Ok(MaskOutcome {
            masked: rgb.clone(),
            kept_pixels: (rgb.width() * rgb.height()) as usize,
        });
    };
    let mut masked = RgbImage::new(rgb.width(), rgb.height());
    let mut kept_pixels = 0;
    for ((out, pixel), depth) in masked.pixels_mut().zip(rgb.pixels()).zip(depth.pixels()) {
        let millimetres = depth.0[0];
        if millimetres != 0 && range.contains(f32::from(millimetres)) {
            *out = *pixel;
            kept_pixels += 1;
        }
    }
    Ok(MaskOutcome {
        masked,
        kept_pixels,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{Luma, Rgb};

    #[test]
    fn keeps_only_measured_pixels_inside_the_range() {
        let rgb = RgbImage::from_fn(4, 1, |x, _| Rgb([10 * x as u8 + 1, 2, 3]));
        let depth = DepthMillimetres::from_fn(4, 1, |x, _| Luma([[0, 300, 700, 701][x as usize]]));
        let outcome =
            mask_with_depth_mm(&rgb, &depth, Some(DepthRange::new(1.0, 700.0))).expect("same size");
        let kept: Vec<bool> = outcome.masked.pixels().map(|p| p.0 != [0, 0, 0]).collect();
        assert_eq!(kept, vec![false, true, true, false]);
        assert_eq!(outcome.kept_pixels, 2);
    }

    #[test]
    fn no_range_keeps_everything_even_unmeasured_pixels() {
        let rgb = RgbImage::from_pixel(2, 2, Rgb([5, 6, 7]));
        let depth = DepthMillimetres::new(2, 2);
        let outcome = mask_with_depth_mm(&rgb, &depth, None).expect("same size");
        assert_eq!(outcome.masked, rgb);
    }

    #[test]
    fn size_mismatch_is_an_error() {
        let error = mask_with_depth_mm(&RgbImage::new(4, 4), &DepthMillimetres::new(2, 2), None)
            .unwrap_err();
        assert!(error.contains("2x2") && error.contains("4x4"), "{error}");
    }
}
