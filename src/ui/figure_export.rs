//! Figure export from the viewer: the shown frame's figure, with the 3D panel seen as the
//! user left the 3D view, rendered and written on its own thread so the window stays live.

use std::path::PathBuf;
use std::sync::Arc;

use crossbeam_channel::{Receiver, TryRecvError, bounded};

use crate::figure::{FigureCamera, FigureInput, FigureOptions, render_figure, write_figure};
use crate::pipeline::FrameResult;

/// A figure being rendered and written.
pub struct FigureExport {
    done: Receiver<String>,
}

impl FigureExport {
    /// Starts rendering `result`'s figure into `folder`, files named after `take`; calls
    /// `repaint` when it is done so the window shows the outcome.
    pub fn start(
        result: &FrameResult,
        take: String,
        camera: FigureCamera,
        folder: PathBuf,
        repaint: Arc<dyn Fn() + Send + Sync>,
    ) -> std::io::Result<Self> {
        let result = result.clone();
        let (sender, done) = bounded(1);
        std::thread::Builder::new()
            .name("figure-export".into())
            .spawn(move || {
                let message = export(&result, &take, camera, &folder);
                // The window may have closed meanwhile; the files are written either way.
                if let Err(unsent) = sender.send(message) {
                    tracing::info!("after the window closed: {}", unsent.0);
                }
                repaint();
            })?;
        Ok(Self { done })
    }

    /// The outcome, once the figure is written (or failed): where it went, or why not.
    pub fn finished(&self) -> Option<String> {
        match self.done.try_recv() {
            Ok(message) => Some(message),
            Err(TryRecvError::Empty) => None,
            // The thread died without an answer: a panic while rendering or writing.
            Err(TryRecvError::Disconnected) => Some(
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
        ..FigureOptions::default()
    };
    let written = render_figure(
        &FigureInput::of_frame(take, &result.frame, &result.processed, result.settings.mask),
        &options,
    )
    .and_then(|figure| write_figure(folder, take, result.frame.number, &figure, false));
    match written {
        Ok(paths) => format!(
            "figure written: {}",
            paths.last().map_or(folder, |path| path.as_path()).display()
        ),
        Err(error) => error.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_export_thread_that_died_without_answering_is_reported_not_awaited_forever() {
        let (sender, done) = bounded::<String>(1);
        let export = FigureExport { done };
        assert_eq!(export.finished(), None, "still running");
        drop(sender);
        let message = export.finished().expect("an outcome");
        assert!(message.contains("crashed"), "{message}");
    }
}
