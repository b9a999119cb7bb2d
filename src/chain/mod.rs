//! SHARP's per-frame chain on the caller's thread: pseudo-depth -> range mask -> 3D hand
//! pose -> action, with the pseudo-depth cache and the depth look-ahead. The command-line
//! tools, the benchmark and figure export run it directly; the viewer's worker thread
//! ([`crate::pipeline`]) runs it on each frame it receives.

mod depth_ahead;
mod depth_cache;
mod hands_pose;
mod processor;
mod report;
mod settings;
mod stage;
mod temporal_state;

pub use crate::infer::mediapipe::Viewpoint;
pub use hands_pose::{
    HandsSettings, PoseBackend, RootDepthSource, SourceViewpoints, describe_roots,
};
pub use processor::{ActionOutcome, FrameProcessor, PoseOutcome, Processed};
pub use report::{FrameReport, NoticeTally, Problem, Severity};
pub use settings::{ACTION_WINDOW_SECONDS, ActionInput, MaskSettings, ProcessSettings};
pub use stage::Stage;
pub use temporal_state::{MAX_SMOOTHING_GAP_S, SmoothingMode, SmoothingSettings};
