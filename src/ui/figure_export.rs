//! Figure export from the viewer: the shown frame's figure, with the 3D panel seen as the
//! user left the 3D view, rendered and written on its own thread so the window stays live.

use std::path::PathBuf;

use super::background::{BackgroundJob, JobState, Wake};
use crate::figure::{FigureCamera, FigureInput, FigureOptions, render_figure, write_figure};
use crate::pipeline::FrameResult;

/// A figure being rendered and written.
pub struct FigureExport {
    job: BackgroundJob<String>,
}

impl FigureExport {
    /// Starts rendering `result`'s figure into `folder`, files named after `take`; `wake`
    /// is called when it is done so the window shows the outcome.
    pub fn start(
        result: &FrameResult,
        take: String,
        camera: FigureCamera,
        folder: PathBuf,
        wake: Wake,
    ) -> std::io::Result<Self> {
        let result = result.clone();
        let job = BackgroundJob::spawn("figure-export", wake, move || {
            export(&result, &take, camera, &folder)
        })?;
        Ok(Self { job })
    }

    /// The outcome, once the figure is written (or failed): where it went, or why not.
    pub fn finished(&self) -> Option<String> {
        match self.job.poll() {
            JobState::Done(message) => Some(message),
            JobState::Running => None,
            JobState::Crashed => Some(
                "the figure export crashed (see the log); files it had not written yet are \
                 missing"
                    .into(),
            ),
        }
    }
}

/// Renders and writes the figure; says where it went or why it failed.
fn export(
    result: &FrameResult,
    take: &str,
    camera: FigureCamera,
    folder: &std::path::Path,
) -> String {
    let options = FigureOptions {
        camera,
        labels: false,
    };
    let figure = render_figure(
        &FigureInput::of_frame(&result.frame, &result.processed),
        &options,
    );
    match write_figure(folder, take, result.frame.number, &figure) {
        Ok(paths) => format!(
            "figure written: {}",
            paths.last().map_or(folder, |path| path.as_path()).display()
        ),
        Err(error) => error.to_string(),
    }
}
