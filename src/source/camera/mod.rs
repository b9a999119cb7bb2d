//! Cameras behind the project's own traits, so that the capture thread (watchdog,
//! unplug/replug, reconnect) works the same for a real webcam (nokhwa) and for the fake
//! camera the tests drive.
//!
//! A [`CameraBackend`] lists cameras and opens them; the [`CameraDevice`] it returns
//! delivers raw frames. [`Capture`] runs a device on its own threads and reports frames
//! and [`CameraStatus`] changes.

mod capture;
mod nokhwa_backend;

use std::fmt;

use serde::{Deserialize, Serialize};

pub use super::convert::PixelFormat;
pub use capture::{CameraStatus, Capture, CaptureConfig, CapturedFrame};
pub use nokhwa_backend::NokhwaBackend;

/// A camera the backend can open.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CameraDescriptor {
    /// Index to open it with.
    pub index: u32,
    /// Human-readable name.
    pub name: String,
    /// Driver's description (bus, path), may be empty.
    pub description: String,
}

/// A capture mode: resolution, rate and pixel format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CaptureFormat {
    /// Frame width in pixels.
    pub width: u32,
    /// Frame height in pixels.
    pub height: u32,
    /// Frames per second.
    pub fps: u32,
    /// How the camera sends pixels.
    pub pixel_format: PixelFormat,
}

impl fmt::Display for CaptureFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}x{} @ {} fps {}",
            self.width,
            self.height,
            self.fps,
            self.pixel_format.label()
        )
    }
}

/// One frame as the camera sent it.
#[derive(Clone, Debug)]
pub struct RawFrame {
    /// The bytes, laid out as `format.pixel_format` says.
    pub data: Vec<u8>,
    /// Resolution and pixel format of `data`.
    pub format: CaptureFormat,
}

/// What went wrong with a camera.
#[derive(Debug, thiserror::Error)]
pub enum CameraError {
    /// The backend could not list cameras.
    #[error("cannot list cameras: {0}")]
    Query(String),
    /// The camera could not be opened (absent, busy, no permission, format refused).
    #[error("cannot open camera {index}: {message}")]
    Open {
        /// The camera index.
        index: u32,
        /// The backend's message.
        message: String,
    },
    /// Reading a frame failed; usually the camera was unplugged.
    #[error("camera stopped delivering: {0}")]
    Read(String),
    /// A frame arrived but could not be converted to RGB.
    #[error(transparent)]
    Convert(#[from] super::convert::ConvertError),
}

/// Lists and opens cameras. Implementations must be cheap to share between threads.
pub trait CameraBackend: Send + Sync + fmt::Debug {
    /// The cameras present now (empty when there are none).
    fn list(&self) -> Result<Vec<CameraDescriptor>, CameraError>;

    /// The capture modes camera `index` supports. Opens the camera briefly.
    fn formats(&self, index: u32) -> Result<Vec<CaptureFormat>, CameraError>;

    /// Opens camera `index` and starts streaming, in `format` when given (else the
    /// backend's choice). Called on the thread that will read the frames.
    fn open(
        &self,
        index: u32,
        format: Option<CaptureFormat>,
    ) -> Result<Box<dyn CameraDevice>, CameraError>;
}

/// An open, streaming camera. Used from one thread only; may block (or hang) in
/// [`CameraDevice::frame`], which the capture thread's watchdog handles.
pub trait CameraDevice {
    /// The mode it streams in.
    fn format(&self) -> CaptureFormat;

    /// Waits for the next frame.
    fn frame(&mut self) -> Result<RawFrame, CameraError>;
}

/// The mode to use when the user picked none: the one closest to H2O's 1280x720 at
/// 30 fps among those running at 25 fps or more (any rate when none does), MJPEG before
/// uncompressed formats on ties (uncompressed 720p rarely reaches 30 fps over USB 2).
pub fn preferred_format(formats: &[CaptureFormat]) -> Option<CaptureFormat> {
    const TARGET_PIXELS: i64 = 1280 * 720;
    let fast_enough = formats.iter().any(|format| format.fps >= 25);
    formats
        .iter()
        .filter(|format| !fast_enough || format.fps >= 25)
        .min_by_key(|format| {
            let pixels = i64::from(format.width) * i64::from(format.height);
            (
                (pixels - TARGET_PIXELS).abs(),
                (i64::from(format.fps) - 30).abs(),
                format.pixel_format != PixelFormat::Mjpeg,
            )
        })
        .copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mode(width: u32, height: u32, fps: u32, pixel_format: PixelFormat) -> CaptureFormat {
        CaptureFormat {
            width,
            height,
            fps,
            pixel_format,
        }
    }

    #[test]
    fn the_default_mode_is_720p30_mjpeg_when_offered() {
        let formats = [
            mode(1920, 1080, 30, PixelFormat::Mjpeg),
            mode(1280, 720, 10, PixelFormat::Yuyv),
            mode(1280, 720, 30, PixelFormat::Yuyv),
            mode(1280, 720, 30, PixelFormat::Mjpeg),
            mode(640, 480, 30, PixelFormat::Yuyv),
        ];
        assert_eq!(
            preferred_format(&formats),
            Some(mode(1280, 720, 30, PixelFormat::Mjpeg))
        );
        let slow = [
            mode(1280, 720, 10, PixelFormat::Yuyv),
            mode(640, 480, 30, PixelFormat::Yuyv),
        ];
        assert_eq!(
            preferred_format(&slow),
            Some(mode(640, 480, 30, PixelFormat::Yuyv))
        );
        assert_eq!(preferred_format(&[]), None);
    }
}
