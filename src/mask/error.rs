//! What can go wrong when masking or preparing a tensor.

use thiserror::Error;

/// An input the masking engine cannot work with. GPU failures are not errors: the engine
/// answers them by switching to the CPU path (see [`super::MaskBackend`]).
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum MaskError {
    /// An image has no pixels.
    #[error("the {what} is empty ({width}x{height})")]
    EmptyImage {
        /// Which image ("frame", "depth map").
        what: &'static str,
        /// Its width.
        width: u32,
        /// Its height.
        height: u32,
    },
    /// A tensor spec asks for a tensor without elements.
    #[error("the tensor spec asks for a {width}x{height} tensor; both sides must be at least 1")]
    EmptyTensor {
        /// Requested width.
        width: u32,
        /// Requested height.
        height: u32,
    },
}

/// Fails when an image of `width x height` has no pixels.
pub(crate) fn check_not_empty(
    what: &'static str,
    width: u32,
    height: u32,
) -> Result<(), MaskError> {
    if width == 0 || height == 0 {
        return Err(MaskError::EmptyImage {
            what,
            width,
            height,
        });
    }
    Ok(())
}

/// Fails when a masking call's inputs are unusable: an empty frame, a broken depth map,
/// or a pose tensor spec asking for an empty tensor. Shared by every masking path.
pub(crate) fn check_mask_inputs(
    rgb: &image::RgbImage,
    depth: &super::DepthInput<'_>,
    pose_spec: Option<&super::TensorSpec>,
) -> Result<(), MaskError> {
    check_not_empty("frame", rgb.width(), rgb.height())?;
    depth.check()?;
    pose_spec.map_or(Ok(()), check_spec)
}

/// Fails when `spec` asks for an empty tensor.
pub(crate) fn check_spec(spec: &super::TensorSpec) -> Result<(), MaskError> {
    if spec.is_empty() {
        return Err(MaskError::EmptyTensor {
            width: spec.width,
            height: spec.height,
        });
    }
    Ok(())
}
