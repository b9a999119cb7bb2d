//! The source thread: opens sources and reads the frames the UI asks for.

use crossbeam_channel::{Receiver, Sender};

use super::Repaint;
use super::latest::LatestSender;
use super::messages::{PipelineEvent, Seek, SourceSpec};
use super::worker::WorkerCommand;
use crate::dataset::discover_takes;
use crate::sample::{self, SampleProgress};
use crate::source::{Frame, FrameSource, TakeSource};

/// Commands the source thread obeys.
pub(super) enum SourceCommand {
    Open(SourceSpec),
    Seek(Seek),
}

/// Runs until the command channel closes. Pending seeks are coalesced so that only the
/// newest position is read.
pub(super) fn run(
    commands: Receiver<SourceCommand>,
    frames: LatestSender<(Frame, Seek)>,
    worker: Sender<WorkerCommand>,
    events: Sender<PipelineEvent>,
    repaint: Repaint,
) {
    let mut source: Option<Box<dyn FrameSource>> = None;
    while let Ok(first) = commands.recv() {
        let mut newest_seek = None;
        for command in std::iter::once(first).chain(commands.try_iter()) {
            match command {
                SourceCommand::Open(spec) => match open(spec, &events, &repaint) {
                    Ok(opened) => {
                        let _ = worker.send(WorkerCommand::StartSource {
                            fps: opened.info().fps,
                        });
                        let _ = events.send(PipelineEvent::Opened(Box::new(opened.info().clone())));
                        source = Some(opened);
                        newest_seek = None;
                    }
                    Err(message) => {
                        tracing::error!("{message}");
                        let _ = events.send(PipelineEvent::OpenFailed(message));
                    }
                },
                SourceCommand::Seek(seek) => newest_seek = Some(seek),
            }
        }
        if let (Some(seek), Some(source)) = (newest_seek, source.as_mut()) {
            match source.read(seek.position) {
                Ok(frame) => frames.send((frame, seek)),
                Err(error) => {
                    tracing::warn!("{error}");
                    let _ = events.send(PipelineEvent::FrameFailed {
                        position: seek.position,
                        message: error.to_string(),
                    });
                }
            }
        }
        repaint();
    }
}

fn open(
    spec: SourceSpec,
    events: &Sender<PipelineEvent>,
    repaint: &Repaint,
) -> Result<Box<dyn FrameSource>, String> {
    let take_dir = match spec {
        SourceSpec::Take(path) => path,
        SourceSpec::Sample { dir, options } => {
            if !sample::is_complete_sample(&dir) {
                tracing::info!("generating the synthetic sample into {}", dir.display());
                let mut report = |progress: SampleProgress| {
                    let _ = events.send(PipelineEvent::Generating {
                        done: progress.take * progress.frames_total + progress.frame + 1,
                        total: options.takes * progress.frames_total,
                    });
                    repaint();
                };
                sample::generate_sample(&dir, &options, &mut report)
                    .map_err(|error| format!("could not generate the sample: {error}"))?;
            }
            discover_takes(&dir)
                .map_err(|error| error.to_string())?
                .into_iter()
                .next()
                .ok_or_else(|| format!("{}: the sample has no take", dir.display()))?
        }
    };
    TakeSource::open(&take_dir)
        .map(|source| Box::new(source) as Box<dyn FrameSource>)
        .map_err(|error| error.to_string())
}
