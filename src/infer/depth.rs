//! The pseudo-depth network (DPT-Hybrid) and SHARP's 8-bit depth map.

use std::path::Path;

use image::GrayImage;
use ndarray::Array2;

use super::contract::ModelKind;
use super::error::InferError;
use super::metadata::Details;
use super::providers::InferOptions;
use super::session::{LoadedModel, ModelInfo};
use crate::mask::TensorSpec;

/// A loaded depth model (`depth-v1`).
#[derive(Debug)]
pub struct DepthModel {
    model: LoadedModel,
    preprocessing: TensorSpec,
}

/// One depth prediction.
#[derive(Clone, Debug, PartialEq)]
pub struct DepthOutput {
    /// `predicted_depth`: relative inverse depth (bigger = nearer), rows x columns.
    pub raw: Array2<f32>,
    /// SHARP's stored map (`depth_est_low`), see [`depth_to_8bit`].
    pub depth8: GrayImage,
}

impl DepthModel {
    /// Lets `cancel` stop this model's runs.
    pub fn set_cancel(&mut self, cancel: &super::RunCancel) {
        self.model.set_cancel(cancel);
    }

    /// Loads, validates and warms up a depth model.
    pub fn load(path: &Path, options: &InferOptions) -> Result<Self, InferError> {
        let (model, details) = LoadedModel::load(ModelKind::Depth, path, options)?;
        let Details::Depth(preprocessing) = details else {
            unreachable!("a depth contract yields depth details");
        };
        Ok(Self {
            model,
            preprocessing,
        })
    }

    /// Provider, timings and source of the model.
    pub fn info(&self) -> &ModelInfo {
        self.model.info()
    }

    /// How frames must be prepared for [`DepthModel::run`].
    pub fn preprocessing(&self) -> &TensorSpec {
        &self.preprocessing
    }

    /// Runs the network on one preprocessed frame: `1 x 3 x H x W` float32, NCHW.
    pub fn run(&mut self, input: &[f32]) -> Result<DepthOutput, InferError> {
        let (height, width) = (
            self.preprocessing.height as usize,
            self.preprocessing.width as usize,
        );
        let raw = self.model.run(input)?.get(0);
        let depth8 = depth_to_8bit(raw);
        let depth8 = GrayImage::from_raw(width as u32, height as u32, depth8).ok_or_else(|| {
            InferError::Run {
                kind: ModelKind::Depth,
                message: "the depth map does not match the input size".into(),
            }
        })?;
        let raw =
            Array2::from_shape_vec((height, width), raw.to_vec()).map_err(|e| InferError::Run {
                kind: ModelKind::Depth,
                message: format!("the depth map does not match the input size: {e}"),
            })?;
        Ok(DepthOutput { raw, depth8 })
    }
}

/// SHARP's per-frame 8-bit depth (get_h2o_depth.py):
/// `uint8(d * 255 / max(d))`, all in float32 in that order (`d * 255`, then the division
/// by the map's float32 maximum), truncated toward zero.
///
/// SHARP first resizes the map to 384x384 with a bicubic `F.interpolate`, which is the
/// identity for a 384x384 map (every bicubic weight but the centre one is 0 at scale 1),
/// so it is not repeated here. A map without a positive finite maximum, for which SHARP's
/// division has no meaning, gives an all-black map.
pub fn depth_to_8bit(raw: &[f32]) -> Vec<u8> {
    let max = raw.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    if !(max.is_finite() && max > 0.0) {
        return vec![0; raw.len()];
    }
    // `as u8` truncates toward zero like numpy's astype on this range, and saturates
    // negative values (which DPT's final ReLU rules out) at 0.
    raw.iter().map(|&d| ((d * 255.0) / max) as u8).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_scale_to_the_maximum_and_truncate() {
        let raw = [0.0, 1.0, 2.0, 4.0, 3.999];
        assert_eq!(depth_to_8bit(&raw), [0, 63, 127, 255, 254]);
    }

    #[test]
    fn the_operation_order_is_multiply_then_divide_in_float32() {
        // numpy on float32 [0.1, 0.3]: d * 255 / max(d) = [85.0, 254.99998] -> [85, 254];
        // dividing first would give [84, 255]. So even the maximum need not reach 255.
        assert_eq!(depth_to_8bit(&[0.1, 0.3]), [85, 254]);
        assert_eq!(depth_to_8bit(&[5.1, 15.3]), [85, 255]);
    }

    #[test]
    fn a_map_without_a_positive_maximum_is_black() {
        assert_eq!(depth_to_8bit(&[0.0, 0.0]), [0, 0]);
        assert_eq!(depth_to_8bit(&[f32::NAN, -1.0]), [0, 0]);
    }
}
