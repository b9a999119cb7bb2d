//! The three models of a models folder, each ready, missing or invalid.

use std::path::{Path, PathBuf};

use super::action::ActionModel;
use super::contract::ModelKind;
use super::depth::DepthModel;
use super::error::InferError;
use super::pose::PoseModel;
use super::providers::InferOptions;
use super::session::ModelInfo;

/// Where to find each model.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModelPaths {
    /// The depth model file.
    pub depth: PathBuf,
    /// The pose model file.
    pub pose: PathBuf,
    /// The action model file.
    pub action: PathBuf,
}

impl ModelPaths {
    /// `depth.onnx`, `pose.onnx` and `action.onnx` inside `folder`.
    pub fn in_folder(folder: &Path) -> Self {
        Self {
            depth: folder.join(ModelKind::Depth.file_name()),
            pose: folder.join(ModelKind::Pose.file_name()),
            action: folder.join(ModelKind::Action.file_name()),
        }
    }

    /// The default models folder: `models/` in the working directory if it exists, else
    /// `models/` of the source tree this binary was built from if that exists, else
    /// `models/` in the working directory (where the missing models are then expected).
    pub fn default_folder() -> PathBuf {
        let here = PathBuf::from("models");
        let source_tree = Path::new(env!("CARGO_MANIFEST_DIR")).join("models");
        [here.clone(), source_tree]
            .into_iter()
            .find(|folder| folder.is_dir())
            .unwrap_or(here)
    }

    /// The file of `kind`.
    pub fn path(&self, kind: ModelKind) -> &Path {
        match kind {
            ModelKind::Depth => &self.depth,
            ModelKind::Pose => &self.pose,
            ModelKind::Action => &self.action,
        }
    }
}

impl Default for ModelPaths {
    fn default() -> Self {
        Self::in_folder(&Self::default_folder())
    }
}

/// The state of one model.
#[derive(Debug)]
pub enum ModelSlot<M> {
    /// No file where the model was expected.
    Missing {
        /// Where it was looked for.
        expected_path: PathBuf,
        /// How to produce it.
        hint: String,
    },
    /// A file that could not be used: broken, wrong contract, provider failure, or no
    /// ONNX Runtime library.
    Invalid {
        /// The file.
        path: PathBuf,
        /// Why.
        error: InferError,
    },
    /// Loaded, validated and warmed up.
    Ready(M),
}

impl<M> ModelSlot<M> {
    /// The model, if ready.
    pub fn ready(&self) -> Option<&M> {
        match self {
            ModelSlot::Ready(model) => Some(model),
            _ => None,
        }
    }

    /// The model, if ready, for running it.
    pub fn ready_mut(&mut self) -> Option<&mut M> {
        match self {
            ModelSlot::Ready(model) => Some(model),
            _ => None,
        }
    }

    fn load(
        kind: ModelKind,
        path: &Path,
        options: &InferOptions,
        load: fn(&Path, &InferOptions) -> Result<M, InferError>,
    ) -> Self {
        if !path.exists() {
            let hint = missing_hint(kind);
            tracing::warn!("no {kind} model at {}: {hint}", path.display());
            return ModelSlot::Missing {
                expected_path: path.to_path_buf(),
                hint,
            };
        }
        match load(path, options) {
            Ok(model) => ModelSlot::Ready(model),
            Err(error) => {
                tracing::error!("{kind} model unusable: {error}");
                ModelSlot::Invalid {
                    path: path.to_path_buf(),
                    error,
                }
            }
        }
    }
}

/// The three networks, each in its own state. The worker thread that loads them owns
/// them (running a model needs `&mut`).
#[derive(Debug)]
pub struct ModelSet {
    /// Pseudo-depth.
    pub depth: ModelSlot<DepthModel>,
    /// 3D hand pose.
    pub pose: ModelSlot<PoseModel>,
    /// Action classifier.
    pub action: ModelSlot<ActionModel>,
}

impl ModelSet {
    /// Loads every model that exists; a missing one is a state, not an error.
    pub fn load(paths: &ModelPaths, options: &InferOptions) -> Self {
        Self {
            depth: ModelSlot::load(ModelKind::Depth, &paths.depth, options, DepthModel::load),
            pose: ModelSlot::load(ModelKind::Pose, &paths.pose, options, PoseModel::load),
            action: ModelSlot::load(ModelKind::Action, &paths.action, options, ActionModel::load),
        }
    }
}

/// What the UI shows about one model slot.
#[derive(Clone, Debug, PartialEq)]
pub enum ModelStatus {
    /// No file at `path`; `hint` says how to make one.
    Missing {
        /// Where it was looked for.
        path: PathBuf,
        /// How to produce it.
        hint: String,
    },
    /// The file at `path` is unusable.
    Invalid {
        /// The file.
        path: PathBuf,
        /// Why, in words.
        message: String,
    },
    /// Loaded: where from, which provider runs it, how long loading took.
    Ready(ModelInfo),
}

impl<M> ModelSlot<M> {
    /// The slot's status, given how to read a ready model's info.
    pub fn status(&self, info: impl Fn(&M) -> &ModelInfo) -> ModelStatus {
        match self {
            ModelSlot::Missing {
                expected_path,
                hint,
            } => ModelStatus::Missing {
                path: expected_path.clone(),
                hint: hint.clone(),
            },
            ModelSlot::Invalid { path, error } => ModelStatus::Invalid {
                path: path.clone(),
                message: error.to_string(),
            },
            ModelSlot::Ready(model) => ModelStatus::Ready(info(model).clone()),
        }
    }
}

impl ModelSet {
    /// The status of each model, in pipeline order (depth, pose, action).
    pub fn statuses(&self) -> [(ModelKind, ModelStatus); 3] {
        [
            (ModelKind::Depth, self.depth.status(DepthModel::info)),
            (ModelKind::Pose, self.pose.status(PoseModel::info)),
            (ModelKind::Action, self.action.status(ActionModel::info)),
        ]
    }
}

fn missing_hint(kind: ModelKind) -> String {
    let weights = match kind {
        ModelKind::Depth => "--depth-from-hub (DPT-Hybrid from HuggingFace)",
        ModelKind::Pose => "--pose-checkpoint <SHARP hand-pose .pth>",
        ModelKind::Action => "--action-checkpoint <SHARP action .pth>",
    };
    format!(
        "export it with `python models/export_onnx.py {weights}` on a machine with the \
         weights (see models/README.md), then put {} in the models folder",
        kind.file_name()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_model_set_can_move_to_the_worker_thread() {
        fn send<T: Send>() {}
        send::<ModelSet>();
    }

    #[test]
    fn a_folder_names_the_three_files() {
        let paths = ModelPaths::in_folder(Path::new("/m"));
        assert_eq!(paths.path(ModelKind::Depth), Path::new("/m/depth.onnx"));
        assert_eq!(paths.path(ModelKind::Pose), Path::new("/m/pose.onnx"));
        assert_eq!(paths.path(ModelKind::Action), Path::new("/m/action.onnx"));
    }

    #[test]
    fn missing_models_are_a_state_with_a_hint() {
        let dir = tempfile::tempdir().expect("temp dir");
        let set = ModelSet::load(&ModelPaths::in_folder(dir.path()), &InferOptions::default());
        for (kind, slot) in [
            (ModelKind::Depth, matches_missing(&set.depth)),
            (ModelKind::Pose, matches_missing(&set.pose)),
            (ModelKind::Action, matches_missing(&set.action)),
        ] {
            let (path, hint) = slot.unwrap_or_else(|| panic!("{kind} should be missing"));
            assert_eq!(path, dir.path().join(kind.file_name()));
            assert!(hint.contains("models/export_onnx.py") && hint.contains("models/README.md"));
        }
    }

    fn matches_missing<M>(slot: &ModelSlot<M>) -> Option<(PathBuf, String)> {
        match slot {
            ModelSlot::Missing {
                expected_path,
                hint,
            } => Some((expected_path.clone(), hint.clone())),
            _ => None,
        }
    }
}
