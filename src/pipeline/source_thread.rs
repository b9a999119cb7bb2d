//! The source thread: opens sources and feeds the worker.
//!
//! A seekable source (take, video) sits behind a [`Scrubber`]: the newest requested
//! position is answered from the frame cache or decoded first by the decode threads,
//! which read ahead of the play head meanwhile; pending seeks are coalesced so only the
//! newest is served, while the frame last asked for is still shown when it arrives.
//! Each served frame goes both to the worker and, as a [`Preview`], straight to the UI. A
//! live camera runs on its capture threads; every captured frame is forwarded (latest
//! wins) and, while recording, handed to the [`Recorder`].

use std::ops::ControlFlow;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender, never, select};

use super::Repaint;
use super::messages::{
    CameraSpec, PipelineEvent, Preview, RecordingEvent, Seek, SourceGeneration, SourceSpec,
    ToAnalyse,
};
use super::worker::WorkerCommand;
use crate::channel::LatestSender;
use crate::dataset::discover_takes;
use crate::dataset::own_pose::PredictedPoseFile;
use crate::sample::{self, SampleProgress};
use crate::source::camera::{Capture, CaptureFormat, CapturedFrame};
use crate::source::{
    DEFAULT_CACHE_BYTES, Decoded, Frame, FrameSource, Recorder, ScrubStats, Scrubber, SourceError,
    SourceInfo, TakeSource, h2o_scaled, next_take_dir,
};

/// Most decode threads per source.
const MAX_DECODE_THREADS: usize = 4;
/// Recording progress is reported at most this often.
const PROGRESS_INTERVAL: Duration = Duration::from_millis(500);

/// Commands the source thread obeys.
pub(super) enum SourceCommand {
    Open(SourceSpec),
    Seek(Seek),
    SetCacheBudget(usize),
    HoldAnalysis(bool),
    StartRecording(PathBuf),
    StopRecording,
    /// Asks for another reader of the open seekable source (`None` for a camera, nothing
    /// open, or a source that cannot be read in parallel).
    Reader(Sender<Option<Box<dyn crate::source::FrameSource>>>),
}

/// The pose the worker predicted for a live frame, for the recorder.
pub(super) struct LivePose {
    /// The frame's capture number (`Frame::number`).
    pub capture: u64,
    /// The pose in the recorded frame's pixels, and the hands' presence.
    pub pose: PredictedPoseFile,
    /// Whether it came from a range-masked frame.
    pub masked: bool,
}

/// Shared scrubbing counters, read by the UI and the benchmark.
pub(super) type SharedStats = Arc<Mutex<ScrubStats>>;

/// Why a source could not be opened (told to the UI as [`PipelineEvent::OpenFailed`]).
#[derive(Debug, thiserror::Error)]
enum OpenError {
    /// The take, the video or the sample's folder could not be read.
    #[error(transparent)]
    Source(#[from] SourceError),
    /// A video was asked of a build without FFmpeg.
    #[cfg(not(feature = "video"))]
    #[error(
        "{}: this build of SHARP Viewer has no video support (cargo feature `video`)",
        .0.display()
    )]
    NoVideoSupport(PathBuf),
    /// A camera spec reached the seekable path.
    #[error("a camera is not a seekable source")]
    NotSeekable,
    /// The scrubber's decode threads did not start.
    #[error("cannot start the decode threads: {0}")]
    DecodeThreads(std::io::Error),
    /// The sample could not be generated.
    #[error("could not generate the sample: {0}")]
    Sample(sample::SampleError),
    /// The generated sample holds no take.
    #[error("{}: the sample has no take", .0.display())]
    EmptySample(PathBuf),
    /// The camera's capture threads did not start.
    #[error("cannot start the camera threads: {0}")]
    CameraThreads(std::io::Error),
}

/// A live camera being captured.
struct Live {
    capture: Capture,
    spec: CameraSpec,
    info: SourceInfo,
    format: Option<CaptureFormat>,
}

enum Active {
    Nothing,
    Seekable(Box<Scrubber>),
    Live(Box<Live>),
}

/// What the source thread receives from and sends to the other threads.
pub(super) struct SourceLinks {
    /// Commands from the UI.
    pub commands: Receiver<SourceCommand>,
    /// Live frames' poses from the worker, for the recorder.
    pub poses: Receiver<LivePose>,
    /// Frames to analyse (newest wins).
    pub frames: LatestSender<ToAnalyse>,
    /// Frames of seekable sources for the UI (newest wins).
    pub previews: LatestSender<Preview>,
    /// Commands for the worker.
    pub worker: Sender<WorkerCommand>,
    /// Notices for the UI.
    pub events: Sender<PipelineEvent>,
    /// Wakes the UI.
    pub repaint: Repaint,
    /// Scrubbing counters, published for the UI and the benchmark.
    pub stats: SharedStats,
    /// Set when the pipeline is being dropped: long work (generating the sample) stops.
    pub stopping: Arc<AtomicBool>,
}

/// Runs until the command channel closes.
pub(super) fn run(links: SourceLinks) {
    let SourceLinks {
        commands,
        mut poses,
        frames,
        previews,
        worker,
        events,
        repaint,
        stats,
        stopping,
    } = links;
    let mut thread = SourceThread {
        frames,
        previews,
        worker,
        events,
        repaint,
        stats,
        stopping,
        active: Active::Nothing,
        generation: SourceGeneration::default(),
        pending: None,
        demanded: None,
        budget: DEFAULT_CACHE_BYTES,
        hold_analysis: false,
        held: None,
        recorder: None,
        last_progress: Instant::now(),
    };
    loop {
        let decoded = match &thread.active {
            Active::Seekable(scrubber) => scrubber.results().clone(),
            _ => never(),
        };
        let (live_frames, live_status) = match &thread.active {
            Active::Live(live) => (
                live.capture.frames().as_receiver().clone(),
                live.capture.statuses().clone(),
            ),
            _ => (never(), never()),
        };
        select! {
            recv(commands) -> command => {
                let Ok(first) = command else { break };
                for command in std::iter::once(first).chain(commands.try_iter()) {
                    thread.obey(command);
                }
            }
            recv(decoded) -> decoded => {
                if let Ok(decoded) = decoded {
                    thread.on_decoded(decoded);
                }
            }
            recv(live_frames) -> frame => {
                if let Ok(frame) = frame {
                    thread.on_live_frame(frame);
                }
            }
            recv(live_status) -> status => {
                if let Ok(status) = status {
                    thread.notify(PipelineEvent::Camera(status));
                }
            }
            recv(poses) -> pose => match pose {
                Ok(pose) => thread.record_pose(pose),
                // The worker stopped; the pipeline is ending.
                Err(_) => poses = never(),
            },
        }
        thread.serve_pending();
        (thread.repaint)();
    }
    thread.stop_recording();
}

struct SourceThread {
    frames: LatestSender<ToAnalyse>,
    /// Frames of seekable sources for the UI, sent before the worker sees them.
    previews: LatestSender<Preview>,
    /// Told when a source starts, so it resets its per-source state.
    worker: Sender<WorkerCommand>,
    events: Sender<PipelineEvent>,
    repaint: Repaint,
    stats: SharedStats,
    stopping: Arc<AtomicBool>,
    active: Active,
    /// The opening of the active source; its frames carry it.
    generation: SourceGeneration,
    /// The newest seek not yet answered, and whether the scrubber was asked for it.
    pending: Option<(Seek, bool)>,
    /// The last seek the decode threads were asked for. Its frame is shown when it
    /// arrives even if a newer seek is pending by then, so dragging faster than frames
    /// decode still shows frames (slightly behind) instead of none.
    demanded: Option<Seek>,
    budget: usize,
    /// While set, served frames go to the UI only; the newest is kept in `held` and
    /// analysed once the hold ends.
    hold_analysis: bool,
    held: Option<ToAnalyse>,
    recorder: Option<Recorder>,
    last_progress: Instant,
}

impl SourceThread {
    fn obey(&mut self, command: SourceCommand) {
        match command {
            SourceCommand::Open(spec) => self.open(spec),
            SourceCommand::Seek(seek) => self.pending = Some((seek, false)),
            SourceCommand::SetCacheBudget(bytes) => {
                self.budget = bytes;
                if let Active::Seekable(scrubber) = &mut self.active {
                    scrubber.set_budget(bytes);
                    publish(&self.stats, scrubber.stats());
                }
            }
            SourceCommand::HoldAnalysis(hold) => {
                self.hold_analysis = hold;
                if !hold && let Some(held) = self.held.take() {
                    self.frames.send(held);
                }
            }
            SourceCommand::StartRecording(root) => self.start_recording(root),
            SourceCommand::StopRecording => self.stop_recording(),
            SourceCommand::Reader(answer) => {
                let reader = match &self.active {
                    Active::Seekable(scrubber) => scrubber.reader(),
                    _ => None,
                };
                // The asker may have given up; nobody is left to tell.
                let _ = answer.send(reader);
            }
        }
    }

    /// Writes a live frame's pose when a recording runs (it is ignored otherwise).
    fn record_pose(&mut self, pose: LivePose) {
        if let Some(recorder) = &mut self.recorder {
            recorder.push_pose(pose.capture, &pose.pose, pose.masked);
        }
    }

    /// Tells the worker and the UI that a source (or a new camera format) started.
    fn start_source(&self, info: SourceInfo) {
        // The worker going away ends the pipeline anyway.
        let _ = self.worker.send(WorkerCommand::StartSource {
            fps: info.fps,
            live: info.live,
            kind: info.kind,
        });
        self.notify(PipelineEvent::Opened {
            info: Box::new(info),
            generation: self.generation,
        });
    }

    fn notify(&self, event: PipelineEvent) {
        // The UI going away ends the pipeline anyway.
        let _ = self.events.send(event);
    }

    fn open(&mut self, spec: SourceSpec) {
        let opened = match spec {
            SourceSpec::Camera(spec) => self.open_camera(spec),
            other => self.open_seekable(other),
        };
        match opened {
            Ok(active) => {
                self.stop_recording();
                // Dropping the old source stops its threads.
                self.active = active;
                self.generation = self.generation.next();
                self.pending = None;
                self.demanded = None;
                self.held = None;
                let info = match &self.active {
                    Active::Seekable(scrubber) => {
                        publish(&self.stats, scrubber.stats());
                        Some(scrubber.info().clone())
                    }
                    Active::Live(live) => Some(live.info.clone()),
                    Active::Nothing => None,
                };
                if let Some(info) = info {
                    self.start_source(info);
                }
            }
            Err(error) => {
                let message = error.to_string();
                tracing::error!("{message}");
                self.notify(PipelineEvent::OpenFailed(message));
            }
        }
    }

    fn open_seekable(&self, spec: SourceSpec) -> Result<Active, OpenError> {
        let source: Box<dyn FrameSource> = match spec {
            #[cfg(feature = "video")]
            SourceSpec::Video { path, intrinsics } => Box::new(
                crate::source::VideoSource::open(&path, &intrinsics)
                    .map_err(|error| OpenError::Source(error.into()))?,
            ),
            #[cfg(not(feature = "video"))]
            SourceSpec::Video { path, .. } => return Err(OpenError::NoVideoSupport(path)),
            SourceSpec::Take(path) => Box::new(TakeSource::open(&path)?),
            SourceSpec::Sample { dir, options } => {
                let take = self.sample_take(dir, &options)?;
                Box::new(TakeSource::open(&take)?)
            }
            SourceSpec::Camera(_) => return Err(OpenError::NotSeekable),
        };
        let workers = std::thread::available_parallelism()
            .map_or(2, |n| n.get())
            .min(MAX_DECODE_THREADS);
        Scrubber::new(source, self.budget, workers)
            .map(|scrubber| Active::Seekable(Box::new(scrubber)))
            .map_err(OpenError::DecodeThreads)
    }

    fn sample_take(
        &self,
        dir: PathBuf,
        options: &sample::SampleOptions,
    ) -> Result<PathBuf, OpenError> {
        if !sample::is_complete_sample(&dir) {
            tracing::info!("generating the synthetic sample into {}", dir.display());
            let mut report = |progress: SampleProgress| {
                self.notify(PipelineEvent::Generating {
                    done: progress.take * progress.frames_total + progress.frame + 1,
                    total: options.takes * progress.frames_total,
                });
                (self.repaint)();
                if self.stopping.load(Ordering::Relaxed) {
                    ControlFlow::Break(())
                } else {
                    ControlFlow::Continue(())
                }
            };
            sample::generate_sample(&dir, options, &mut report).map_err(OpenError::Sample)?;
        }
        discover_takes(&dir)
            .map_err(|error| OpenError::Source(error.into()))?
            .into_iter()
            .next()
            .ok_or(OpenError::EmptySample(dir))
    }

    fn open_camera(&self, spec: CameraSpec) -> Result<Active, OpenError> {
        let capture = Capture::start(spec.backend.clone(), spec.config.clone())
            .map_err(OpenError::CameraThreads)?;
        let (width, height) = spec
            .config
            .format
            .map_or((1280, 720), |format| (format.width, format.height));
        let mut info = live_info(&spec, width, height);
        info.intrinsics_origin
            .push_str(" (assumed until the camera streams)");
        Ok(Active::Live(Box::new(Live {
            capture,
            spec,
            info,
            format: None,
        })))
    }

    /// Answers the newest seek from the cache, or asks for it once.
    fn serve_pending(&mut self) {
        let Active::Seekable(scrubber) = &mut self.active else {
            self.pending = None;
            return;
        };
        let Some((seek, false)) = self.pending else {
            return;
        };
        let answer = scrubber.request(seek.position);
        publish(&self.stats, scrubber.stats());
        match answer {
            Ok(Some(frame)) => {
                self.pending = None;
                // An older frame arriving later must not replace this newer one.
                self.demanded = None;
                self.deliver(frame, seek);
            }
            Ok(None) => {
                self.pending = Some((seek, true));
                // Keep waiting for an earlier frame still decoding: replacing it at every
                // seek would show nothing while the seeks come faster than decodes.
                let earlier_decoding = self
                    .demanded
                    .is_some_and(|earlier| scrubber.is_decoding(earlier.position));
                if !earlier_decoding {
                    self.demanded = Some(seek);
                }
            }
            Err(error) => {
                self.pending = None;
                self.frame_failed(seek.position, error.to_string());
            }
        }
    }

    fn on_decoded(&mut self, decoded: Decoded) {
        let Active::Seekable(scrubber) = &mut self.active else {
            return;
        };
        let (position, result) = scrubber.accept(decoded);
        publish(&self.stats, scrubber.stats());
        let pending = self
            .pending
            .filter(|(seek, _)| seek.position == position)
            .map(|(seek, _)| seek);
        let demanded = self.demanded.filter(|seek| seek.position == position);
        let Some(seek) = pending.or(demanded) else {
            return;
        };
        if pending.is_some() {
            self.pending = None;
        }
        self.demanded = None;
        match result {
            Ok(frame) => self.deliver(frame, seek),
            Err(error) => self.frame_failed(position, error.to_string()),
        }
    }

    /// Hands a frame of a seekable source to the UI at once, and to the worker unless
    /// analysis is on hold.
    fn deliver(&mut self, frame: Frame, seek: Seek) {
        self.previews.send(Preview {
            frame: frame.clone(),
            generation: self.generation,
            latency: seek.requested.elapsed(),
        });
        let to_analyse = ToAnalyse {
            frame,
            seek,
            generation: self.generation,
        };
        if self.hold_analysis {
            self.held = Some(to_analyse);
        } else {
            self.frames.send(to_analyse);
        }
    }

    fn frame_failed(&self, position: usize, message: String) {
        tracing::warn!("{message}");
        self.notify(PipelineEvent::FrameFailed { position, message });
    }

    fn on_live_frame(&mut self, captured: CapturedFrame) {
        let Active::Live(live) = &mut self.active else {
            return;
        };
        let started = (live.format != Some(captured.format)).then(|| {
            live.format = Some(captured.format);
            live.info = live_info(&live.spec, captured.format.width, captured.format.height);
            live.info.fps = captured.format.fps as f32;
            live.info.clone()
        });
        let intrinsics = live.info.intrinsics;
        if let Some(info) = started {
            self.start_source(info);
        }
        let number = captured.sequence as u32;
        if let Some(recorder) = &mut self.recorder {
            recorder.push_frame(u64::from(number), Arc::clone(&captured.rgb));
            if self.last_progress.elapsed() >= PROGRESS_INTERVAL {
                self.last_progress = Instant::now();
                let (written, dropped) = recorder.progress();
                self.notify(PipelineEvent::Recording(RecordingEvent::Progress {
                    written,
                    dropped,
                }));
            }
        }
        let frame = Frame {
            position: 0,
            number,
            rgb: captured.rgb,
            depth_mm: None,
            annotations: Default::default(),
            intrinsics,
            read_time: captured.convert_time,
        };
        self.frames.send(ToAnalyse {
            frame,
            seek: Seek {
                position: 0,
                requested: captured.captured,
            },
            generation: self.generation,
        });
    }

    fn start_recording(&mut self, root: PathBuf) {
        if self.recorder.is_some() {
            return;
        }
        let Active::Live(live) = &self.active else {
            self.notify(PipelineEvent::Recording(RecordingEvent::Failed(
                "only a live camera can be recorded".into(),
            )));
            return;
        };
        if live.format.is_none() {
            self.notify(PipelineEvent::Recording(RecordingEvent::Failed(
                "the camera is not streaming yet".into(),
            )));
            return;
        }
        let dir = next_take_dir(&root);
        match Recorder::start(&dir, &live.info.intrinsics) {
            Ok(recorder) => {
                tracing::info!("recording into {}", dir.display());
                self.recorder = Some(recorder);
                self.last_progress = Instant::now();
                self.notify(PipelineEvent::Recording(RecordingEvent::Started(dir)));
            }
            Err(error) => self.notify(PipelineEvent::Recording(RecordingEvent::Failed(
                error.to_string(),
            ))),
        }
    }

    /// Ends a recording; the queue is flushed on a helper thread so capture goes on.
    fn stop_recording(&mut self) {
        let Some(recorder) = self.recorder.take() else {
            return;
        };
        let events = self.events.clone();
        let repaint = Arc::clone(&self.repaint);
        let finish = move || {
            let summary = recorder.finish();
            tracing::info!(
                "recorded {} frames into {}",
                summary.frames,
                summary.dir.display()
            );
            let _ = events.send(PipelineEvent::Recording(RecordingEvent::Finished(
                Box::new(summary),
            )));
            repaint();
        };
        if let Err(error) = std::thread::Builder::new()
            .name("sharp-recorder-finish".into())
            .spawn(finish)
        {
            tracing::error!("cannot start a thread to finish the recording: {error}");
        }
    }
}

fn publish(shared: &SharedStats, stats: ScrubStats) {
    *shared.lock().unwrap_or_else(PoisonError::into_inner) = stats;
}

/// What the UI is told about a live camera streaming at `width` x `height`.
fn live_info(spec: &CameraSpec, width: u32, height: u32) -> SourceInfo {
    let mut problems = Vec::new();
    let resolved = spec
        .intrinsics
        .resolve(width, height)
        .unwrap_or_else(|error| {
            problems.push(format!(
                "intrinsics: {error}; using H2O cam4 scaled instead"
            ));
            h2o_scaled(width, height)
        });
    SourceInfo {
        name: format!("camera {}", spec.config.index),
        kind: crate::source::SourceKind::Camera,
        frame_count: 0,
        fps: spec.config.format.map_or(30.0, |format| format.fps as f32),
        intrinsics: resolved.intrinsics,
        intrinsics_origin: resolved.origin,
        synthetic: false,
        live: true,
        has_depth: false,
        action_labels: Vec::new(),
        problems,
    }
}
