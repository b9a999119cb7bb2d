//! What travels between the UI, the source thread and the worker.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use image::RgbImage;

use crate::chain::{FrameReport, ProcessSettings, Processed, Stage};
use crate::infer::mediapipe::HandsInfo;
use crate::infer::{ModelKind, ModelStatus};
use crate::sample::SampleOptions;
use crate::source::camera::{CameraBackend, CameraStatus, CaptureConfig};
use crate::source::{Frame, IntrinsicsChoice, RecordingSummary, SourceInfo};

/// Which source to open.
#[derive(Clone, Debug)]
pub enum SourceSpec {
    /// An H2O take folder (or its `cam4`).
    Take(PathBuf),
    /// The generated sample in `dir`: generated first when it is not there yet.
    Sample {
        /// Where the sample dataset lives.
        dir: PathBuf,
        /// How to generate it.
        options: SampleOptions,
    },
    /// A video file.
    Video {
        /// The file.
        path: PathBuf,
        /// Where its intrinsics come from.
        intrinsics: IntrinsicsChoice,
    },
    /// A live camera.
    Camera(CameraSpec),
}

/// Which camera to open and how.
#[derive(Clone, Debug)]
pub struct CameraSpec {
    /// The camera system (nokhwa for real webcams; tests pass a fake).
    pub backend: Arc<dyn CameraBackend>,
    /// Index, mode and watchdog timings.
    pub config: CaptureConfig,
    /// Where its intrinsics come from.
    pub intrinsics: IntrinsicsChoice,
}

/// What happened to a recording.
#[derive(Clone, Debug)]
pub enum RecordingEvent {
    /// Recording into this take folder.
    Started(PathBuf),
    /// Frames written and dropped so far.
    Progress {
        /// Frames on disk.
        written: u64,
        /// Frames the writer could not keep up with.
        dropped: u64,
    },
    /// The recording ended.
    Finished(Box<RecordingSummary>),
    /// Recording could not start.
    Failed(String),
}

/// Which opening of a source a frame, preview or result comes from. Every source the
/// pipeline opens gets the next one, and it travels with each of its frames through the
/// worker, so a result still in flight from a source switched away from is told apart
/// from the new source's and dropped (see [`super::Pipeline::try_result`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct SourceGeneration(u64);

impl SourceGeneration {
    /// The generation of the next source opened.
    pub(super) fn next(self) -> Self {
        Self(self.0 + 1)
    }

    /// The generation as a number (0 before any source opened).
    pub fn number(self) -> u64 {
        self.0
    }

    /// The generation numbered `number` (see [`Self::number`]).
    pub(super) fn from_number(number: u64) -> Self {
        Self(number)
    }
}

/// A request for the frame at a timeline position, stamped so latency can be measured.
#[derive(Clone, Copy, Debug)]
pub struct Seek {
    /// Timeline position.
    pub position: usize,
    /// When the UI asked for it.
    pub requested: Instant,
}

/// A frame on its way to the worker.
pub(super) struct ToAnalyse {
    /// The frame as read.
    pub frame: Frame,
    /// The request it answers.
    pub seek: Seek,
    /// The opening of the source it comes from.
    pub generation: SourceGeneration,
}

/// A frame of a seekable source as soon as it is read, before the worker processes it,
/// so the RGB panel follows a dragged timeline at the decode rate while the analysis
/// panels catch up at the processing rate.
#[derive(Clone)]
pub struct Preview {
    /// The frame as read.
    pub frame: Frame,
    /// The opening of the source it comes from.
    pub generation: SourceGeneration,
    /// From the UI's request to the frame being read.
    pub latency: Duration,
}

/// Everything the panels show for one frame.
#[derive(Clone, Debug)]
pub struct FrameResult {
    /// The frame as read, with its ground truth.
    pub frame: Frame,
    /// The opening of the source the frame comes from.
    pub generation: SourceGeneration,
    /// What the SHARP chain computed.
    pub processed: Processed,
    /// Colour-mapped ground-truth depth, when the frame has depth.
    pub depth_view: Option<Arc<RgbImage>>,
    /// Colour-mapped pseudo-depth, when it was computed.
    pub pseudo_depth_view: Option<Arc<RgbImage>>,
    /// The settings the frame was processed with.
    pub settings: ProcessSettings,
    /// Time per stage, reading included.
    pub timings: Vec<(Stage, Duration)>,
    /// From the UI's request to the result being ready.
    pub latency: Duration,
    /// Problems with this frame (its annotations and its processing), with severities.
    pub problems: FrameReport,
    /// Where masking ran (GPU adapter or CPU, with the reason).
    pub mask_backend: String,
}

/// Notices from the pipeline to the UI.
#[derive(Clone, Debug)]
pub enum PipelineEvent {
    /// The sample generator is running.
    Generating {
        /// Frames written so far.
        done: usize,
        /// Frames to write.
        total: usize,
    },
    /// A source opened (or a live camera started streaming in a new format). Once the
    /// UI has read this, results and previews of earlier generations are dropped.
    Opened {
        /// What the source is.
        info: Box<SourceInfo>,
        /// Its opening; its frames, previews and results carry it.
        generation: SourceGeneration,
    },
    /// A source could not be opened; the previous one (if any) stays.
    OpenFailed(String),
    /// The live camera's state changed.
    Camera(CameraStatus),
    /// A recording started, progressed or ended.
    Recording(RecordingEvent),
    /// The models (re)loaded: the state of each.
    Models(Vec<(ModelKind, ModelStatus)>),
    /// The models (re)loaded: the state of MediaPipe Hands.
    Hands(ModelStatus<HandsInfo>),
    /// A frame could not be read.
    FrameFailed {
        /// Timeline position.
        position: usize,
        /// What went wrong.
        message: String,
    },
}
