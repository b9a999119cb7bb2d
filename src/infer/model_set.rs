//! The models of a models folder, each ready, missing or invalid: SHARP's three networks
//! and the MediaPipe Hands pair in its `mediapipe/` subfolder.

use std::path::{Path, PathBuf};

use super::action::ActionModel;
use super::cancel::RunCancel;
use super::contract::ModelKind;
use super::depth::DepthModel;
use super::error::InferError;
use super::mediapipe::{HandsInfo, HandsModel, MEDIAPIPE_FOLDER, ModelVariant};
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
    /// The folder with the MediaPipe Hands files.
    pub mediapipe: PathBuf,
    /// Which MediaPipe pair to load from it.
    pub mediapipe_variant: ModelVariant,
}

/// Which export of the models to load: `models/export_onnx.py --fp16` writes both.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Precision {
    /// `depth.onnx`, `pose.onnx`, `action.onnx`.
    #[default]
    Fp32,
    /// `depth_fp16.onnx`, `pose_fp16.onnx`, `action_fp16.onnx` (float16 weights and
    /// arithmetic, float32 inputs and outputs, so the contract is the same).
    Fp16,
}

impl ModelPaths {
    /// `depth.onnx`, `pose.onnx` and `action.onnx` inside `folder`, and MediaPipe's files
    /// in its `mediapipe/` subfolder when there is one, else in the default folder's (the
    /// MediaPipe models ship with the viewer, SHARP's are exported by the user).
    pub fn in_folder(folder: &Path) -> Self {
        Self::in_folder_at(folder, Precision::Fp32)
    }

    /// The three models of `precision` inside `folder`; MediaPipe's files as in
    /// [`ModelPaths::in_folder`].
    pub fn in_folder_at(folder: &Path, precision: Precision) -> Self {
        let file = |kind: ModelKind| match precision {
            Precision::Fp32 => folder.join(kind.file_name()),
            Precision::Fp16 => folder.join(kind.file_name().replace(".onnx", "_fp16.onnx")),
        };
        let own = folder.join(MEDIAPIPE_FOLDER);
        Self {
            depth: file(ModelKind::Depth),
            pose: file(ModelKind::Pose),
            action: file(ModelKind::Action),
            mediapipe: if own.is_dir() {
                own
            } else {
                Self::default_folder().join(MEDIAPIPE_FOLDER)
            },
            mediapipe_variant: ModelVariant::default(),
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

/// The networks, each in its own state. The worker thread that loads them owns them
/// (running a model needs `&mut`).
#[derive(Debug)]
pub struct ModelSet {
    /// Pseudo-depth.
    pub depth: ModelSlot<DepthModel>,
    /// 3D hand pose.
    pub pose: ModelSlot<PoseModel>,
    /// Action classifier.
    pub action: ModelSlot<ActionModel>,
    /// MediaPipe Hands, the second pose backend.
    pub hands: ModelSlot<HandsModel>,
}

impl ModelSet {
    /// Loads every model that exists; a missing one is a state, not an error.
    pub fn load(paths: &ModelPaths, options: &InferOptions) -> Self {
        Self {
            depth: ModelSlot::load(ModelKind::Depth, &paths.depth, options, DepthModel::load),
            pose: ModelSlot::load(ModelKind::Pose, &paths.pose, options, PoseModel::load),
            action: ModelSlot::load(ModelKind::Action, &paths.action, options, ActionModel::load),
            hands: load_hands(&paths.mediapipe, paths.mediapipe_variant, options),
        }
    }

    /// Lets `cancel` stop the runs of the SHARP networks (MediaPipe's runs take
    /// milliseconds and are not stopped).
    pub fn set_cancel(&mut self, cancel: &RunCancel) {
        if let ModelSlot::Ready(model) = &mut self.depth {
            model.set_cancel(cancel);
        }
        if let ModelSlot::Ready(model) = &mut self.pose {
            model.set_cancel(cancel);
        }
        if let ModelSlot::Ready(model) = &mut self.action {
            model.set_cancel(cancel);
        }
    }

    /// Loads only the models of `kinds` (a batch tool that needs one network does not pay
    /// for the others); the rest are missing with a hint saying why.
    pub fn load_only(paths: &ModelPaths, options: &InferOptions, kinds: &[ModelKind]) -> Self {
        fn slot<M>(
            kind: ModelKind,
            paths: &ModelPaths,
            options: &InferOptions,
            kinds: &[ModelKind],
            load: fn(&Path, &InferOptions) -> Result<M, InferError>,
        ) -> ModelSlot<M> {
            if kinds.contains(&kind) {
                ModelSlot::load(kind, paths.path(kind), options, load)
            } else {
                ModelSlot::Missing {
                    expected_path: paths.path(kind).to_path_buf(),
                    hint: "not loaded: this command does not use it".into(),
                }
            }
        }
        Self {
            depth: slot(ModelKind::Depth, paths, options, kinds, DepthModel::load),
            pose: slot(ModelKind::Pose, paths, options, kinds, PoseModel::load),
            action: slot(ModelKind::Action, paths, options, kinds, ActionModel::load),
            // MediaPipe Hands is the other pose backend: loaded with the pose network.
            hands: if kinds.contains(&ModelKind::Pose) {
                load_hands(&paths.mediapipe, paths.mediapipe_variant, options)
            } else {
                ModelSlot::Missing {
                    expected_path: paths.mediapipe.clone(),
                    hint: "not loaded: this command does not use it".into(),
                }
            },
        }
    }
}

/// The MediaPipe pair in `folder`, or why not.
fn load_hands(
    folder: &Path,
    variant: ModelVariant,
    options: &InferOptions,
) -> ModelSlot<HandsModel> {
    if let Some(missing) = HandsModel::missing_file(folder, variant) {
        let hint = "the MediaPipe Hands models ship in models/mediapipe/ of the source tree; \
                    models/mediapipe/convert_mediapipe.py reproduces them"
            .to_owned();
        tracing::warn!("no MediaPipe model at {}: {hint}", missing.display());
        return ModelSlot::Missing {
            expected_path: missing,
            hint,
        };
    }
    match HandsModel::load(folder, variant, options) {
        Ok(model) => ModelSlot::Ready(model),
        Err(error) => {
            tracing::error!("MediaPipe Hands unusable: {error}");
            ModelSlot::Invalid {
                path: folder.to_path_buf(),
                error,
            }
        }
    }
}

/// What the UI shows about one model slot; `I` is what is known about a ready model.
#[derive(Clone, Debug, PartialEq)]
pub enum ModelStatus<I = ModelInfo> {
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
    Ready(I),
}

impl<M> ModelSlot<M> {
    /// The slot's status, given how to read a ready model's info.
    pub fn status<I: Clone>(&self, info: impl Fn(&M) -> &I) -> ModelStatus<I> {
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

    /// The status of MediaPipe Hands.
    pub fn hands_status(&self) -> ModelStatus<HandsInfo> {
        self.hands.status(HandsModel::info)
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
        let fp16 = ModelPaths::in_folder_at(Path::new("/m"), Precision::Fp16);
        assert_eq!(fp16.path(ModelKind::Depth), Path::new("/m/depth_fp16.onnx"));
        assert_eq!(
            fp16.path(ModelKind::Action),
            Path::new("/m/action_fp16.onnx")
        );
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
