//! What the chain is asked to compute for a frame: masking, the pose backend, the action
//! classifier's input and window.

use super::hands_pose::{HandsSettings, PoseBackend};
use super::temporal_state::SmoothingSettings;
use crate::mask::{DepthRange, DepthUnit};

/// How frames are masked before the pose network.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MaskSettings {
    /// Which depth map decides (its unit says how to read the range).
    pub depth: DepthUnit,
    /// Kept range; `None` turns masking off.
    pub range: Option<DepthRange>,
}

/// Seconds of frames the live action window covers by default.
pub const ACTION_WINDOW_SECONDS: f32 = 2.0;

/// Which hand poses feed the action classifier.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum ActionInput {
    /// The pose network's predictions (what a live demo has).
    PredictedPoses,
    /// The take's ground-truth `hand_pose` annotations (SHARP's `gt_hand_pose`).
    GroundTruthPoses,
}

/// What to compute for a frame.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ProcessSettings {
    /// How to mask the pose network's input.
    pub mask: MaskSettings,
    /// Run the depth network even when the mask does not need it, to show pseudo-depth.
    pub estimate_depth: bool,
    /// Which poses the action classifier reads.
    pub action_input: ActionInput,
    /// Seconds of consecutive frames the action window covers.
    pub action_window_seconds: f32,
    /// Which network finds the hands; both read the masked frame when masking is on.
    pub pose_backend: PoseBackend,
    /// How MediaPipe's hands are labelled and placed (used with
    /// [`PoseBackend::MediaPipe`]).
    pub hands: HandsSettings,
    /// Whether and how the joints are smoothed over time (with hand identities kept).
    pub smoothing: SmoothingSettings,
}

impl ProcessSettings {
    /// Whether frames get a pseudo-depth map: asked for, or needed by the mask or by
    /// MediaPipe's hand depth.
    pub fn needs_pseudo_depth(&self) -> bool {
        self.estimate_depth
            || (self.mask.depth == DepthUnit::InverseDepth8 && self.mask.range.is_some())
            || (self.pose_backend == PoseBackend::MediaPipe
                && self.hands.root_depth == super::hands_pose::RootDepthSource::PseudoDepth)
    }
}
