//! The inference core: the three SHARP networks through ONNX Runtime, and the glue around
//! them reproduced exactly from the SHARP code (see `shared/SHARP_SPEC.md`, sections 2, 4
//! and 5).
//!
//! - [`runtime()`] finds the ONNX Runtime library and creates the process's one environment.
//! - [`DepthModel`], [`PoseModel`] and [`ActionModel`] load a model on the requested
//!   [`ProviderRequest`], check its contract (names, shapes, element types, `sharp_viewer.*`
//!   metadata) before any run, warm it up, and report in [`ModelInfo`] which provider really
//!   runs it and how long loading took.
//! - [`depth_to_8bit`], [`decode_pose`] and [`ActionFrame`] / [`uniform_sample_indices`] /
//!   [`SlidingWindow`] are the pure post- and pre-processing steps of SHARP.
//! - [`ModelSet`] loads all three from a folder; a missing model is a state, not an error.
//! - [`RunCancel`] stops their runs from another thread when the frame went stale.
//! - [`mediapipe`] is the second pose backend: Google's pretrained MediaPipe Hands
//!   (palm detection + hand landmarks), shipped in `models/mediapipe/`.

mod action;
mod action_window;
mod buffers;
mod cancel;
mod contract;
mod depth;
mod error;
mod features;
pub mod mediapipe;
mod metadata;
mod model_set;
mod placement;
mod pose;
mod pose_decode;
mod providers;
mod runtime;
mod session;

pub use action::{
    ACTION_CLASSES, ACTION_FEATURES, ACTION_WINDOW, ActionModel, ActionPrediction, ActionScore,
    TOP_ACTIONS,
};
pub use action_window::{
    DEFAULT_WINDOW_SECONDS, SlidingWindow, torch_linspace_f32, uniform_sample_indices,
};
pub use cancel::RunCancel;
pub use contract::ModelKind;
pub use depth::{DepthModel, DepthOutput, depth_to_8bit};
pub use error::InferError;
pub use features::{ActionFrame, HandKeypoints, ObjectBox};
pub use metadata::FrameSize;
pub use model_set::{ModelPaths, ModelSet, ModelSlot, ModelStatus, Precision};
pub use placement::ProviderNodes;
pub use pose::{HEATMAP_COUNT, PoseModel, PoseRaw};
pub use pose_decode::{HandPresence, PosePrediction, decode_pose, hand_presence, soft_argmax};
pub use providers::{InferOptions, Provider, ProviderReport, ProviderRequest};
pub use runtime::{ORT_DYLIB_PATH, ORT_VERSION, Runtime, locate_library, runtime};
pub use session::ModelInfo;
