//! The CPU reference: exact ports of the libraries SHARP uses (Pillow 9.3 and OpenCV 4.8
//! resizes, transformers and albumentations normalisation) and of its range masking.
//! The GPU path is tested against these functions pixel for pixel and bit for bit, and
//! these functions against the golden files made with the real libraries.

mod mask;
mod resize_cv2;
mod resize_pil;
mod tensor;

use image::RgbImage;

pub use resize_cv2::resize_cv2_linear_u8;
pub use resize_pil::resize_pil_u8;
pub use tensor::resize_rgb;

use super::error::{check_mask_inputs, check_not_empty, check_spec};
use super::{DepthInput, DepthRange, KeepRule, MaskError, MaskOutput, TensorSpec};

/// Masks `rgb` with `depth`, keeping the pixels whose depth lies in `range` (`None` keeps
/// everything, like SHARP's threshold 0), and, with `pose_spec`, makes the pose network's
/// input from the masked frame.
pub fn mask(
    rgb: &RgbImage,
    depth: DepthInput<'_>,
    range: Option<DepthRange>,
    pose_spec: Option<&TensorSpec>,
) -> Result<MaskOutput, MaskError> {
    check_mask_inputs(rgb, &depth, pose_spec)?;
    let (masked, kept_pixels) = match range {
        None => (rgb.clone(), rgb.width() as usize * rgb.height() as usize),
        Some(range) => mask::apply_rule(rgb, depth, KeepRule::new(range, depth.unit())),
    };
    let pose_input = pose_spec.map(|spec| tensor::make_tensor(&masked, spec));
    Ok(MaskOutput {
        masked,
        kept_pixels,
        pose_input,
    })
}

/// The 1x3xHxW f32 input tensor of `rgb` under `spec` (e.g. the depth network's input
/// from the raw frame).
pub fn tensor(rgb: &RgbImage, spec: &TensorSpec) -> Result<Vec<f32>, MaskError> {
    check_not_empty("frame", rgb.width(), rgb.height())?;
    check_spec(spec)?;
    Ok(tensor::make_tensor(rgb, spec))
}

#[cfg(test)]
mod tests {
    use image::{GrayImage, Luma, Rgb};

    use super::*;
    use crate::dataset::images::DepthMillimetres;

    #[test]
    fn keeps_only_measured_pixels_inside_the_range() {
        let rgb = RgbImage::from_fn(4, 1, |x, _| Rgb([10 * x as u8 + 1, 2, 3]));
        let depth = DepthMillimetres::from_fn(4, 1, |x, _| Luma([[0, 300, 700, 701][x as usize]]));
        let range = Some(DepthRange::new(0.0, 700.0));
        let out = mask(&rgb, DepthInput::Millimetres(&depth), range, None).expect("valid input");
        let kept: Vec<bool> = out.masked.pixels().map(|p| p.0 != [0, 0, 0]).collect();
        assert_eq!(kept, vec![false, true, true, false]);
        assert_eq!(out.kept_pixels, 2);
    }

    #[test]
    fn no_range_keeps_everything_even_unmeasured_pixels() {
        let rgb = RgbImage::from_pixel(2, 2, Rgb([5, 6, 7]));
        let depth = DepthMillimetres::new(2, 2);
        let out = mask(&rgb, DepthInput::Millimetres(&depth), None, None).expect("valid input");
        assert_eq!((out.masked, out.kept_pixels), (rgb, 4));
    }

    #[test]
    fn ground_truth_of_another_size_is_sampled_nearest() {
        let rgb = RgbImage::from_pixel(4, 2, Rgb([9, 9, 9]));
        let depth = DepthMillimetres::from_fn(2, 1, |x, _| Luma([[500, 0][x as usize]]));
        let range = Some(DepthRange::new(1.0, 700.0));
        let out = mask(&rgb, DepthInput::Millimetres(&depth), range, None).expect("valid input");
        let kept: Vec<bool> = out.masked.pixels().map(|p| p.0 != [0, 0, 0]).collect();
        assert_eq!(
            kept,
            vec![true, true, false, false, true, true, false, false]
        );
    }

    #[test]
    fn empty_inputs_are_errors_naming_the_image() {
        let depth = GrayImage::new(0, 3);
        let error = mask(
            &RgbImage::new(2, 2),
            DepthInput::Inverse8(&depth),
            None,
            None,
        )
        .expect_err("empty depth");
        assert!(
            error.to_string().contains("depth map is empty (0x3)"),
            "{error}"
        );
        let spec = TensorSpec::raw_values(0, 5, crate::mask::ResizeKind::Cv2Linear);
        assert!(tensor(&RgbImage::new(2, 2), &spec).is_err());
    }
}
