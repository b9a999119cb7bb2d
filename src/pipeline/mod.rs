//! Threads and channels that carry frames from the source through processing to the UI.
//!
//! source thread --(latest frame)--> worker --(latest result)--> UI, and for seekable
//! sources source thread --(latest preview)--> UI, so the RGB panel keeps up with a
//! dragged timeline however slow the models are. For a live camera the worker also
//! sends every frame's pose back to the source thread, which records it with the frame.
//! The UI sends commands and polls for results; it never waits on either thread.
//!
//! Every source opened gets the next [`SourceGeneration`], which its frames, previews and
//! results carry. Once the UI has read a source's [`PipelineEvent::Opened`], results and
//! previews of earlier generations that were still in flight are dropped, so nothing of
//! the old source reappears after the switch.

mod messages;
mod source_thread;
mod worker;

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, PoisonError};
use std::thread::JoinHandle;
use std::time::Instant;

use crossbeam_channel::{Receiver, Sender};

use crate::chain::ProcessSettings;
use crate::channel::{LatestReceiver, latest};
use crate::infer::{ModelPaths, RunCancel};

pub use messages::{
    CameraSpec, FrameResult, PipelineEvent, Preview, RecordingEvent, Seek, SourceGeneration,
    SourceSpec,
};
pub use worker::WorkerOptions;

use crate::source::ScrubStats;
use source_thread::{SharedStats, SourceCommand, SourceLinks};
use worker::{WorkerCommand, WorkerLinks};

/// Called by the threads whenever the UI has something new to show.
pub type Repaint = Arc<dyn Fn() + Send + Sync>;

/// The running pipeline, owned by the UI. Dropping it stops and joins the threads; a
/// sample being generated and a model run in progress are stopped first, so closing
/// the viewer does not wait for them.
pub struct Pipeline {
    source_commands: Option<Sender<SourceCommand>>,
    worker_commands: Option<Sender<WorkerCommand>>,
    results: LatestReceiver<FrameResult>,
    previews: LatestReceiver<Preview>,
    events: Receiver<PipelineEvent>,
    /// The generation of the newest source whose [`PipelineEvent::Opened`] the UI read;
    /// results and previews of any other are dropped.
    acknowledged: AtomicU64,
    scrub_stats: SharedStats,
    /// Stops the worker's model runs when analysis is put on hold.
    cancel: RunCancel,
    /// Tells the source thread to give up long work when the pipeline is dropped.
    stopping: Arc<AtomicBool>,
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
        let (previews_tx, previews_rx) = latest();
        let source_repaint = Arc::clone(&repaint);
        let source_events = events_tx.clone();
        let source_to_worker = worker_tx.clone();
        let (poses_tx, poses_rx) = crossbeam_channel::unbounded();
        let scrub_stats = SharedStats::default();
        let source_stats = Arc::clone(&scrub_stats);
        let cancel = RunCancel::new();
        let worker_cancel = cancel.clone();
        let stopping = Arc::new(AtomicBool::new(false));
        let source_stopping = Arc::clone(&stopping);
        let source = std::thread::Builder::new()
            .name("sharp-source".into())
            .spawn(move || {
                source_thread::run(SourceLinks {
                    commands: source_rx,
                    poses: poses_rx,
                    frames: frames_tx,
                    previews: previews_tx,
                    worker: source_to_worker,
                    events: source_events,
                    repaint: source_repaint,
                    stats: source_stats,
                    stopping: source_stopping,
                })
            })?;
        let worker = std::thread::Builder::new()
            .name("sharp-worker".into())
            .spawn(move || {
                let links = WorkerLinks {
                    frames: frames_rx,
                    commands: worker_rx,
                    results: results_tx,
                    poses: poses_tx,
                    events: events_tx,
                    cancel: worker_cancel,
                    repaint,
                };
                worker::run(links, settings, options)
            })?;
        Ok(Self {
            source_commands: Some(source_tx),
            worker_commands: Some(worker_tx),
            results: results_rx,
            previews: previews_rx,
            events: events_rx,
            acknowledged: AtomicU64::new(SourceGeneration::default().number()),
            scrub_stats,
            cancel,
            stopping,
            threads: vec![source, worker],
        })
    }

    /// Opens a source; the answer arrives as an event.
    pub fn open(&self, spec: SourceSpec) {
        self.send_source(SourceCommand::Open(spec));
    }

    /// Asks for another reader of the open seekable source, independent of the viewer's
    /// own (a clip export reads a range of frames while the viewer goes on); the answer,
    /// `None` when the source cannot be read so, arrives on the returned channel.
    pub fn source_reader(&self) -> Receiver<Option<Box<dyn crate::source::FrameSource>>> {
        let (answer, reader) = crossbeam_channel::bounded(1);
        self.send_source(SourceCommand::Reader(answer));
        reader
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

    /// Holds analysis (`true`) while the timeline is dragged faster than the models keep
    /// up: the SHARP networks' run in progress is stopped, frames still reach the UI as
    /// previews, and the newest is analysed once the hold is lifted, so inference does
    /// not take the cores the decoding needs.
    pub fn hold_analysis(&self, hold: bool) {
        if hold {
            self.cancel.cancel();
        } else {
            self.cancel.release();
        }
        self.send_source(SourceCommand::HoldAnalysis(hold));
        if !hold {
            self.send_worker(WorkerCommand::Resume);
        }
    }

    /// Starts recording the live camera into a new take under `root`; the answer
    /// arrives as a [`RecordingEvent`].
    pub fn start_recording(&self, root: PathBuf) {
        self.send_source(SourceCommand::StartRecording(root));
    }

    /// Stops recording; [`RecordingEvent::Finished`] follows once all is written.
    /// While recording, the pose of every frame the worker analyses is written with it
    /// (under the masked or the unmasked pose folder, as the depth range was set).
    pub fn stop_recording(&self) {
        self.send_source(SourceCommand::StopRecording);
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

    /// The newest result, if one arrived since the last call. A result of a source other
    /// than the one last reported [`PipelineEvent::Opened`] by [`Self::events`] (one still
    /// in flight when the source was switched) is dropped.
    pub fn try_result(&self) -> Option<FrameResult> {
        self.results
            .try_recv()
            .filter(|result| self.is_current(result.generation))
    }

    /// Whether a result is waiting for [`Self::try_result`].
    pub fn result_waiting(&self) -> bool {
        !self.results.as_receiver().is_empty()
    }

    /// The newest frame read from a seekable source, if one arrived since the last call;
    /// its [`FrameResult`] follows once the worker has processed it (unless a newer
    /// frame replaced it first). Previews of a source switched away from are dropped as
    /// results are.
    pub fn try_preview(&self) -> Option<Preview> {
        self.previews
            .try_recv()
            .filter(|preview| self.is_current(preview.generation))
    }

    /// Events since the last call. Reading a source's [`PipelineEvent::Opened`] makes it
    /// the current one for [`Self::try_result`] and [`Self::try_preview`].
    pub fn events(&self) -> Vec<PipelineEvent> {
        let events: Vec<PipelineEvent> = self.events.try_iter().collect();
        for event in &events {
            if let PipelineEvent::Opened { generation, .. } = event {
                self.acknowledged
                    .store(generation.number(), Ordering::Release);
            }
        }
        events
    }

    /// Whether `generation` is the source the UI was last told about.
    fn is_current(&self, generation: SourceGeneration) -> bool {
        let current = SourceGeneration::from_number(self.acknowledged.load(Ordering::Acquire));
        if generation != current {
            tracing::debug!(
                "dropped a result of source {} after the switch to source {}",
                generation.number(),
                current.number()
            );
        }
        generation == current
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
        self.stopping.store(true, Ordering::Relaxed);
        // A model run in progress stops too, so the worker is not waited on for it.
        self.cancel.cancel();
        self.source_commands.take();
        self.worker_commands.take();
        for thread in self.threads.drain(..) {
            if thread.join().is_err() {
                tracing::error!("a pipeline thread panicked");
            }
        }
    }
}
