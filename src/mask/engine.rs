//! [`MaskEngine`]: the masking front end the pipeline owns. GPU when possible, the CPU
//! reference otherwise; a GPU failure at any point switches it to the CPU for good, and
//! the call that met the failure is answered from the CPU, so callers always get a
//! correct result.

use std::fmt;
use std::time::Duration;

use image::RgbImage;

use super::error::{check_mask_inputs, check_not_empty, check_spec};
use super::gpu::{GpuError, GpuMasker};
use super::{DepthInput, DepthRange, KeepRule, MaskError, MaskOutput, TensorSpec, cpu};

/// Environment variable read by [`MaskPreference::Auto`]: `cpu` forces the CPU path,
/// `gpu` accepts software adapters too, `auto` (or unset) is the default.
pub const MASK_ENV_VAR: &str = "SHARP_VIEWER_MASK";

/// Which path the engine should try.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MaskPreference {
    /// A hardware GPU when there is one, else the CPU. Software adapters (Mesa's
    /// llvmpipe/lavapipe, WARP) are declined: on this workload they are several times
    /// slower than the CPU reference. [`MASK_ENV_VAR`] can turn this into `Gpu` or `Cpu`.
    Auto,
    /// Any GPU adapter, software ones included (tests, benchmarks); the CPU only when
    /// there is none.
    Gpu,
    /// The CPU reference only.
    Cpu,
}

/// The path the engine is on, for logs and the UI.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MaskBackend {
    /// wgpu compute on a GPU adapter.
    Gpu {
        /// The adapter's name, e.g. "NVIDIA GeForce RTX 4070" or "llvmpipe (LLVM 19, 256 bits)".
        adapter_name: String,
        /// The graphics API, e.g. "vulkan".
        backend: String,
    },
    /// The CPU reference.
    Cpu {
        /// Why not the GPU.
        reason: String,
    },
}

impl fmt::Display for MaskBackend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MaskBackend::Gpu {
                adapter_name,
                backend,
            } => write!(f, "GPU: {adapter_name} ({backend})"),
            MaskBackend::Cpu { reason } => write!(f, "CPU ({reason})"),
        }
    }
}

/// Range masking and network input tensors, on the GPU when possible.
///
/// ```no_run
/// use sharp_viewer::mask::{DepthInput, DepthRange, MaskEngine, MaskPreference, TensorSpec};
/// # fn run(rgb: &image::RgbImage, depth8: &image::GrayImage) -> Result<(), sharp_viewer::mask::MaskError> {
/// let mut engine = MaskEngine::new(MaskPreference::Auto);
/// println!("masking on {}", engine.backend());
/// let depth_tensor = engine.frame_tensor(rgb, &TensorSpec::dpt_hybrid())?;
/// let out = engine.mask(
///     rgb,
///     DepthInput::Inverse8(depth8),
///     Some(DepthRange::new(120.0, 255.0)),
///     Some(&TensorSpec::sharp_pose()),
/// )?;
/// # Ok(()) }
/// ```
pub struct MaskEngine {
    gpu: Option<GpuMasker>,
    backend: MaskBackend,
}

impl MaskEngine {
    /// An engine on the path `preference` asks for (falling back to the CPU when no GPU
    /// adapter works). Logs the choice at info level.
    pub fn new(preference: MaskPreference) -> Self {
        Self::create(preference, false)
    }

    /// Like [`MaskEngine::new`], and times every GPU pass with timestamp queries when the
    /// adapter supports them (see [`MaskEngine::last_gpu_pass_time`]); for benchmarks.
    pub fn with_gpu_timing(preference: MaskPreference) -> Self {
        Self::create(preference, true)
    }

    fn create(preference: MaskPreference, timestamps: bool) -> Self {
        let (preference, cpu_reason) = match preference {
            MaskPreference::Auto => (
                from_env(std::env::var(MASK_ENV_VAR).ok().as_deref()),
                format!("{MASK_ENV_VAR}=cpu"),
            ),
            explicit => (explicit, "the CPU path was requested".to_owned()),
        };
        let engine = match preference {
            MaskPreference::Cpu => Self::cpu(cpu_reason),
            gpu => match GpuMasker::new(gpu == MaskPreference::Gpu, timestamps) {
                Ok(gpu) => Self {
                    backend: MaskBackend::Gpu {
                        adapter_name: gpu.adapter_name().to_owned(),
                        backend: gpu.backend().to_owned(),
                    },
                    gpu: Some(gpu),
                },
                Err(error) => Self::cpu(error.to_string()),
            },
        };
        match &engine.backend {
            MaskBackend::Gpu { .. } => tracing::info!("masking on the {}", engine.backend),
            MaskBackend::Cpu { .. } => tracing::warn!("masking on the {}", engine.backend),
        }
        engine
    }

    fn cpu(reason: String) -> Self {
        Self {
            gpu: None,
            backend: MaskBackend::Cpu { reason },
        }
    }

    /// The path in use now (it changes to the CPU after a GPU failure).
    pub fn backend(&self) -> &MaskBackend {
        &self.backend
    }

    /// Whether GPU passes are timed (a GPU with timestamp queries, opened with
    /// [`MaskEngine::with_gpu_timing`]).
    pub fn has_gpu_timing(&self) -> bool {
        self.gpu.as_ref().is_some_and(GpuMasker::has_timestamps)
    }

    /// The GPU time of the last call's compute pass, when timed.
    pub fn last_gpu_pass_time(&self) -> Option<Duration> {
        self.gpu.as_ref().and_then(GpuMasker::last_pass_time)
    }

    /// Masks `rgb` with `depth`, keeping pixels whose depth is in `range` (`None` keeps
    /// everything); with `pose_spec`, also makes the pose network's input from the masked
    /// frame. Errors only for empty inputs.
    pub fn mask(
        &mut self,
        rgb: &RgbImage,
        depth: DepthInput<'_>,
        range: Option<DepthRange>,
        pose_spec: Option<&TensorSpec>,
    ) -> Result<MaskOutput, MaskError> {
        check_mask_inputs(rgb, &depth, pose_spec)?;
        if let Some(gpu) = &mut self.gpu {
            let rule = match range {
                Some(range) => KeepRule::new(range, depth.unit()),
                None => KeepRule::everything(),
            };
            match gpu.mask(rgb, &depth, rule, pose_spec) {
                Ok(output) => return Ok(output),
                Err(error) => self.gpu_failed(error),
            }
        }
        cpu::mask(rgb, depth, range, pose_spec)
    }

    /// A network input tensor (1x3xHxW) made from the raw, unmasked frame under `spec`:
    /// the depth network's input, or the pose network's when masking is off.
    pub fn frame_tensor(
        &mut self,
        rgb: &RgbImage,
        spec: &TensorSpec,
    ) -> Result<Vec<f32>, MaskError> {
        check_not_empty("frame", rgb.width(), rgb.height())?;
        check_spec(spec)?;
        if let Some(gpu) = &mut self.gpu {
            match gpu.tensor(rgb, spec) {
                Ok(tensor) => return Ok(tensor),
                Err(error) => self.gpu_failed(error),
            }
        }
        cpu::tensor(rgb, spec)
    }

    /// Destroys the GPU device as a driver reset would, to exercise the fallback: the
    /// next call notices, switches to the CPU and still returns a correct result. Does
    /// nothing on the CPU path.
    pub fn simulate_device_loss(&self) {
        if let Some(gpu) = &self.gpu {
            tracing::warn!("destroying the GPU device on request");
            gpu.destroy_device();
        }
    }

    /// Handles a GPU failure: a per-call limit runs this call on the CPU; anything else
    /// drops the device and stays on the CPU with the reason.
    fn gpu_failed(&mut self, error: GpuError) {
        if error.is_per_call() {
            tracing::warn!("masking this frame on the CPU: {error}");
            return;
        }
        tracing::error!("GPU masking failed, switching to the CPU: {error}");
        self.gpu = None;
        self.backend = MaskBackend::Cpu {
            reason: format!("GPU failed: {error}"),
        };
    }
}

/// The preference [`MASK_ENV_VAR`]'s value asks for (`Auto` when unset or unknown).
fn from_env(value: Option<&str>) -> MaskPreference {
    let Some(value) = value else {
        return MaskPreference::Auto;
    };
    match value.trim().to_ascii_lowercase().as_str() {
        "cpu" => MaskPreference::Cpu,
        "gpu" => MaskPreference::Gpu,
        "" | "auto" => MaskPreference::Auto,
        other => {
            tracing::warn!("ignoring {MASK_ENV_VAR}={other}: expected cpu, gpu or auto");
            MaskPreference::Auto
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_environment_picks_the_preference() {
        assert_eq!(from_env(Some(" CPU ")), MaskPreference::Cpu);
        assert_eq!(from_env(Some("gpu")), MaskPreference::Gpu);
        for value in [None, Some(""), Some("auto"), Some("typo")] {
            assert_eq!(from_env(value), MaskPreference::Auto, "{value:?}");
        }
    }

    #[test]
    fn backends_describe_themselves() {
        let gpu = MaskBackend::Gpu {
            adapter_name: "llvmpipe".into(),
            backend: "vulkan".into(),
        };
        assert_eq!(gpu.to_string(), "GPU: llvmpipe (vulkan)");
        let cpu = MaskEngine::new(MaskPreference::Cpu);
        assert_eq!(
            cpu.backend().to_string(),
            "CPU (the CPU path was requested)"
        );
    }
}
