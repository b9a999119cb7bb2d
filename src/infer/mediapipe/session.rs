//! Checking and running the two MediaPipe sessions (batch of one, float32).

use ort::session::Session;
use ort::value::TensorRef;

use super::error::{MediaPipeError, MediaPipeModel};

/// Name and shape of one tensor of a model's interface.
pub(crate) struct TensorSpec {
    pub name: &'static str,
    pub shape: &'static [i64],
}

impl TensorSpec {
    fn len(&self) -> usize {
        self.shape
            .iter()
            .map(|&d| d.unsigned_abs() as usize)
            .product()
    }
}

/// The interface a converted MediaPipe model must have (see models/mediapipe/README.md).
pub(crate) struct ModelSpec {
    pub model: MediaPipeModel,
    pub input: TensorSpec,
    pub outputs: &'static [TensorSpec],
}

/// Checks that `session` has exactly the spec's float32 input and outputs.
pub(crate) fn check_session(session: &Session, spec: &ModelSpec) -> Result<(), MediaPipeError> {
    let mut problems = Vec::new();
    let describe = |outlet: &ort::value::Outlet| {
        let dtype = outlet.dtype();
        let shape: Option<Vec<i64>> = dtype.tensor_shape().map(|s| s.iter().copied().collect());
        (dtype.tensor_type(), shape)
    };
    match session.inputs() {
        [only] if only.name() == spec.input.name => {
            let (ty, shape) = describe(only);
            check_tensor(&spec.input, ty, shape, "input", &mut problems);
        }
        inputs => problems.push(format!(
            "expected one input `{}`, found [{}]",
            spec.input.name,
            inputs
                .iter()
                .map(|i| i.name())
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
    let outputs = session.outputs();
    let names: Vec<&str> = outputs.iter().map(|o| o.name()).collect();
    let expected: Vec<&str> = spec.outputs.iter().map(|o| o.name).collect();
    if names != expected {
        problems.push(format!("expected outputs {expected:?}, found {names:?}"));
    } else {
        for (outlet, tensor) in outputs.iter().zip(spec.outputs) {
            let (ty, shape) = describe(outlet);
            check_tensor(tensor, ty, shape, "output", &mut problems);
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(MediaPipeError::Contract {
            model: spec.model,
            problems: problems.join("; "),
        })
    }
}

fn check_tensor(
    spec: &TensorSpec,
    ty: Option<ort::value::TensorElementType>,
    shape: Option<Vec<i64>>,
    role: &str,
    problems: &mut Vec<String>,
) {
    if ty != Some(ort::value::TensorElementType::Float32) {
        problems.push(format!(
            "{role} `{}` is {ty:?}, expected float32",
            spec.name
        ));
    }
    if shape.as_deref() != Some(spec.shape) {
        problems.push(format!(
            "{role} `{}` has shape {shape:?}, expected {:?}",
            spec.name, spec.shape
        ));
    }
}

/// Runs `session` on `input` (the spec's input shape) and returns every output,
/// flattened, in the spec's order.
pub(crate) fn run(
    session: &mut Session,
    spec: &ModelSpec,
    input: &[f32],
) -> Result<Vec<Vec<f32>>, MediaPipeError> {
    let error = |message: String| MediaPipeError::Run {
        model: spec.model,
        message,
    };
    if input.len() != spec.input.len() {
        return Err(error(format!(
            "input has {} values, expected {:?}",
            input.len(),
            spec.input.shape
        )));
    }
    let shape: Vec<usize> = spec
        .input
        .shape
        .iter()
        .map(|&d| d.unsigned_abs() as usize)
        .collect();
    let tensor = TensorRef::from_array_view((shape, input))
        .map_err(|e| error(format!("could not wrap the input: {e}")))?;
    let outputs = session
        .run(ort::inputs![spec.input.name => tensor])
        .map_err(|e| error(format!("inference failed: {e}")))?;
    spec.outputs
        .iter()
        .map(|output| {
            let value = outputs
                .get(output.name)
                .ok_or_else(|| error(format!("no output `{}`", output.name)))?;
            let (_, data) = value
                .try_extract_tensor::<f32>()
                .map_err(|e| error(format!("output `{}`: {e}", output.name)))?;
            if data.len() != output.len() {
                return Err(error(format!(
                    "output `{}` has {} values, expected shape {:?}",
                    output.name,
                    data.len(),
                    output.shape
                )));
            }
            Ok(data.to_vec())
        })
        .collect()
}
