//! Why the GPU path could not run.

use thiserror::Error;

/// A GPU failure. [`GpuError::TooLarge`] concerns one call only; every other variant
/// means the device cannot be trusted any more and the engine switches to the CPU.
#[derive(Debug, Error)]
pub(crate) enum GpuError {
    /// No adapter (no Vulkan/Metal/DX12 driver, or a headless machine without one).
    #[error("no GPU adapter found ({0})")]
    NoAdapter(#[from] wgpu::RequestAdapterError),
    /// The only adapter is a software rasteriser, slower than the CPU reference.
    #[error(
        "only the software adapter {adapter} was found, which is slower than the CPU \
         reference (SHARP_VIEWER_MASK=gpu uses it anyway)"
    )]
    SoftwareOnly {
        /// Adapter name.
        adapter: String,
    },
    /// The adapter cannot run what the kernels need.
    #[error("the GPU adapter {adapter} is unsuitable: {reason}")]
    Unsuitable {
        /// Adapter name.
        adapter: String,
        /// What it lacks.
        reason: String,
    },
    /// The device could not be opened.
    #[error("could not open the GPU device: {0}")]
    RequestDevice(#[from] wgpu::RequestDeviceError),
    /// A wgpu error reported through the device's error handler, or the device was lost.
    #[error("{0}")]
    Fault(String),
    /// Waiting for the GPU failed.
    #[error("waiting for the GPU failed: {0}")]
    Poll(#[from] wgpu::PollError),
    /// Mapping a result buffer failed.
    #[error("reading results back from the GPU failed: {0}")]
    Readback(String),
    /// An input needs a bigger buffer than the device allows.
    #[error("the {what} needs {bytes} bytes, more than this GPU's limit of {limit} bytes")]
    TooLarge {
        /// The buffer's purpose.
        what: &'static str,
        /// Bytes needed.
        bytes: u64,
        /// The device's limit.
        limit: u64,
    },
}

impl GpuError {
    /// Whether only this call failed and the device is still fine.
    pub(crate) fn is_per_call(&self) -> bool {
        matches!(self, GpuError::TooLarge { .. })
    }
}
