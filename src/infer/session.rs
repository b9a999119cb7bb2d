//! Loading one model: session on the requested provider, contract check, warm-up, timings;
//! and running it on a batch of one.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use ort::session::Session;
use ort::value::Tensor;

use super::buffers::{BoundBuffers, Residence};
use super::cancel::RunCancel;
use super::contract::{ModelKind, TensorInfo, check_interface};
use super::error::InferError;
use super::metadata::{Details, parse_metadata};
use super::providers::{InferOptions, ProviderReport, create_session};

/// What is known about a loaded model, for the UI and the logs.
#[derive(Clone, Debug, PartialEq)]
pub struct ModelInfo {
    /// Which network.
    pub kind: ModelKind,
    /// The file it was loaded from.
    pub path: PathBuf,
    /// Where its weights came from (`sharp_viewer.source`).
    pub source: String,
    /// Requested and active execution provider.
    pub provider: ProviderReport,
    /// Time to create the ONNX Runtime session.
    pub load_time: Duration,
    /// Time of the first (dummy) run, done at load because the first CUDA run is slow.
    pub warm_up_time: Duration,
}

/// A session that passed its contract, with what the UI shows about it, and its bound input
/// and output tensors.
pub(crate) struct LoadedModel {
    session: Session,
    buffers: BoundBuffers,
    info: ModelInfo,
    cancel: Option<RunCancel>,
}

/// The outputs of one run, in contract order, borrowed from the model's bound tensors.
pub(crate) struct ModelOutputs<'a> {
    tensors: &'a [Tensor<f32>],
}

impl<'a> ModelOutputs<'a> {
    /// Output `index` (contract order), flattened.
    pub fn get(&self, index: usize) -> &'a [f32] {
        self.tensors
            .get(index)
            .map_or(&[], |t| t.extract_tensor().1)
    }
}

impl fmt::Debug for LoadedModel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoadedModel")
            .field("info", &self.info)
            .finish_non_exhaustive()
    }
}

impl LoadedModel {
    /// Opens `path` as a `kind` model: session, contract check, one warm-up run.
    pub fn load(
        kind: ModelKind,
        path: &Path,
        options: &InferOptions,
    ) -> Result<(Self, Details), InferError> {
        let started = Instant::now();
        let (session, provider) = create_session(path, options)?;
        let load_time = started.elapsed();
        let (source, details) = validate(kind, path, &session)?;
        let buffers =
            BoundBuffers::new(kind, &session, residence(&provider)).map_err(|message| {
                InferError::Load {
                    path: path.to_path_buf(),
                    message: format!("could not allocate the model's buffers: {message}"),
                }
            })?;
        let mut model = Self {
            session,
            buffers,
            info: ModelInfo {
                kind,
                path: path.to_path_buf(),
                source,
                provider,
                load_time,
                warm_up_time: Duration::ZERO,
            },
            cancel: None,
        };
        // A CUDA graph is captured on a run after the first; warming up with it makes the
        // first frame as fast as the rest.
        let warm_up_runs = if model.info.provider.cuda_graph { 2 } else { 1 };
        let started = Instant::now();
        let zeros = vec![0.0; kind.spec().inputs[0].len()];
        for _ in 0..warm_up_runs {
            model.run(&zeros)?;
        }
        model.info.warm_up_time = started.elapsed();
        log_loaded(&model.info);
        Ok((model, details))
    }

    pub fn info(&self) -> &ModelInfo {
        &self.info
    }

    /// Lets `cancel` stop this model's runs.
    pub fn set_cancel(&mut self, cancel: &RunCancel) {
        self.cancel = Some(cancel.clone());
    }

    /// Runs the model on one input (batch of one, the contract's input shape); the
    /// outputs are the model's bound buffers, valid until the next run.
    pub fn run(&mut self, input: &[f32]) -> Result<ModelOutputs<'_>, InferError> {
        let kind = self.info.kind;
        let input_spec = &kind.spec().inputs[0];
        if input.len() != input_spec.len() {
            return Err(InferError::InputSize {
                kind,
                expected: input_spec.len(),
                found: input.len(),
                shape: format!("{:?}", input_spec.batch_of_one()),
            });
        }
        let run_error = |message: String| InferError::Run { kind, message };
        let options = match &self.cancel {
            Some(cancel) if cancel.is_cancelled() => return Err(InferError::Cancelled { kind }),
            Some(cancel) => cancel.run_options(),
            None => None,
        };
        self.buffers
            .stage_input(input)
            .map_err(|error| run_error(error.to_string()))?;
        let outcome = match options {
            Some(options) => self
                .session
                .run_binding_with_options(self.buffers.binding(), options),
            None => self.session.run_binding(self.buffers.binding()),
        }
        .map(drop);
        if let Err(error) = outcome {
            return Err(match &self.cancel {
                Some(cancel) if cancel.is_cancelled() => InferError::Cancelled { kind },
                _ => run_error(format!("inference failed: {error}")),
            });
        }
        let tensors = self
            .buffers
            .collect_outputs()
            .map_err(|error| run_error(error.to_string()))?;
        Ok(ModelOutputs { tensors })
    }
}

/// Where a model's bound tensors live: in the provider's memory when a CUDA graph replays
/// the model (it needs fixed device addresses), in host memory otherwise.
fn residence(provider: &ProviderReport) -> Residence {
    if provider.cuda_graph {
        Residence::Provider(ort::memory::AllocationDevice::CUDA)
    } else {
        Residence::Host
    }
}

/// Checks the session's interface and metadata against the contract of `kind`, before
/// anything runs; every problem goes into one error naming the file.
fn validate(
    kind: ModelKind,
    path: &Path,
    session: &Session,
) -> Result<(String, Details), InferError> {
    let inputs: Vec<TensorInfo> = session
        .inputs()
        .iter()
        .map(TensorInfo::from_outlet)
        .collect();
    let outputs: Vec<TensorInfo> = session
        .outputs()
        .iter()
        .map(TensorInfo::from_outlet)
        .collect();
    let mut problems = check_interface(kind, &inputs, &outputs);
    match read_metadata(session).map(|map| parse_metadata(kind, &map)) {
        Ok(Ok(metadata)) if problems.is_empty() => return Ok((metadata.source, metadata.details)),
        Ok(Ok(_)) => {}
        Ok(Err(more)) => problems.extend(more),
        Err(message) => problems.push(format!("could not read the model metadata: {message}")),
    }
    Err(InferError::Contract {
        path: path.to_path_buf(),
        problems,
    })
}

fn read_metadata(session: &Session) -> Result<BTreeMap<String, String>, ort::Error> {
    let metadata = session.metadata()?;
    let keys = metadata.custom_keys()?;
    Ok(keys
        .into_iter()
        .filter_map(|key| metadata.custom(&key).map(|value| (key, value)))
        .collect())
}

fn log_loaded(info: &ModelInfo) {
    let message = format!(
        "{} model {} runs on {}: {}; load {:.3} s, warm-up {:.3} s",
        info.kind,
        info.path.display(),
        info.provider.active,
        info.provider,
        info.load_time.as_secs_f64(),
        info.warm_up_time.as_secs_f64()
    );
    if info.provider.fallback_reason.is_some() {
        tracing::warn!("{message}");
    } else {
        tracing::info!("{message}");
    }
}
