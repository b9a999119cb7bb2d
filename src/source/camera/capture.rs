//! The capture threads: a grabber that owns the camera and a supervisor that watches it.
//!
//! The **grabber** opens the device, reads frames and converts them to RGB. Camera
//! drivers can block forever in a read (nokhwa issue #227), and a blocked thread cannot
//! be interrupted, so the **supervisor** never touches the device: it forwards what the
//! grabber sends and runs a watchdog. When nothing arrives for the stall timeout it
//! reports the stall, abandons that grabber (it exits on its own if the read ever
//! returns) and starts a new one. A failed open or read (unplugged camera) is reported
//! and retried at the reconnect interval until the camera is back. Nothing here panics;
//! a panic inside the backend is caught and reported like a read error.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, RecvTimeoutError, Sender, TrySendError};
use image::RgbImage;

use super::{CameraBackend, CameraError, CaptureFormat, RawFrame};
use crate::channel::{LatestReceiver, LatestSender, latest};
use crate::source::convert::to_rgb;

/// How often the supervisor looks at the clock and the stop flag.
const TICK: Duration = Duration::from_millis(20);
/// How long a stop waits for a grabber that is not stuck before leaving it behind.
const STOP_GRACE: Duration = Duration::from_millis(500);
/// At most one status update per this interval for corrupt frames.
const CORRUPT_REPORT_INTERVAL: Duration = Duration::from_secs(1);

/// What to capture and how patient to be.
#[derive(Clone, Debug)]
pub struct CaptureConfig {
    /// Camera index.
    pub index: u32,
    /// Capture mode; `None` lets the backend choose.
    pub format: Option<CaptureFormat>,
    /// A streaming camera that sends nothing for this long is declared stalled.
    pub stall_timeout: Duration,
    /// Opening may take this long before it counts as stalled.
    pub open_timeout: Duration,
    /// Wait between reconnection attempts.
    pub reconnect_interval: Duration,
}

impl CaptureConfig {
    /// Defaults for camera `index`: backend's mode, 2 s stall, 5 s open, retry every second.
    pub fn new(index: u32) -> Self {
        Self {
            index,
            format: None,
            stall_timeout: Duration::from_secs(2),
            open_timeout: Duration::from_secs(5),
            reconnect_interval: Duration::from_secs(1),
        }
    }
}

/// What the camera is doing, for the UI.
#[derive(Clone, Debug, PartialEq)]
pub enum CameraStatus {
    /// Opening the camera (attempt number, from 1).
    Connecting {
        /// Attempts since the camera last streamed.
        attempt: u32,
    },
    /// Frames are arriving.
    Streaming {
        /// The mode.
        format: CaptureFormat,
        /// Frames that arrived but could not be decoded, since streaming started.
        corrupt_frames: u64,
    },
    /// The camera stopped answering (a read or the open never returned); reconnecting.
    Stalled {
        /// How long nothing arrived.
        waited: Duration,
        /// Whether it hung while opening rather than while streaming.
        while_opening: bool,
        /// Capture threads left stuck in the driver so far.
        abandoned: u32,
    },
    /// The camera could not be opened or stopped delivering (e.g. unplugged); retrying.
    Disconnected {
        /// What the backend said.
        reason: String,
        /// When the next attempt starts.
        retry_in: Duration,
    },
    /// Capture has ended.
    Stopped,
}

impl CameraStatus {
    /// One line for the status bar.
    pub fn describe(&self) -> String {
        match self {
            CameraStatus::Connecting { attempt: 1 } => "opening the camera…".into(),
            CameraStatus::Connecting { attempt } => {
                format!("opening the camera (attempt {attempt})…")
            }
            CameraStatus::Streaming {
                format,
                corrupt_frames: 0,
            } => format!("streaming {format}"),
            CameraStatus::Streaming {
                format,
                corrupt_frames,
            } => format!("streaming {format}; {corrupt_frames} corrupt frame(s) skipped"),
            CameraStatus::Stalled {
                waited,
                while_opening,
                abandoned,
            } => format!(
                "camera stalled: no {} for {} (the driver did not return); reconnecting \
                 ({abandoned} stuck capture thread(s) left behind)",
                if *while_opening {
                    "answer to open"
                } else {
                    "frame"
                },
                seconds(*waited)
            ),
            CameraStatus::Disconnected { reason, retry_in } => {
                format!("no camera: {reason}; retrying every {}", seconds(*retry_in))
            }
            CameraStatus::Stopped => "camera stopped".into(),
        }
    }

    /// Whether frames are arriving.
    pub fn is_streaming(&self) -> bool {
        matches!(self, CameraStatus::Streaming { .. })
    }
}

/// `1.5 s`, or `300 ms` below a second.
fn seconds(duration: Duration) -> String {
    if duration < Duration::from_secs(1) {
        format!("{} ms", duration.as_millis())
    } else {
        format!("{:.1} s", duration.as_secs_f32())
    }
}

/// A frame from the camera, converted to RGB.
#[derive(Clone, Debug)]
pub struct CapturedFrame {
    /// Counts frames of this capture from 0, across reconnections.
    pub sequence: u64,
    /// The picture.
    pub rgb: Arc<RgbImage>,
    /// When the read returned.
    pub captured: Instant,
    /// The mode it came in.
    pub format: CaptureFormat,
    /// Time spent converting it to RGB.
    pub convert_time: Duration,
}

/// A running capture. Dropping it stops the threads (a grabber stuck in the driver is
/// left behind and exits if the driver ever returns).
pub struct Capture {
    frames: LatestReceiver<CapturedFrame>,
    statuses: Receiver<CameraStatus>,
    stop: Arc<AtomicBool>,
    supervisor: Option<JoinHandle<()>>,
}

impl Capture {
    /// Starts capturing from `backend` as `config` says.
    pub fn start(backend: Arc<dyn CameraBackend>, config: CaptureConfig) -> std::io::Result<Self> {
        let (frames_tx, frames) = latest();
        let (status_tx, statuses) = crossbeam_channel::unbounded();
        let stop = Arc::new(AtomicBool::new(false));
        let supervisor = Supervisor {
            backend,
            config,
            frames: frames_tx,
            statuses: status_tx,
            stop: Arc::clone(&stop),
            next_sequence: 0,
            abandoned: 0,
            trouble: TroubleLog::default(),
        };
        let handle = std::thread::Builder::new()
            .name("sharp-camera".into())
            .spawn(move || supervisor.run())?;
        Ok(Self {
            frames,
            statuses,
            stop,
            supervisor: Some(handle),
        })
    }

    /// The newest frame channel (latest wins).
    pub fn frames(&self) -> &LatestReceiver<CapturedFrame> {
        &self.frames
    }

    /// Status changes, in order.
    pub fn statuses(&self) -> &Receiver<CameraStatus> {
        &self.statuses
    }
}

impl Drop for Capture {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(handle) = self.supervisor.take()
            && handle.join().is_err()
        {
            tracing::error!("the camera supervisor thread panicked");
        }
    }
}

/// What a grabber tells its supervisor.
enum GrabberMessage {
    Opened(CaptureFormat),
    Frame(Box<RawFrame>, Instant),
    Failed(CameraError),
}

/// How one connection ended.
enum Ended {
    Stopped,
    Failed(String),
    Stalled {
        waited: Duration,
        while_opening: bool,
    },
}

struct Supervisor {
    backend: Arc<dyn CameraBackend>,
    config: CaptureConfig,
    frames: LatestSender<CapturedFrame>,
    statuses: Sender<CameraStatus>,
    stop: Arc<AtomicBool>,
    next_sequence: u64,
    abandoned: u32,
    /// The trouble last logged, so a camera that stays unplugged is logged once per
    /// change rather than at every reconnection attempt.
    trouble: TroubleLog,
}

/// Remembers the last trouble logged, so each is logged once per change of state.
#[derive(Debug, Default)]
struct TroubleLog {
    last: Option<String>,
}

impl TroubleLog {
    /// Whether `kind` differs from the trouble last logged (and remembers it).
    fn is_new(&mut self, kind: &str) -> bool {
        if self.last.as_deref() == Some(kind) {
            return false;
        }
        self.last = Some(kind.to_owned());
        true
    }

    /// Forgets the trouble once the camera works again; whether there was one.
    fn resolve(&mut self) -> bool {
        self.last.take().is_some()
    }
}

impl Supervisor {
    fn run(mut self) {
        let mut attempt = 0;
        while !self.stopped() {
            attempt += 1;
            self.report(CameraStatus::Connecting { attempt });
            let cancel = Arc::new(AtomicBool::new(false));
            let (tx, rx) = crossbeam_channel::bounded(2);
            let spawned = {
                let backend = Arc::clone(&self.backend);
                let config = self.config.clone();
                let cancel = Arc::clone(&cancel);
                std::thread::Builder::new()
                    .name("sharp-camera-grab".into())
                    .spawn(move || grab(backend.as_ref(), &config, &cancel, &tx))
            };
            let ended = match spawned {
                // The grabber is never joined: it may be stuck in the driver. Its end is
                // seen as its channel disconnecting.
                Ok(_detached) => self.watch(&rx, &mut attempt),
                Err(error) => Ended::Failed(format!("cannot start a capture thread: {error}")),
            };
            cancel.store(true, Ordering::Relaxed);
            match ended {
                Ended::Stopped => {
                    wait_for_exit(&rx, STOP_GRACE);
                    break;
                }
                Ended::Failed(reason) => {
                    if self.trouble.is_new(&reason) {
                        tracing::warn!(
                            "camera {}: {reason} (retrying every {:?}; logged again only when this changes)",
                            self.config.index,
                            self.config.reconnect_interval
                        );
                    }
                    wait_for_exit(&rx, STOP_GRACE);
                    self.report(CameraStatus::Disconnected {
                        reason,
                        retry_in: self.config.reconnect_interval,
                    });
                }
                Ended::Stalled {
                    waited,
                    while_opening,
                } => {
                    self.abandoned += 1;
                    if self.trouble.is_new("stalled") {
                        tracing::warn!(
                            "camera {}: nothing for {waited:?}; abandoning the stuck capture thread",
                            self.config.index
                        );
                    }
                    self.report(CameraStatus::Stalled {
                        waited,
                        while_opening,
                        abandoned: self.abandoned,
                    });
                }
            }
            self.sleep(self.config.reconnect_interval);
        }
        self.report(CameraStatus::Stopped);
    }

    /// Forwards one grabber's frames until it fails, stalls, or capture stops.
    fn watch(&mut self, rx: &Receiver<GrabberMessage>, attempt: &mut u32) -> Ended {
        let mut last_activity = Instant::now();
        let mut streaming: Option<CaptureFormat> = None;
        let mut corrupt_frames = 0u64;
        let mut corrupt_reported = 0u64;
        let mut last_corrupt_report = Instant::now();
        loop {
            if self.stopped() {
                return Ended::Stopped;
            }
            match rx.recv_timeout(TICK) {
                Ok(GrabberMessage::Opened(format)) => {
                    last_activity = Instant::now();
                    streaming = Some(format);
                    *attempt = 0;
                    if self.trouble.resolve() {
                        tracing::info!("camera {}: streaming again", self.config.index);
                    }
                    self.report(CameraStatus::Streaming {
                        format,
                        corrupt_frames,
                    });
                }
                Ok(GrabberMessage::Frame(raw, captured)) => {
                    last_activity = Instant::now();
                    let started = Instant::now();
                    match to_rgb(
                        &raw.data,
                        raw.format.width,
                        raw.format.height,
                        raw.format.pixel_format,
                    ) {
                        Ok(rgb) => {
                            self.frames.send(CapturedFrame {
                                sequence: self.next_sequence,
                                rgb: Arc::new(rgb),
                                captured,
                                format: raw.format,
                                convert_time: started.elapsed(),
                            });
                            self.next_sequence += 1;
                        }
                        Err(error) => {
                            corrupt_frames += 1;
                            tracing::debug!("camera {}: {error}", self.config.index);
                        }
                    }
                    if corrupt_frames != corrupt_reported
                        && last_corrupt_report.elapsed() >= CORRUPT_REPORT_INTERVAL
                        && let Some(format) = streaming
                    {
                        corrupt_reported = corrupt_frames;
                        last_corrupt_report = Instant::now();
                        self.report(CameraStatus::Streaming {
                            format,
                            corrupt_frames,
                        });
                    }
                }
                Ok(GrabberMessage::Failed(error)) => return Ended::Failed(error.to_string()),
                Err(RecvTimeoutError::Timeout) => {
                    let limit = if streaming.is_some() {
                        self.config.stall_timeout
                    } else {
                        self.config.open_timeout
                    };
                    let waited = last_activity.elapsed();
                    if waited >= limit {
                        return Ended::Stalled {
                            waited,
                            while_opening: streaming.is_none(),
                        };
                    }
                }
                Err(RecvTimeoutError::Disconnected) => {
                    return Ended::Failed("the capture thread ended without a reason".into());
                }
            }
        }
    }

    fn stopped(&self) -> bool {
        self.stop.load(Ordering::Relaxed)
    }

    fn report(&self, status: CameraStatus) {
        // Nobody listening any more is not an error for a status line.
        let _ = self.statuses.send(status);
    }

    fn sleep(&self, duration: Duration) {
        let until = Instant::now() + duration;
        while !self.stopped() && Instant::now() < until {
            std::thread::sleep(TICK.min(until.saturating_duration_since(Instant::now())));
        }
    }
}

/// Waits up to `grace` for a grabber to end (its channel disconnects).
fn wait_for_exit(rx: &Receiver<GrabberMessage>, grace: Duration) {
    let until = Instant::now() + grace;
    while rx.recv_deadline(until).is_ok() {}
}

/// The grabber thread: opens the camera and sends raw frames until told to stop or the
/// camera fails. Conversion happens on the supervisor so a slow decode never looks
/// like a stuck driver.
fn grab(
    backend: &dyn CameraBackend,
    config: &CaptureConfig,
    cancel: &AtomicBool,
    tx: &Sender<GrabberMessage>,
) {
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        grab_frames(backend, config, cancel, tx)
    }));
    if let Err(panic) = outcome {
        let message = panic
            .downcast_ref::<&str>()
            .map(|text| text.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "no message".into());
        let _ = tx.send(GrabberMessage::Failed(CameraError::Read(format!(
            "the camera backend panicked: {message}"
        ))));
    }
}

fn grab_frames(
    backend: &dyn CameraBackend,
    config: &CaptureConfig,
    cancel: &AtomicBool,
    tx: &Sender<GrabberMessage>,
) {
    let mut device = match backend.open(config.index, config.format) {
        Ok(device) => device,
        Err(error) => {
            let _ = tx.send(GrabberMessage::Failed(error));
            return;
        }
    };
    if cancel.load(Ordering::Relaxed) || tx.send(GrabberMessage::Opened(device.format())).is_err() {
        return;
    }
    while !cancel.load(Ordering::Relaxed) {
        let message = match device.frame() {
            Ok(raw) => GrabberMessage::Frame(Box::new(raw), Instant::now()),
            Err(error) => {
                let _ = tx.send(GrabberMessage::Failed(error));
                return;
            }
        };
        if cancel.load(Ordering::Relaxed) {
            return;
        }
        // A busy supervisor means a newer frame is coming: drop this one, never queue.
        if let Err(TrySendError::Disconnected(_)) = tx.try_send(message) {
            return;
        }
    }
}

#[cfg(test)]
mod trouble_log_tests {
    use super::TroubleLog;

    #[test]
    fn the_same_trouble_is_logged_once_until_it_changes_or_resolves() {
        let mut log = TroubleLog::default();
        assert!(log.is_new("device unplugged"));
        assert!(
            !log.is_new("device unplugged"),
            "a retry with the same reason"
        );
        assert!(!log.is_new("device unplugged"));
        assert!(log.is_new("stalled"), "a different trouble is news");
        assert!(log.is_new("device unplugged"));
        assert!(log.resolve(), "streaming again after trouble");
        assert!(!log.resolve(), "nothing to resolve twice");
        assert!(
            log.is_new("device unplugged"),
            "the same trouble after recovery is news"
        );
    }
}
