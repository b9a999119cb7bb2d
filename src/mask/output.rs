//! What one masking call returns.

use image::RgbImage;

/// A masked frame, how much of it was kept, and optionally the pose network's input.
#[derive(Clone, Debug, PartialEq)]
pub struct MaskOutput {
    /// The frame with every pixel outside the range set to black.
    pub masked: RgbImage,
    /// Number of pixels kept.
    pub kept_pixels: usize,
    /// The pose network's 1x3xHxW input made from `masked`, when a spec was given.
    pub pose_input: Option<Vec<f32>>,
}

impl MaskOutput {
    /// Fraction of the frame's pixels that were kept (1 for an empty frame).
    pub fn kept_fraction(&self) -> f32 {
        let total = u64::from(self.masked.width()) * u64::from(self.masked.height());
        if total == 0 {
            1.0
        } else {
            (self.kept_pixels as f64 / total as f64) as f32
        }
    }
}
