//! Where frames come from: H2O takes on disk (and, later, webcams and video files),
//! behind one trait so the pipeline does not care.

mod take_source;

use std::sync::Arc;
use std::time::Duration;

use image::RgbImage;

use crate::dataset::images::DepthMillimetres;
use crate::dataset::{DatasetError, FrameAnnotations};
use crate::geometry::CameraIntrinsics;

pub use take_source::TakeSource;

/// What a source is, for the UI and the pipeline.
#[derive(Clone, Debug)]
pub struct SourceInfo {
    /// Short name shown in the title bar (e.g. `subject1/h1/0`).
    pub name: String,
    /// Number of frames on the timeline.
    pub frame_count: usize,
    /// Playback rate in frames per second.
    pub fps: f32,
    /// Camera intrinsics for projection and unprojection.
    pub intrinsics: CameraIntrinsics,
    /// Where the intrinsics came from, in words.
    pub intrinsics_origin: String,
    /// Whether the data is the generated synthetic sample.
    pub synthetic: bool,
    /// Whether frames carry ground-truth depth.
    pub has_depth: bool,
    /// Ground-truth action label per timeline position (empty when unknown).
    pub action_labels: Vec<Option<u32>>,
    /// Problems found when opening, one message each.
    pub problems: Vec<String>,
}

/// One frame and everything known about it.
#[derive(Clone, Debug)]
pub struct Frame {
    /// Position on the timeline (0-based).
    pub position: usize,
    /// Frame number in the source's own numbering (the H2O file number).
    pub number: u32,
    /// The RGB image.
    pub rgb: Arc<RgbImage>,
    /// Ground-truth depth in millimetres, when the source has it.
    pub depth_mm: Option<Arc<DepthMillimetres>>,
    /// Ground-truth annotations, where the source has them.
    pub annotations: FrameAnnotations,
    /// The camera that took the frame (for projection and unprojection).
    pub intrinsics: CameraIntrinsics,
    /// Time spent reading and decoding this frame.
    pub read_time: Duration,
}

/// Why a source could not deliver.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    /// The dataset on disk is broken at this point.
    #[error(transparent)]
    Dataset(#[from] DatasetError),
    /// A position past the end of the timeline was asked for.
    #[error("frame {position} is past the end of the source ({count} frames)")]
    OutOfRange {
        /// The position asked for.
        position: usize,
        /// Frames in the source.
        count: usize,
    },
}

/// A seekable source of frames.
pub trait FrameSource: Send {
    /// What this source is.
    fn info(&self) -> &SourceInfo;

    /// Reads the frame at timeline `position`.
    fn read(&mut self, position: usize) -> Result<Frame, SourceError>;
}
