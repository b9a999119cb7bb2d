//! Network input tensors on the CPU: uint8 resize, then the spec's normalisation table.

use image::RgbImage;

use super::resize_cv2::resize_cv2_linear_u8;
use super::resize_pil::resize_pil_u8;
use crate::mask::coeffs::PilFilter;
use crate::mask::{ResizeKind, TensorSpec};

/// `rgb` resized to `width x height` with `kind`, exactly as the named library does.
pub fn resize_rgb(rgb: &RgbImage, width: u32, height: u32, kind: ResizeKind) -> RgbImage {
    match kind {
        ResizeKind::PilBicubic => resize_pil_u8(rgb, width, height, PilFilter::Bicubic),
        ResizeKind::PilBilinear => resize_pil_u8(rgb, width, height, PilFilter::Bilinear),
        ResizeKind::Cv2Linear => resize_cv2_linear_u8(rgb, width, height),
    }
}

/// The 1x3xHxW tensor of `rgb` under `spec` (both already checked to be non-empty).
pub(super) fn make_tensor(rgb: &RgbImage, spec: &TensorSpec) -> Vec<f32> {
    let resized = resize_rgb(rgb, spec.width, spec.height, spec.resize);
    let table = spec.normalization_table();
    let mut tensor = Vec::with_capacity(spec.len());
    for (channel, channel_table) in table.iter().enumerate() {
        tensor.extend(
            resized
                .pixels()
                .map(|pixel| channel_table[usize::from(pixel.0[channel])]),
        );
    }
    tensor
}
