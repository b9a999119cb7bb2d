//! A clip export from the viewer, off the UI thread: it reads the open take through its
//! own reader, loads its own copy of the models, and runs [`export_clip`] — the code the
//! `clip` command runs — with the viewer's settings, so every frame of the range is
//! analysed as playback would. The window reads the frames done, can ask it to stop
//! (the unfinished file is removed), and is woken on every frame and at the end.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use crossbeam_channel::Receiver;

use super::background::{BackgroundJob, JobState, Wake};
use crate::chain::{FrameProcessor, Problem, ProcessSettings};
use crate::figure::{ClipProgress, ClipRequest, ClipWritten, export_clip};
use crate::infer::ModelSet;
use crate::mask::MaskEngine;
use crate::pipeline::WorkerOptions;
use crate::source::FrameSource;

/// How long the export waits for the source thread to hand it a reader.
const READER_TIMEOUT: Duration = Duration::from_secs(30);

/// What a clip export works from.
pub struct ClipJobInput {
    /// The answer to [`crate::pipeline::Pipeline::source_reader`].
    pub reader: Receiver<Option<Box<dyn FrameSource>>>,
    /// The models, provider and masking the viewer runs with.
    pub worker: WorkerOptions,
    /// The viewer's processing settings.
    pub settings: ProcessSettings,
    /// Frames, file and panels.
    pub request: ClipRequest,
}

/// What the export and the window share.
#[derive(Default)]
struct Shared {
    done: AtomicUsize,
    total: AtomicUsize,
    stop: AtomicBool,
    problems: AtomicUsize,
    last_problem: Mutex<Option<String>>,
}

/// Tells the window how the export goes.
struct SharedProgress {
    shared: Arc<Shared>,
    repaint: egui::Context,
}

impl ClipProgress for SharedProgress {
    fn frames_done(&mut self, done: usize, total: usize) {
        self.shared.total.store(total, Ordering::Relaxed);
        self.shared.done.store(done, Ordering::Relaxed);
        self.repaint.request_repaint();
    }

    fn problem(&mut self, position: usize, problem: &Problem) {
        self.shared.problems.fetch_add(1, Ordering::Relaxed);
        *self
            .shared
            .last_problem
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Some(format!(
            "frame {position}: {}: {problem}",
            problem.severity.name()
        ));
    }

    fn stop_requested(&self) -> bool {
        self.shared.stop.load(Ordering::Relaxed)
    }
}

/// A clip export in progress.
pub struct ClipJob {
    job: BackgroundJob<Result<ClipWritten, String>>,
    shared: Arc<Shared>,
}

impl ClipJob {
    /// Starts the export; `ctx` is repainted on every frame and when it ends.
    pub fn start(input: ClipJobInput, ctx: &egui::Context, wake: Wake) -> std::io::Result<Self> {
        let shared = Arc::new(Shared::default());
        let mut progress = SharedProgress {
            shared: Arc::clone(&shared),
            repaint: ctx.clone(),
        };
        let job =
            BackgroundJob::spawn("sharp-clip-export", wake, move || run(input, &mut progress))?;
        Ok(Self { job, shared })
    }

    /// Frames in the clip so far, and frames asked for (0 until the models are loaded).
    pub fn progress(&self) -> (usize, usize) {
        (
            self.shared.done.load(Ordering::Relaxed),
            self.shared.total.load(Ordering::Relaxed),
        )
    }

    /// Asks the export to stop before its next frame; it then removes its file.
    pub fn cancel(&self) {
        self.shared.stop.store(true, Ordering::Relaxed);
    }

    /// Whether [`ClipJob::cancel`] was called.
    pub fn cancelling(&self) -> bool {
        self.shared.stop.load(Ordering::Relaxed)
    }

    /// How many problems the frames had so far, and the last one.
    pub fn problems(&self) -> (usize, Option<String>) {
        let last = self
            .shared
            .last_problem
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        (self.shared.problems.load(Ordering::Relaxed), last)
    }

    /// The outcome once the export ended: the clip written, or why not.
    pub fn finished(&self) -> Option<Result<ClipWritten, String>> {
        match self.job.poll() {
            JobState::Running => None,
            JobState::Done(outcome) => Some(outcome),
            JobState::Crashed => Some(Err(
                "the clip export crashed (see the log); its unfinished file was removed".into(),
            )),
        }
    }
}

impl Drop for ClipJob {
    /// A window that goes away stops its export.
    fn drop(&mut self) {
        self.cancel();
    }
}

/// Gets a reader of the take, loads the models and writes the clip.
fn run(input: ClipJobInput, progress: &mut SharedProgress) -> Result<ClipWritten, String> {
    let ClipJobInput {
        reader,
        worker,
        settings,
        request,
    } = input;
    let mut source = reader
        .recv_timeout(READER_TIMEOUT)
        .map_err(|error| format!("the source thread did not answer: {error}"))?
        .ok_or_else(|| {
            "clips are exported from a take: the open source cannot be read a second time"
                .to_owned()
        })?;
    let models = ModelSet::load(&worker.models, &worker.infer);
    let mut processor = FrameProcessor::new(MaskEngine::new(worker.mask), models);
    export_clip(
        source.as_mut(),
        &mut processor,
        &settings,
        &request,
        progress,
    )
    .map_err(|error| error.to_string())
}
