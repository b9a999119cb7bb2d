//! Depth-range masking: black out every pixel whose depth lies outside [near, far], so the
//! pose network sees only the hands and what they hold (SHARP spec section 3), and the
//! network input tensors made from the raw and the masked frame (sections 2 and 4).
//!
//! [`MaskEngine`] is what the pipeline uses: it runs on the GPU (wgpu compute) when an
//! adapter is available and on the [`cpu`] reference otherwise, or after any GPU error.
//! Both paths compute the same integers from the same [`coeffs`] tables, so the masked
//! frames and resized images are identical pixel for pixel on every device, and the f32
//! tensors are identical bit for bit too: the normalisation depends only on the channel
//! and the resized uint8 value, so it is a 3x256 table computed once on the CPU
//! ([`TensorSpec::normalization_table`]) that the GPU merely looks up. No float division
//! runs on the GPU, so WGSL's 2.5 ulp allowance for `/` never comes into play; the
//! expected tolerance on real GPUs is zero, and the tests assert exact equality.

pub mod coeffs;
pub mod cpu;
mod depth;
mod engine;
mod error;
mod gpu;
mod joint_coverage;
mod output;
mod range;
mod spec;

pub use depth::{DepthInput, KeepRule};
pub use engine::{MASK_ENV_VAR, MaskBackend, MaskEngine, MaskPreference};
pub use error::MaskError;
pub use joint_coverage::{
    CoverageTally, HandCoverage, JOINT_WINDOW_RADIUS, JointCoverage, joint_coverage,
};
pub use output::MaskOutput;
pub use range::{DepthRange, DepthUnit, RangePreset};
pub use spec::{Normalization, ResizeKind, TensorSpec};
