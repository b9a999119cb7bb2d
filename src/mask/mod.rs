//! Depth-range masking: black out every pixel whose depth lies outside [near, far],
//! so the pose network sees only the hands and what they hold (SHARP spec section 3).

mod cpu;
mod range;

pub use cpu::{MaskOutcome, mask_with_depth_mm};
pub use range::{DepthRange, DepthUnit, RangePreset};
