//! Where frames come from, behind one trait so the pipeline does not care.
//!
//! Seekable sources ([`FrameSource`]): H2O takes on disk (also recorded sessions, which
//! are written in the H2O layout) and video files. A [`Scrubber`] puts a frame cache and
//! decode threads in front of one so dragging the timeline keeps up. Live cameras are
//! not seekable: [`camera`] runs them on capture threads behind their own traits.
//! [`DatasetCatalog`] indexes a dataset root for the browser, [`Recorder`] writes a live
//! session as a take.

mod cache;
pub mod camera;
mod catalog;
pub mod convert;
mod intrinsics;
mod path_kind;
mod prefetch;
mod recorder;
mod scrub;
mod take_source;
#[cfg(feature = "video")]
mod video;

use std::sync::Arc;
use std::time::Duration;

use image::RgbImage;

use crate::dataset::images::DepthMillimetres;
use crate::dataset::{DatasetError, FrameAnnotations};
use crate::geometry::CameraIntrinsics;

pub use cache::{CacheStats, FrameCache, frame_bytes};
pub use catalog::{CatalogTake, DatasetCatalog, SceneEntry, SubjectEntry, TakeHealth};
pub use intrinsics::{IntrinsicsChoice, IntrinsicsError, ResolvedIntrinsics, h2o_scaled};
pub use path_kind::{PathKind, VIDEO_EXTENSIONS, classify_path, has_extension};
pub use prefetch::{DecodePool, Decoded};
pub use recorder::{
    RecordError, Recorder, RecordingSummary, next_take_dir, own_pose_from_prediction,
};
pub use scrub::{DEFAULT_CACHE_BYTES, ScrubStats, Scrubber, Window, prefetch_order};
pub use take_source::TakeSource;
#[cfg(feature = "video")]
pub use video::{VideoError, VideoSource};

/// What kind of source frames come from; each kind keeps its own camera viewpoint
/// setting, so a choice made for the webcam does not carry over to a take.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum SourceKind {
    /// An H2O take (or the sample, or a recording).
    #[default]
    Take,
    /// A video file.
    Video,
    /// A live camera.
    Camera,
}

impl SourceKind {
    /// The kind in words, for the UI.
    pub fn name(self) -> &'static str {
        match self {
            Self::Take => "take",
            Self::Video => "video",
            Self::Camera => "camera",
        }
    }
}

/// What a source is, for the UI and the pipeline.
#[derive(Clone, Debug)]
pub struct SourceInfo {
    /// Short name shown in the title bar (e.g. `subject1/h1/0`).
    pub name: String,
    /// Take, video or camera.
    pub kind: SourceKind,
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
    /// Whether this is a live camera (no timeline: frames come as they are captured).
    pub live: bool,
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
    /// A video file could not be decoded.
    #[cfg(feature = "video")]
    #[error(transparent)]
    Video(#[from] VideoError),
    /// The reader panicked (a bug in a decoder); the frame is skipped.
    #[error("reading frame {position} crashed the decoder")]
    Panicked {
        /// The position being read.
        position: usize,
    },
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

    /// Another reader of the same frames, for a parallel decode thread; `None` when the
    /// source cannot be read in parallel.
    fn split_reader(&self) -> Option<Box<dyn FrameSource>> {
        None
    }

    /// Whether reading in order is much cheaper than jumping (video: frames depend on
    /// earlier ones), so read-ahead should not read backwards.
    fn sequential(&self) -> bool {
        false
    }
}
