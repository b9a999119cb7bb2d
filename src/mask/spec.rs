//! How a network wants its input tensor: size, resize filter and normalisation.
//!
//! The inference module fills a [`TensorSpec`] from the exported model's metadata; the
//! presets here are SHARP's two networks, for tests and as defaults.

use serde::{Deserialize, Serialize};

/// The uint8 resize a preprocessing pipeline uses, reproduced bit for bit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ResizeKind {
    /// Pillow 9.3 `Image.resize(.., BICUBIC)` (HuggingFace image processors, slow path).
    PilBicubic,
    /// Pillow 9.3 `Image.resize(.., BILINEAR)`.
    PilBilinear,
    /// OpenCV 4.8 `cv2.resize` with `INTER_LINEAR` (albumentations `Resize`), including
    /// OpenCV's switch to `INTER_AREA` for exact factor-2 shrinks.
    Cv2Linear,
}

impl ResizeKind {
    /// Every kind.
    pub const ALL: [ResizeKind; 3] = [
        ResizeKind::PilBicubic,
        ResizeKind::PilBilinear,
        ResizeKind::Cv2Linear,
    ];

    /// The spelling in an exported model's `sharp_viewer.resize` metadata.
    pub fn metadata_name(self) -> &'static str {
        match self {
            ResizeKind::PilBicubic => "pil_bicubic",
            ResizeKind::PilBilinear => "pil_bilinear",
            ResizeKind::Cv2Linear => "cv2_linear",
        }
    }
}

impl std::fmt::Display for ResizeKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.metadata_name())
    }
}

/// The float arithmetic that turns a resized uint8 value `v` into a tensor element.
/// Both orders are what the SHARP reference code does; they differ in the last bits, so
/// the spec names the one the network was trained with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Normalization {
    /// HuggingFace transformers (`DPTImageProcessor`, 4.32): `x = (v as f64 *
    /// rescale_factor) as f32` (the product is taken in double and then stored as
    /// float32), then `(x - mean) / std` in float32.
    Transformers,
    /// albumentations 1.3 `Normalize(mean, std, max_pixel_value)` with
    /// `max_pixel_value = 1 / rescale_factor`: `m = mean * max`, `s = std * max`,
    /// `r = 1 / s` (all float32), then `(v as f32 - m) * r` in float32.
    Albumentations,
}

/// Everything needed to turn an RGB8 frame into a network's 1x3xHxW f32 input.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct TensorSpec {
    /// Tensor width (W).
    pub width: u32,
    /// Tensor height (H).
    pub height: u32,
    /// The uint8 resize applied first.
    pub resize: ResizeKind,
    /// Scale from uint8 to the network's range (1/255 for [0, 1]). Kept in double:
    /// transformers multiplies by the Python float, and `(1/255) as f32` would change
    /// 126 of the 256 results.
    pub rescale_factor: f64,
    /// Per-channel mean (R, G, B), in the rescaled range.
    pub mean: [f32; 3],
    /// Per-channel standard deviation (R, G, B), in the rescaled range.
    pub std: [f32; 3],
    /// The order of the float operations.
    pub normalization: Normalization,
}

impl TensorSpec {
    /// DPT-Hybrid MiDaS as SHARP runs it (`DPTImageProcessor` defaults): 384x384 Pillow
    /// bicubic, [0, 1], mean 0.5, std 0.5.
    pub fn dpt_hybrid() -> Self {
        Self {
            width: 384,
            height: 384,
            resize: ResizeKind::PilBicubic,
            rescale_factor: 1.0 / 255.0,
            mean: [0.5; 3],
            std: [0.5; 3],
            normalization: Normalization::Transformers,
        }
    }

    /// SHARP's hand-pose network (albumentations `Resize(512, 512)` + ImageNet
    /// `Normalize`).
    pub fn sharp_pose() -> Self {
        Self {
            width: 512,
            height: 512,
            resize: ResizeKind::Cv2Linear,
            rescale_factor: 1.0 / 255.0,
            mean: [0.485, 0.456, 0.406],
            std: [0.229, 0.224, 0.225],
            normalization: Normalization::Albumentations,
        }
    }

    /// A spec whose tensor holds the resized uint8 values themselves (as f32): for
    /// checking resizes pixel for pixel.
    pub fn raw_values(width: u32, height: u32, resize: ResizeKind) -> Self {
        Self {
            width,
            height,
            resize,
            rescale_factor: 1.0,
            mean: [0.0; 3],
            std: [1.0; 3],
            normalization: Normalization::Transformers,
        }
    }

    /// Number of f32 elements in the tensor (3 x H x W).
    pub fn len(&self) -> usize {
        3 * self.width as usize * self.height as usize
    }

    /// Whether the tensor has no elements (a zero width or height).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The tensor element for every channel and uint8 value: `table[c][v]`.
    ///
    /// The normalisation depends only on the channel and the resized uint8 value, so both
    /// the CPU and the GPU path look it up in this table, computed once here with the
    /// exact float order of [`Normalization`]. The GPU therefore does no float arithmetic
    /// at all and its tensors are bit-identical to the CPU's on every device.
    pub fn normalization_table(&self) -> [[f32; 256]; 3] {
        let mut table = [[0.0_f32; 256]; 3];
        for (channel, row) in table.iter_mut().enumerate() {
            let mean = self.mean[channel];
            let std = self.std[channel];
            for (value, out) in row.iter_mut().enumerate() {
                *out = match self.normalization {
                    Normalization::Transformers => {
                        let scaled = (value as f64 * self.rescale_factor) as f32;
                        (scaled - mean) / std
                    }
                    Normalization::Albumentations => {
                        let max_pixel = (1.0 / self.rescale_factor) as f32;
                        let mean = mean * max_pixel;
                        let reciprocal = 1.0 / (std * max_pixel);
                        (value as f32 - mean) * reciprocal
                    }
                };
            }
        }
        table
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_values_spec_maps_every_value_to_itself() {
        let table = TensorSpec::raw_values(1, 1, ResizeKind::Cv2Linear).normalization_table();
        for row in table {
            for (value, out) in row.iter().enumerate() {
                assert_eq!(*out, value as f32);
            }
        }
    }

    #[test]
    fn albumentations_max_pixel_is_exactly_255() {
        assert_eq!(
            (1.0 / TensorSpec::sharp_pose().rescale_factor) as f32,
            255.0
        );
    }

    #[test]
    fn dpt_table_spans_minus_one_to_one() {
        let table = TensorSpec::dpt_hybrid().normalization_table();
        assert_eq!((table[0][0], table[2][255]), (-1.0, 1.0));
    }
}
