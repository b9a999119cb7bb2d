//! Loading one model: session on the requested provider, contract check, warm-up, timings;
//! and running it on a batch of one.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use ort::session::Session;
use ort::value::TensorRef;

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

/// A session that passed its contract, with what the UI shows about it.
pub(crate) struct LoadedModel {
    session: Session,
    info: ModelInfo,
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
        let mut model = Self {
            session,
            info: ModelInfo {
                kind,
                path: path.to_path_buf(),
                source,
                provider,
                load_time,
                warm_up_time: Duration::ZERO,
            },
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

    /// Runs the model on one input (batch of one, the contract's input shape) and returns
    /// each contract output, flattened, in contract order.
    pub fn run(&mut self, input: &[f32]) -> Result<Vec<Vec<f32>>, InferError> {
        let kind = self.info.kind;
        let spec = kind.spec();
        let input_spec = &spec.inputs[0];
        let shape = input_spec.batch_of_one();
        if input.len() != input_spec.len() {
            return Err(InferError::InputSize {
                kind,
                expected: input_spec.len(),
                found: input.len(),
                shape: format!("{shape:?}"),
            });
        }
        let run_error = |message: String| InferError::Run { kind, message };
        let tensor = TensorRef::from_array_view((shape, input))
            .map_err(|e| run_error(format!("could not wrap the input: {e}")))?;
        let outputs = self
            .session
            .run(ort::inputs![input_spec.name => tensor])
            .map_err(|e| run_error(format!("inference failed: {e}")))?;
        spec.outputs
            .iter()
            .map(|output| {
                let value = outputs
                    .get(output.name)
                    .ok_or_else(|| run_error(format!("no output `{}`", output.name)))?;
                let (found, data) = value
                    .try_extract_tensor::<f32>()
                    .map_err(|e| run_error(format!("output `{}`: {e}", output.name)))?;
                let expected = output.batch_of_one();
                if found.len() != expected.len()
                    || found.iter().zip(&expected).any(|(&f, &e)| f != e as i64)
                {
                    return Err(run_error(format!(
                        "output `{}` has shape {found:?}, expected {expected:?}",
                        output.name
                    )));
                }
                Ok(data.to_vec())
            })
            .collect()
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
