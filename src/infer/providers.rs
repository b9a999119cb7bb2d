//! Execution providers: what the caller asks for, how a session is built for it, and a
//! report of what really runs the model.

use std::fmt;
use std::num::NonZeroUsize;
use std::path::Path;

use ort::session::Session;
use ort::session::builder::SessionBuilder;

use super::error::InferError;
use super::placement::{RECORD_ASSIGNMENT, node_placement};
use super::runtime::{Runtime, runtime};

/// Which execution provider the caller wants.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum ProviderRequest {
    /// CUDA when this build and the loaded library can run the model there, else the CPU
    /// (the report says why).
    #[default]
    Auto,
    /// The CPU only.
    Cpu,
    /// CUDA or an error: never a silent fallback.
    Cuda,
}

impl fmt::Display for ProviderRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ProviderRequest::Auto => "auto",
            ProviderRequest::Cpu => "cpu",
            ProviderRequest::Cuda => "cuda",
        })
    }
}

/// The execution provider that runs (most of) a model.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Provider {
    /// ONNX Runtime's CPU provider.
    Cpu,
    /// ONNX Runtime's CUDA provider.
    Cuda,
}

impl fmt::Display for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Provider::Cpu => "CPU",
            Provider::Cuda => "CUDA",
        })
    }
}

/// What was asked for, what really runs, and why they differ.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProviderReport {
    /// The request.
    pub requested: ProviderRequest,
    /// The provider ONNX Runtime placed the model's nodes on (CUDA as soon as any node is
    /// on CUDA; ONNX Runtime keeps a few shape computations on the CPU even then).
    pub active: Provider,
    /// Why `auto` did not get CUDA; `None` when nothing fell back.
    pub fallback_reason: Option<String>,
    /// Nodes per execution provider as ONNX Runtime assigned them (`CUDAExecutionProvider`,
    /// `CPUExecutionProvider`).
    pub placement: Vec<(String, usize)>,
}

impl fmt::Display for ProviderReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (requested {}", self.active, self.requested)?;
        let nodes: Vec<String> = self
            .placement
            .iter()
            .map(|(ep, count)| format!("{count} nodes on {ep}"))
            .collect();
        if !nodes.is_empty() {
            write!(f, "; {}", nodes.join(", "))?;
        }
        if let Some(reason) = &self.fallback_reason {
            write!(f, "; fell back to the CPU because {reason}")?;
        }
        f.write_str(")")
    }
}

/// How models are loaded.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct InferOptions {
    /// Execution provider wanted.
    pub provider: ProviderRequest,
    /// Threads ONNX Runtime uses inside one operator; `None` means the machine's
    /// available parallelism.
    pub intra_threads: Option<NonZeroUsize>,
}

impl InferOptions {
    fn threads(&self) -> usize {
        self.intra_threads
            .or_else(|| std::thread::available_parallelism().ok())
            .map_or(1, NonZeroUsize::get)
    }
}

/// Opens `path` on the provider `options` asks for and reports where it really runs.
pub(crate) fn create_session(
    path: &Path,
    options: &InferOptions,
) -> Result<(Session, ProviderReport), InferError> {
    let runtime = runtime()?;
    match options.provider {
        ProviderRequest::Cpu => cpu_session(runtime, path, options, None),
        ProviderRequest::Cuda => cuda_session(runtime, path, options),
        ProviderRequest::Auto => cuda_session(runtime, path, options).or_else(|error| {
            let reason = match error {
                InferError::Cuda { message, .. } => message,
                InferError::CudaNotCompiled => {
                    "this build of SHARP Viewer has no CUDA support (cargo feature `cuda`)".into()
                }
                other => other.to_string(),
            };
            cpu_session(runtime, path, options, Some(reason))
        }),
    }
}

/// A session builder with the options every session gets: thread count and placement
/// recording.
fn builder(runtime: &Runtime, options: &InferOptions) -> Result<SessionBuilder, String> {
    let builder = Session::builder(runtime.environment()).map_err(|e| e.to_string())?;
    let builder = builder
        .with_intra_threads(options.threads())
        .map_err(|e| e.to_string())?;
    builder
        .with_config_entry(RECORD_ASSIGNMENT, "1")
        .map_err(|e| e.to_string())
}

fn cpu_session(
    runtime: &Runtime,
    path: &Path,
    options: &InferOptions,
    fallback_reason: Option<String>,
) -> Result<(Session, ProviderReport), InferError> {
    let load_error = |message: String| InferError::Load {
        path: path.to_path_buf(),
        message,
    };
    let session = builder(runtime, options)
        .map_err(load_error)?
        .commit_from_file(path)
        .map_err(|error| load_error(error.to_string()))?;
    let placement = node_placement(&session).map_err(load_error)?;
    let report = ProviderReport {
        requested: options.provider,
        active: Provider::Cpu,
        fallback_reason,
        placement,
    };
    Ok((session, report))
}

#[cfg(not(feature = "cuda"))]
fn cuda_session(
    _runtime: &Runtime,
    _path: &Path,
    _options: &InferOptions,
) -> Result<(Session, ProviderReport), InferError> {
    Err(InferError::CudaNotCompiled)
}

#[cfg(feature = "cuda")]
fn cuda_session(
    runtime: &Runtime,
    path: &Path,
    options: &InferOptions,
) -> Result<(Session, ProviderReport), InferError> {
    use ort::ep::{CUDA, ExecutionProvider};

    /// ONNX Runtime's name of the CUDA execution provider.
    const CUDA_EP: &str = "CUDAExecutionProvider";

    let library = runtime.library().display().to_string();
    let cuda_error = |message: String| InferError::Cuda {
        path: path.to_path_buf(),
        message,
    };
    if !CUDA::is_available().map_err(|error| cuda_error(error.to_string()))? {
        return Err(cuda_error(format!(
            "the ONNX Runtime library {library} was built without CUDA (install the \
             onnxruntime-gpu library and point ORT_DYLIB_PATH at it)"
        )));
    }
    let provider = CUDA::default().build().error_on_failure();
    let session = builder(runtime, options)
        .map_err(cuda_error)?
        .with_execution_providers([provider])
        .map_err(|error| cuda_error(format!("registering CUDA failed: {error}")))?
        .commit_from_file(path)
        .map_err(|error| cuda_error(error.to_string()))?;
    let placement = node_placement(&session).map_err(cuda_error)?;
    let on_cuda = placement
        .iter()
        .any(|(ep, count)| ep == CUDA_EP && *count > 0);
    if !on_cuda {
        return Err(cuda_error(format!(
            "CUDA registered, but ONNX Runtime placed no node on it ({})",
            describe(&placement)
        )));
    }
    let report = ProviderReport {
        requested: options.provider,
        active: Provider::Cuda,
        fallback_reason: None,
        placement,
    };
    Ok((session, report))
}

#[cfg(feature = "cuda")]
fn describe(placement: &[(String, usize)]) -> String {
    let parts: Vec<String> = placement
        .iter()
        .map(|(ep, count)| format!("{count} on {ep}"))
        .collect();
    parts.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_report_says_what_runs_and_why() {
        let report = ProviderReport {
            requested: ProviderRequest::Auto,
            active: Provider::Cpu,
            fallback_reason: Some("the library has no CUDA".into()),
            placement: vec![("CPUExecutionProvider".into(), 12)],
        };
        assert_eq!(
            report.to_string(),
            "CPU (requested auto; 12 nodes on CPUExecutionProvider; fell back to the CPU \
             because the library has no CUDA)"
        );
    }

    #[test]
    fn zero_threads_is_impossible_and_none_means_all_cores() {
        let options = InferOptions::default();
        assert!(options.threads() >= 1);
        let two = InferOptions {
            intra_threads: NonZeroUsize::new(2),
            ..options
        };
        assert_eq!(two.threads(), 2);
    }
}
