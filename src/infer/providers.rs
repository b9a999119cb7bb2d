//! Execution providers: what the caller asks for, how a session is built for it, and a
//! report of what really runs the model.

use std::fmt;
use std::num::NonZeroUsize;
use std::path::Path;

use ort::session::Session;
use ort::session::builder::SessionBuilder;

use super::contract::BATCH_DIMENSION;
use super::error::InferError;
use super::placement::{ProviderNodes, RECORD_ASSIGNMENT, node_placement};
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
    pub placement: Vec<ProviderNodes>,
    /// Whether runs replay a captured CUDA graph (asked for with
    /// [`InferOptions::cuda_graph`], and only on CUDA).
    pub cuda_graph: bool,
}

impl ProviderReport {
    /// Shape reads left in the graph after ONNX Runtime's constant folding, on any
    /// provider. Zero for this project's exports, whose only free dimension (`batch`) is
    /// fixed to one at load.
    pub fn shape_reads(&self) -> usize {
        self.placement.iter().map(|entry| entry.shape_reads).sum()
    }
}

impl fmt::Display for ProviderReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (requested {}", self.active, self.requested)?;
        if !self.placement.is_empty() {
            write!(f, "; {}", describe(&self.placement))?;
        }
        if self.cuda_graph {
            f.write_str("; replays a CUDA graph")?;
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
    /// On CUDA, capture each model's kernel launches once as a CUDA graph and replay it on
    /// every run (inputs and outputs then live in GPU memory at fixed addresses). Needs every
    /// node on CUDA; a model that cannot is a load error, never a silent fallback. No effect
    /// on the CPU.
    pub cuda_graph: bool,
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
    if options.cuda_graph && options.provider == ProviderRequest::Cpu {
        tracing::warn!(
            "{}: a CUDA graph was asked for, but the CPU provider was chosen; running without",
            path.display()
        );
    }
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

/// A session builder with the options every session gets: thread count, placement
/// recording, and the batch dimension fixed to one (every run is a batch of one). With no
/// free dimension left, ONNX Runtime folds the graph's shape computations at load instead of
/// running them, on the host, every frame.
fn builder(runtime: &Runtime, options: &InferOptions) -> Result<SessionBuilder, ort::Error> {
    Ok(Session::builder(runtime.environment())?
        .with_intra_threads(options.threads())?
        .with_config_entry(RECORD_ASSIGNMENT, "1")?
        .with_dimension_override(BATCH_DIMENSION, 1)?)
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
        .map_err(|error| load_error(error.to_string()))?
        .commit_from_file(path)
        .map_err(|error| load_error(error.to_string()))?;
    let placement = node_placement(&session).map_err(|error| load_error(error.to_string()))?;
    let report = ProviderReport {
        requested: options.provider,
        active: Provider::Cpu,
        fallback_reason,
        placement,
        cuda_graph: false,
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
    let provider = CUDA::default()
        .with_cuda_graph(options.cuda_graph)
        .build()
        .error_on_failure();
    let session = builder(runtime, options)
        .map_err(|error| cuda_error(error.to_string()))?
        .with_execution_providers([provider])
        .map_err(|error| cuda_error(format!("registering CUDA failed: {error}")))?
        .commit_from_file(path)
        .map_err(|error| cuda_error(error.to_string()))?;
    let placement = node_placement(&session).map_err(|error| cuda_error(error.to_string()))?;
    let on_cuda = placement
        .iter()
        .any(|entry| entry.provider == CUDA_EP && entry.nodes > 0);
    if !on_cuda {
        return Err(cuda_error(format!(
            "CUDA registered, but ONNX Runtime placed no node on it ({})",
            describe(&placement)
        )));
    }
    let off_cuda: usize = placement
        .iter()
        .filter(|entry| entry.provider != CUDA_EP)
        .map(|entry| entry.nodes)
        .sum();
    if options.cuda_graph && off_cuda > 0 {
        return Err(cuda_error(format!(
            "a CUDA graph needs every node on CUDA, but {off_cuda} are elsewhere ({})",
            describe(&placement)
        )));
    }
    let report = ProviderReport {
        requested: options.provider,
        active: Provider::Cuda,
        fallback_reason: None,
        placement,
        cuda_graph: options.cuda_graph,
    };
    Ok((session, report))
}

/// "N nodes on PROVIDER (M shape reads)", joined by commas.
fn describe(placement: &[ProviderNodes]) -> String {
    let parts: Vec<String> = placement
        .iter()
        .map(|entry| match entry.shape_reads {
            0 => format!("{} nodes on {}", entry.nodes, entry.provider),
            reads => format!(
                "{} nodes on {} ({reads} shape reads run every call)",
                entry.nodes, entry.provider
            ),
        })
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
            placement: vec![ProviderNodes {
                provider: "CPUExecutionProvider".into(),
                nodes: 12,
                shape_reads: 0,
            }],
            cuda_graph: false,
        };
        assert_eq!(
            report.to_string(),
            "CPU (requested auto; 12 nodes on CPUExecutionProvider; fell back to the CPU \
             because the library has no CUDA)"
        );
        let dynamic = ProviderReport {
            requested: ProviderRequest::Cuda,
            active: Provider::Cuda,
            fallback_reason: None,
            placement: vec![
                ProviderNodes {
                    provider: "CUDAExecutionProvider".into(),
                    nodes: 1400,
                    shape_reads: 0,
                },
                ProviderNodes {
                    provider: "CPUExecutionProvider".into(),
                    nodes: 74,
                    shape_reads: 9,
                },
            ],
            cuda_graph: true,
        };
        assert_eq!(dynamic.shape_reads(), 9);
        assert_eq!(
            dynamic.to_string(),
            "CUDA (requested cuda; 1400 nodes on CUDAExecutionProvider, 74 nodes on \
             CPUExecutionProvider (9 shape reads run every call); replays a CUDA graph)"
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
