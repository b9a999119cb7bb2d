//! The 3D hand pose network (EffHandEgoNet3D): running it and its raw outputs.
//! [`super::pose_decode`] turns those into keypoints and 3D joints.

use std::path::Path;

use super::contract::ModelKind;
use super::error::InferError;
use super::metadata::{Details, FrameSize};
use super::providers::InferOptions;
use super::session::{LoadedModel, ModelInfo};
use crate::mask::TensorSpec;

/// Heatmaps per frame: 21 joints of the left hand, then 21 of the right.
pub const HEATMAP_COUNT: usize = 42;

/// A loaded pose model (`pose-v1`).
#[derive(Debug)]
pub struct PoseModel {
    model: LoadedModel,
    preprocessing: TensorSpec,
    frame_size: FrameSize,
}

/// The network's outputs for one frame, as it returns them.
#[derive(Clone, Debug, PartialEq)]
pub struct PoseRaw<'a> {
    /// 42 sigmoid heatmaps, each `heatmap_size` x `heatmap_size`, row-major, concatenated
    /// (borrowed from the model's output buffer).
    pub heatmaps: &'a [f32],
    /// Side of one heatmap (128).
    pub heatmap_size: usize,
    /// Left-hand presence logits (index 1 = present).
    pub left_handness: [f32; 2],
    /// Right-hand presence logits (index 1 = present).
    pub right_handness: [f32; 2],
    /// Depth of each of the 42 joints, millimetres.
    pub z_mm: [f32; HEATMAP_COUNT],
}

impl PoseModel {
    /// Lets `cancel` stop this model's runs.
    pub fn set_cancel(&mut self, cancel: &super::RunCancel) {
        self.model.set_cancel(cancel);
    }

    /// Loads, validates and warms up a pose model.
    pub fn load(path: &Path, options: &InferOptions) -> Result<Self, InferError> {
        let (model, details) = LoadedModel::load(ModelKind::Pose, path, options)?;
        let Details::Pose {
            preprocessing,
            frame_size,
        } = details
        else {
            unreachable!("a pose contract yields pose details");
        };
        Ok(Self {
            model,
            preprocessing,
            frame_size,
        })
    }

    /// Provider, timings and source of the model.
    pub fn info(&self) -> &ModelInfo {
        self.model.info()
    }

    /// How frames must be prepared for [`PoseModel::run`].
    pub fn preprocessing(&self) -> &TensorSpec {
        &self.preprocessing
    }

    /// The frame size SHARP scales the soft-argmax coordinates to (`sharp_viewer.frame_size`,
    /// 1280x720: the H2O frame size, which SHARP assumes for every input). Pass it to
    /// [`super::decode_pose`].
    pub fn frame_size(&self) -> FrameSize {
        self.frame_size
    }

    /// Runs the network on one preprocessed frame: `1 x 3 x H x W` float32, NCHW.
    pub fn run(&mut self, input: &[f32]) -> Result<PoseRaw<'_>, InferError> {
        let outputs = self.model.run(input)?;
        let heatmap_size = ModelKind::Pose.spec().outputs[0].dims[1];
        Ok(PoseRaw {
            heatmaps: outputs.get(0),
            heatmap_size,
            left_handness: fixed(outputs.get(1))?,
            right_handness: fixed(outputs.get(2))?,
            z_mm: fixed(outputs.get(3))?,
        })
    }
}

fn fixed<const N: usize>(values: &[f32]) -> Result<[f32; N], InferError> {
    values.try_into().map_err(|_| InferError::Run {
        kind: ModelKind::Pose,
        message: format!("an output has {} values, expected {N}", values.len()),
    })
}
