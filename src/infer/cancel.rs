//! Stopping the SHARP networks' runs from another thread: when the timeline is dragged
//! past the frame being analysed, its depth and pose runs (seconds on a CPU) are stopped
//! so the cores go to decoding the frames the user is looking at.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

use ort::session::RunOptions;

/// A switch shared by the worker's models and the UI: while it is on, runs stop (the
/// one in progress midway, later ones before they start).
///
/// Creating one calls nothing in ONNX Runtime (the viewer runs without the library);
/// the run options behind it are made on first use by a model.
#[derive(Clone, Default)]
pub struct RunCancel {
    cancelled: Arc<AtomicBool>,
    options: Arc<OnceLock<Option<RunOptions>>>,
}

impl std::fmt::Debug for RunCancel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunCancel")
            .field("cancelled", &self.is_cancelled())
            .finish_non_exhaustive()
    }
}

impl RunCancel {
    /// A switch that is off.
    pub fn new() -> Self {
        Self::default()
    }

    /// Stops the run in progress, if any, and every run until [`RunCancel::release`].
    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::SeqCst);
        if let Some(Some(options)) = self.options.get() {
            terminate(options);
        }
    }

    /// Lets runs go on again.
    pub fn release(&self) {
        self.cancelled.store(false, Ordering::SeqCst);
        if let Some(Some(options)) = self.options.get()
            && let Err(error) = options.unterminate()
        {
            tracing::warn!("could not clear the stop flag of the models: {error}");
        }
    }

    /// Whether runs are being stopped.
    pub fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::SeqCst)
    }

    /// The run options that carry the stop flag (`None` if ONNX Runtime could not make
    /// them: runs then cannot be stopped midway, only before they start).
    pub(crate) fn run_options(&self) -> Option<&RunOptions> {
        let options = self.options.get_or_init(|| match RunOptions::new() {
            Ok(options) => Some(options),
            Err(error) => {
                tracing::warn!("model runs cannot be stopped midway: {error}");
                None
            }
        });
        // A cancel that came before the options existed could not terminate them.
        if let Some(options) = options
            && self.is_cancelled()
        {
            terminate(options);
        }
        options.as_ref()
    }
}

/// Sets the stop flag of `options`, saying so if ONNX Runtime refuses.
fn terminate(options: &RunOptions) {
    if let Err(error) = options.terminate() {
        tracing::warn!("could not stop the running model: {error}");
    }
}
