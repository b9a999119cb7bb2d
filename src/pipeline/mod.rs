//! Threads and channels that carry frames from the source through processing to the UI.
//!
//! source thread --(latest frame)--> worker --(latest result)--> UI.
//! The UI sends commands and polls for results; it never waits on either thread.

mod depth_cache;
mod hands_pose;
mod latest;
mod messages;
mod processor;
mod source_thread;
mod worker;

use std::path::PathBuf;
use std::sync::{Arc, PoisonError};
use std::thread::JoinHandle;
use std::time::Instant;

use crossbeam_channel::{Receiver, Sender};

use crate::infer::ModelPaths;

pub use hands_pose::{HandsSettings, PoseBackend, RootDepthSource, describe_roots};
pub use latest::{LatestReceiver, LatestSender, latest};
pub use messages::{
    CameraSpec, FrameResult, MaskSettings, PipelineEvent, RecordingEvent, Seek, SourceSpec, Stage,
};
pub use processor::{
    ACTION_WINDOW_SECONDS, ActionInput, ActionOutcome, FrameProcessor, PoseOutcome,
    ProcessSettings, Processed,
};
pub use worker::WorkerOptions;

use crate::dataset::own_pose::OwnPoseFrame;
use crate::source::ScrubStats;
use source_thread::{SharedStats, SourceCommand};
use worker::WorkerCommand;

/// Called by the threads whenever the UI has something new to show.
pub type Repaint = Arc<dyn Fn() + Send + Sync>;

/// The running pipeline, owned by the UI. Dropping it stops and joins the threads.
pub struct Pipeline {
    source_commands: Option<Sender<SourceCommand>>,
    worker_commands: Option<Sender<WorkerCommand>>,
    results: LatestReceiver<FrameResult>,
    events: Receiver<PipelineEvent>,
    scrub_stats: SharedStats,
    threads: Vec<JoinHandle<()>>,
}

impl Pipeline {
    /// Starts the source and worker threads; the worker loads the models first.
    /// `repaint` wakes the UI.
    pub fn spawn(
        settings: ProcessSettings,
        options: WorkerOptions,
        repaint: Repaint,
    ) -> std::io::Result<Self> {
        let (source_tx, source_rx) = crossbeam_channel::unbounded();
        let (worker_tx, worker_rx) = crossbeam_channel::unbounded();
        let (events_tx, events_rx) = crossbeam_channel::unbounded();
        let (frames_tx, frames_rx) = latest();
        let (results_tx, results_rx) = latest();
        let source_repaint = Arc::clone(&repaint);
        let source_events = events_tx.clone();
        let source_to_worker = worker_tx.clone();
        let scrub_stats = SharedStats::default();
        let source_stats = Arc::clone(&scrub_stats);
        let source = std::thread::Builder::new()
            .name("sharp-source".into())
            .spawn(move || {
                source_thread::run(
                    source_rx,
                    frames_tx,
                    source_to_worker,
                    source_events,
                    source_repaint,
                    source_stats,
                )
            })?;
        let worker = std::thread::Builder::new()
            .name("sharp-worker".into())
            .spawn(move || {
                worker::run(
                    frames_rx, worker_rx, results_tx, events_tx, settings, options, repaint,
                )
            })?;
        Ok(Self {
            source_commands: Some(source_tx),
            worker_commands: Some(worker_tx),
            results: results_rx,
            events: events_rx,
            scrub_stats,
            threads: vec![source, worker],
        })
    }

    /// Opens a source; the answer arrives as an event.
    pub fn open(&self, spec: SourceSpec) {
        self.send_source(SourceCommand::Open(spec));
    }

    /// Asks for the frame at `position`.
    pub fn seek(&self, position: usize) {
        self.send_source(SourceCommand::Seek(Seek {
            position,
            requested: Instant::now(),
        }));
    }

    /// Sets the frame cache budget of seekable sources, in bytes.
    pub fn set_cache_budget(&self, bytes: usize) {
        self.send_source(SourceCommand::SetCacheBudget(bytes));
    }

    /// Starts recording the live camera into a new take under `root`; the answer
    /// arrives as a [`RecordingEvent`].
    pub fn start_recording(&self, root: PathBuf) {
        self.send_source(SourceCommand::StartRecording(root));
    }

    /// Stops recording; [`RecordingEvent::Finished`] follows once all is written.
    pub fn stop_recording(&self) {
        self.send_source(SourceCommand::StopRecording);
    }

    /// Records the pose predicted for live frame `number` (`Frame::number`), from a
    /// range-masked frame when `masked`. Ignored when not recording.
    pub fn record_pose(&self, number: u32, pose: OwnPoseFrame, masked: bool) {
        self.send_source(SourceCommand::RecordPose {
            capture: u64::from(number),
            pose: Box::new(pose),
            masked,
        });
    }

    /// Frame cache and decode counters of the open seekable source.
    pub fn scrub_stats(&self) -> ScrubStats {
        *self
            .scrub_stats
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Changes the processing settings; the current frame is processed again at once
    /// (pseudo-depth comes from the cache, so a range change does not rerun the depth
    /// network).
    pub fn set_settings(&self, settings: ProcessSettings) {
        self.send_worker(WorkerCommand::Settings(settings));
    }

    /// Loads the models from `paths`; their states arrive as an event.
    pub fn load_models(&self, paths: ModelPaths) {
        self.send_worker(WorkerCommand::LoadModels(paths));
    }

    fn send_worker(&self, command: WorkerCommand) {
        if let Some(sender) = &self.worker_commands
            && sender.send(command).is_err()
        {
            tracing::error!("the worker thread has stopped");
        }
    }

    /// The newest result, if one arrived since the last call.
    pub fn try_result(&self) -> Option<FrameResult> {
        self.results.try_recv()
    }

    /// Events since the last call.
    pub fn events(&self) -> Vec<PipelineEvent> {
        self.events.try_iter().collect()
    }

    /// How many results were replaced before the UI read them.
    pub fn dropped_results(&self) -> u64 {
        self.results.replaced_count()
    }

    fn send_source(&self, command: SourceCommand) {
        if let Some(sender) = &self.source_commands
            && sender.send(command).is_err()
        {
            tracing::error!("the source thread has stopped");
        }
    }
}

impl Drop for Pipeline {
    fn drop(&mut self) {
        self.source_commands.take();
        self.worker_commands.take();
        for thread in self.threads.drain(..) {
            if thread.join().is_err() {
                tracing::error!("a pipeline thread panicked");
            }
        }
    }
}
