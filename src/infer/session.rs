//! Loading one model: session on the requested provider, contract check, warm-up, timings;
//! and running it on a batch of one.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use ort::memory::Allocator;
use ort::session::{IoBinding, Session};
use ort::value::Tensor;

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

/// A session that passed its contract, with what the UI shows about it, and its input and
/// output tensors: allocated once at load and bound to the session, so a run allocates
/// nothing (ONNX Runtime copies the input to the device and the outputs back into them).
pub(crate) struct LoadedModel {
    session: Session,
    binding: IoBinding,
    input: Tensor<f32>,
    outputs: Vec<Tensor<f32>>,
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
        let (binding, input, outputs) =
            bind_buffers(kind, &session).map_err(|message| InferError::Load {
                path: path.to_path_buf(),
                message: format!("could not allocate the model's buffers: {message}"),
            })?;
        let mut model = Self {
            session,
            binding,
            input,
            outputs,
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
        let started = Instant::now();
        model.run(&vec![0.0; kind.spec().inputs[0].len()])?;
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
        self.input.extract_tensor_mut().1.copy_from_slice(input);
        // Bound again each run: binding is when ONNX Runtime copies a host input to the
        // device.
        self.binding
            .bind_input(input_spec.name, &self.input)
            .map_err(|e| run_error(format!("could not bind the input: {e}")))?;
        let options = match &self.cancel {
            Some(cancel) if cancel.is_cancelled() => return Err(InferError::Cancelled { kind }),
            Some(cancel) => cancel.run_options(),
            None => None,
        };
        let outcome = match options {
            Some(options) => self
                .session
                .run_binding_with_options(&self.binding, options),
            None => self.session.run_binding(&self.binding),
        };
        if let Err(error) = outcome {
            return Err(match &self.cancel {
                Some(cancel) if cancel.is_cancelled() => InferError::Cancelled { kind },
                _ => run_error(format!("inference failed: {error}")),
            });
        }
        Ok(ModelOutputs {
            tensors: &self.outputs,
        })
    }
}

/// An I/O binding with its input tensor and one output tensor per contract output.
type BoundBuffers = (IoBinding, Tensor<f32>, Vec<Tensor<f32>>);

/// The input tensor and one output tensor per contract output, in host memory, bound to a
/// new I/O binding of `session`. (CUDA's page-locked allocator would spare a staging copy,
/// but onnxruntime-gpu 1.31 fails such bound outputs with "dst_data != src_data".)
fn bind_buffers(kind: ModelKind, session: &Session) -> Result<BoundBuffers, String> {
    let spec = kind.spec();
    let allocator = Allocator::default();
    let mut binding = session.create_binding().map_err(|e| e.to_string())?;
    let input =
        Tensor::<f32>::new(&allocator, spec.inputs[0].batch_of_one()).map_err(|e| e.to_string())?;
    let mut outputs = Vec::with_capacity(spec.outputs.len());
    for output in spec.outputs {
        let mut tensor =
            Tensor::<f32>::new(&allocator, output.batch_of_one()).map_err(|e| e.to_string())?;
        binding
            .bind_output(output.name, &mut tensor)
            .map_err(|e| format!("output `{}`: {e}", output.name))?;
        outputs.push(tensor);
    }
    Ok((binding, input, outputs))
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

fn read_metadata(session: &Session) -> Result<BTreeMap<String, String>, String> {
    let metadata = session.metadata().map_err(|e| e.to_string())?;
    let keys = metadata.custom_keys().map_err(|e| e.to_string())?;
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
