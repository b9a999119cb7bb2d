//! The interface each exported model must have (see `models/README.md`): input and output
//! names, ranks, fixed dimensions and element types, checked before a model is ever run.

use std::fmt;

use ort::value::{Outlet, ValueType};

use super::action::{ACTION_CLASSES, ACTION_FEATURES, ACTION_WINDOW};
use super::pose::HEATMAP_COUNT;

/// The name of the exports' only free dimension, their first: the batch.
pub(crate) const BATCH_DIMENSION: &str = "batch";

/// The three SHARP networks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ModelKind {
    /// DPT-Hybrid pseudo-depth.
    Depth,
    /// EffHandEgoNet3D 3D hand pose.
    Pose,
    /// Hand3DActionTransformer action classifier.
    Action,
}

impl ModelKind {
    /// All kinds, in pipeline order.
    pub const ALL: [ModelKind; 3] = [ModelKind::Depth, ModelKind::Pose, ModelKind::Action];

    /// The file name the model has in a models folder.
    pub fn file_name(self) -> &'static str {
        match self {
            ModelKind::Depth => "depth.onnx",
            ModelKind::Pose => "pose.onnx",
            ModelKind::Action => "action.onnx",
        }
    }

    /// The value of the `sharp_viewer.contract` metadata key.
    pub fn contract_id(self) -> &'static str {
        match self {
            ModelKind::Depth => "depth-v1",
            ModelKind::Pose => "pose-v1",
            ModelKind::Action => "action-v1",
        }
    }

    /// Lower-case name for messages.
    pub fn name(self) -> &'static str {
        match self {
            ModelKind::Depth => "depth",
            ModelKind::Pose => "pose",
            ModelKind::Action => "action",
        }
    }

    pub(crate) fn spec(self) -> &'static ModelSpec {
        match self {
            ModelKind::Depth => &DEPTH,
            ModelKind::Pose => &POSE,
            ModelKind::Action => &ACTION,
        }
    }
}

impl fmt::Display for ModelKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One tensor of a contract: its name and its dimensions after the batch dimension.
#[derive(Debug)]
pub(crate) struct TensorSpec {
    pub name: &'static str,
    pub dims: &'static [usize],
}

impl TensorSpec {
    /// Number of values for a batch of one.
    pub fn len(&self) -> usize {
        self.dims.iter().product()
    }

    /// The shape of a batch of one.
    pub fn batch_of_one(&self) -> Vec<usize> {
        std::iter::once(1)
            .chain(self.dims.iter().copied())
            .collect()
    }

    fn describe(&self) -> String {
        let dims: Vec<String> = self.dims.iter().map(usize::to_string).collect();
        format!("[batch, {}]", dims.join(", "))
    }
}

/// The inputs and outputs of one model kind.
#[derive(Debug)]
pub(crate) struct ModelSpec {
    pub inputs: &'static [TensorSpec],
    pub outputs: &'static [TensorSpec],
}

static DEPTH: ModelSpec = ModelSpec {
    inputs: &[TensorSpec {
        name: "pixel_values",
        dims: &[3, 384, 384],
    }],
    outputs: &[TensorSpec {
        name: "predicted_depth",
        dims: &[384, 384],
    }],
};

static POSE: ModelSpec = ModelSpec {
    inputs: &[TensorSpec {
        name: "image",
        dims: &[3, 512, 512],
    }],
    outputs: &[
        TensorSpec {
            name: "heatmaps",
            dims: &[HEATMAP_COUNT, 128, 128],
        },
        TensorSpec {
            name: "left_handness",
            dims: &[2],
        },
        TensorSpec {
            name: "right_handness",
            dims: &[2],
        },
        TensorSpec {
            name: "z",
            dims: &[HEATMAP_COUNT],
        },
    ],
};

static ACTION: ModelSpec = ModelSpec {
    inputs: &[TensorSpec {
        name: "positions",
        dims: &[ACTION_WINDOW, ACTION_FEATURES],
    }],
    outputs: &[TensorSpec {
        name: "logits",
        dims: &[ACTION_CLASSES],
    }],
};

/// One dimension of a tensor as the model declares it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Dim {
    /// A fixed size.
    Fixed(i64),
    /// A dynamic size, with its symbolic name if it has one.
    Dynamic(String),
}

impl fmt::Display for Dim {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Dim::Fixed(size) => write!(f, "{size}"),
            Dim::Dynamic(name) if name.is_empty() => f.write_str("?"),
            Dim::Dynamic(name) => f.write_str(name),
        }
    }
}

/// A model input or output as declared in the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct TensorInfo {
    pub name: String,
    /// Element type (`f32`, `f64`, ...), or a description of a non-tensor value.
    pub element: String,
    pub shape: Vec<Dim>,
}

impl TensorInfo {
    /// Reads what ONNX Runtime reports for a session input or output.
    pub fn from_outlet(outlet: &Outlet) -> Self {
        let (element, shape) = match outlet.dtype() {
            ValueType::Tensor {
                ty,
                shape,
                dimension_symbols,
            } => (
                ty.to_string(),
                shape
                    .iter()
                    .enumerate()
                    .map(|(axis, &size)| {
                        if size >= 0 {
                            Dim::Fixed(size)
                        } else {
                            Dim::Dynamic(dimension_symbols.get(axis).cloned().unwrap_or_default())
                        }
                    })
                    .collect(),
            ),
            other => (format!("a non-tensor value ({other:?})"), Vec::new()),
        };
        Self {
            name: outlet.name().to_string(),
            element,
            shape,
        }
    }

    fn describe_shape(&self) -> String {
        let dims: Vec<String> = self.shape.iter().map(Dim::to_string).collect();
        format!("[{}]", dims.join(", "))
    }
}

/// Compares a model's declared inputs and outputs with the contract of `kind`; returns
/// one line per mismatch (empty when the model conforms).
///
/// The batch dimension may be dynamic or 1; every other dimension must be fixed and
/// equal to the contract. Extra outputs are ignored; extra inputs are refused because
/// they could not be fed.
pub(crate) fn check_interface(
    kind: ModelKind,
    inputs: &[TensorInfo],
    outputs: &[TensorInfo],
) -> Vec<String> {
    let spec = kind.spec();
    let mut problems = Vec::new();
    check_side("input", spec.inputs, inputs, &mut problems);
    check_side("output", spec.outputs, outputs, &mut problems);
    for extra in inputs
        .iter()
        .filter(|found| spec.inputs.iter().all(|want| want.name != found.name))
    {
        problems.push(format!(
            "unexpected input `{}` {}: the {kind} contract has only {}",
            extra.name,
            extra.describe_shape(),
            names(spec.inputs)
        ));
    }
    problems
}

fn check_side(side: &str, wanted: &[TensorSpec], found: &[TensorInfo], problems: &mut Vec<String>) {
    for want in wanted {
        let Some(tensor) = found.iter().find(|tensor| tensor.name == want.name) else {
            let present: Vec<String> = found.iter().map(|t| format!("`{}`", t.name)).collect();
            problems.push(format!(
                "{side} `{}` {} is missing (the model's {side}s are {})",
                want.name,
                want.describe(),
                present.join(", ")
            ));
            continue;
        };
        if tensor.element != "f32" {
            problems.push(format!(
                "{side} `{}` has element type {}, expected f32",
                want.name, tensor.element
            ));
        }
        if !shape_matches(&tensor.shape, want.dims) {
            problems.push(format!(
                "{side} `{}` has shape {}, expected {}",
                want.name,
                tensor.describe_shape(),
                want.describe()
            ));
        }
    }
}

fn shape_matches(found: &[Dim], dims: &[usize]) -> bool {
    let Some((batch, rest)) = found.split_first() else {
        return false;
    };
    let batch_ok = matches!(batch, Dim::Dynamic(_) | Dim::Fixed(1));
    batch_ok
        && rest.len() == dims.len()
        && rest
            .iter()
            .zip(dims)
            .all(|(dim, &want)| *dim == Dim::Fixed(want as i64))
}

fn names(tensors: &[TensorSpec]) -> String {
    let names: Vec<String> = tensors.iter().map(|t| format!("`{}`", t.name)).collect();
    names.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tensor(name: &str, element: &str, shape: &[Dim]) -> TensorInfo {
        TensorInfo {
            name: name.into(),
            element: element.into(),
            shape: shape.to_vec(),
        }
    }

    fn batch() -> Dim {
        Dim::Dynamic(BATCH_DIMENSION.into())
    }

    fn fixed(dims: &[i64]) -> Vec<Dim> {
        std::iter::once(batch())
            .chain(dims.iter().map(|&d| Dim::Fixed(d)))
            .collect()
    }

    fn action_io() -> (Vec<TensorInfo>, Vec<TensorInfo>) {
        (
            vec![tensor("positions", "f32", &fixed(&[20, 135]))],
            vec![tensor("logits", "f32", &fixed(&[36]))],
        )
    }

    #[test]
    fn a_conforming_model_has_no_problems() {
        let (inputs, outputs) = action_io();
        assert!(check_interface(ModelKind::Action, &inputs, &outputs).is_empty());
    }

    #[test]
    fn a_batch_of_exactly_one_is_accepted_but_not_two() {
        let (mut inputs, outputs) = action_io();
        inputs[0].shape[0] = Dim::Fixed(1);
        assert!(check_interface(ModelKind::Action, &inputs, &outputs).is_empty());
        inputs[0].shape[0] = Dim::Fixed(2);
        let problems = check_interface(ModelKind::Action, &inputs, &outputs);
        assert_eq!(
            problems,
            ["input `positions` has shape [2, 20, 135], expected [batch, 20, 135]"]
        );
    }

    #[test]
    fn wrong_shape_dtype_and_names_are_each_reported() {
        let inputs = vec![tensor("input", "f64", &fixed(&[20, 135]))];
        let outputs = vec![tensor("logits", "f16", &fixed(&[35]))];
        let problems = check_interface(ModelKind::Action, &inputs, &outputs);
        assert_eq!(
            problems,
            [
                "input `positions` [batch, 20, 135] is missing (the model's inputs are `input`)",
                "output `logits` has element type f16, expected f32",
                "output `logits` has shape [batch, 35], expected [batch, 36]",
                "unexpected input `input` [batch, 20, 135]: the action contract has only `positions`",
            ]
        );
    }

    #[test]
    fn unnamed_dynamic_dimensions_print_as_question_marks() {
        let inputs = vec![tensor(
            "positions",
            "f32",
            &[
                Dim::Dynamic(String::new()),
                Dim::Dynamic("t".into()),
                Dim::Fixed(135),
            ],
        )];
        let (_, outputs) = action_io();
        let problems = check_interface(ModelKind::Action, &inputs, &outputs);
        assert_eq!(
            problems,
            ["input `positions` has shape [?, t, 135], expected [batch, 20, 135]"]
        );
    }
}
