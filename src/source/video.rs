//! Video files (a head-mounted recording as mp4/mkv/...) through the system FFmpeg
//! (`ffmpeg-next`), seekable frame by frame.
//!
//! Opening reads every packet header once (no decoding) to index the frames'
//! presentation timestamps and key frames: that gives the exact frame count and lets a
//! seek go straight to the key frame before the wanted frame. Reading in order just keeps
//! decoding; a jump seeks only when a key frame lies between the last decoded frame and
//! the target (otherwise decoding on is cheaper).

use std::path::{Path, PathBuf};
use std::sync::{Arc, Once};
use std::time::Instant;

use ffmpeg::format::Pixel;
use ffmpeg::software::scaling::{Context as Scaler, Flags};
use ffmpeg::util::frame::video::Video as VideoFrame;
use ffmpeg::{Packet, Rational, Rescale};
use ffmpeg_next as ffmpeg;
use image::RgbImage;

use super::intrinsics::{IntrinsicsChoice, IntrinsicsError};
use super::{Frame, FrameSource, SourceError, SourceInfo};

/// Why a video could not be opened or decoded.
#[derive(Debug, thiserror::Error)]
pub enum VideoError {
    /// FFmpeg could not open or probe the file.
    #[error("{}: cannot open as video: {message}", .path.display())]
    Open {
        /// The file.
        path: PathBuf,
        /// FFmpeg's message.
        message: String,
    },
    /// The file has no video stream.
    #[error("{}: no video stream", .0.display())]
    NoVideoStream(PathBuf),
    /// The video stream has no frames with timestamps.
    #[error("{}: the video stream has no frames", .0.display())]
    NoFrames(PathBuf),
    /// A frame could not be decoded.
    #[error("{}: frame {position}: {message}", .path.display())]
    Decode {
        /// The file.
        path: PathBuf,
        /// Timeline position.
        position: usize,
        /// What went wrong.
        message: String,
    },
    /// The intrinsics choice could not be resolved.
    #[error(transparent)]
    Intrinsics(#[from] IntrinsicsError),
}

/// Frame timestamps and key frames of a video stream.
#[derive(Debug)]
struct FrameIndex {
    /// Presentation timestamps in stream time base, ascending: the timeline.
    pts: Vec<i64>,
    /// Timeline positions of key frames, ascending.
    keyframes: Vec<usize>,
}

impl FrameIndex {
    /// The position of the frame with timestamp `pts` (the first at or after it).
    fn position_of(&self, pts: i64) -> usize {
        self.pts
            .partition_point(|&p| p < pts)
            .min(self.pts.len().saturating_sub(1))
    }

    /// The last key frame at or before `position` (0 when there is none).
    fn keyframe_before(&self, position: usize) -> usize {
        let index = self.keyframes.partition_point(|&k| k <= position);
        index.checked_sub(1).map_or(0, |i| self.keyframes[i])
    }

    /// Whether a key frame lies in `(after, up_to]`.
    fn keyframe_between(&self, after: usize, up_to: usize) -> bool {
        let first = self.keyframes.partition_point(|&k| k <= after);
        self.keyframes.get(first).is_some_and(|&k| k <= up_to)
    }
}

/// A video file as a frame source.
pub struct VideoSource {
    path: PathBuf,
    input: ffmpeg::format::context::Input,
    decoder: ffmpeg::decoder::Video,
    stream_index: usize,
    time_base: Rational,
    index: Arc<FrameIndex>,
    /// Position of the last frame the decoder gave out since the last seek.
    last_output: Option<usize>,
    /// The decoder has been drained to the end and needs a seek to go on.
    drained: bool,
    info: SourceInfo,
}

impl VideoSource {
    /// Opens `path`, indexes its frames and resolves `intrinsics` for its frame size.
    pub fn open(path: &Path, intrinsics: &IntrinsicsChoice) -> Result<Self, VideoError> {
        init_ffmpeg();
        let open_error = |error: ffmpeg::Error| VideoError::Open {
            path: path.to_path_buf(),
            message: error.to_string(),
        };
        let mut input = ffmpeg::format::input(path).map_err(open_error)?;
        let (stream_index, time_base, rate, parameters) = {
            let stream = input
                .streams()
                .best(ffmpeg::media::Type::Video)
                .ok_or_else(|| VideoError::NoVideoStream(path.to_path_buf()))?;
            (
                stream.index(),
                stream.time_base(),
                stream.avg_frame_rate(),
                stream.parameters(),
            )
        };
        let decoder = ffmpeg::codec::context::Context::from_parameters(parameters)
            .and_then(|context| context.decoder().video())
            .map_err(open_error)?;
        let (index, mut problems) = index_frames(&mut input, stream_index);
        if index.pts.is_empty() {
            return Err(VideoError::NoFrames(path.to_path_buf()));
        }
        let fps = match frame_rate(&index, time_base, rate) {
            Some(fps) => fps,
            None => {
                problems.push("the video has no frame rate; assuming 30 fps".into());
                30.0
            }
        };
        let resolved = intrinsics.resolve(decoder.width(), decoder.height())?;
        let name = path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_else(|| path.display().to_string());
        let info = SourceInfo {
            name,
            kind: super::SourceKind::Video,
            frame_count: index.pts.len(),
            fps,
            intrinsics: resolved.intrinsics,
            intrinsics_origin: resolved.origin,
            synthetic: false,
            live: false,
            has_depth: false,
            action_labels: Vec::new(),
            problems,
        };
        let mut source = Self {
            path: path.to_path_buf(),
            input,
            decoder,
            stream_index,
            time_base,
            index: Arc::new(index),
            last_output: None,
            drained: true,
            info,
        };
        source.seek_to(0).map_err(|error| VideoError::Open {
            path: path.to_path_buf(),
            message: format!("seek failed: {error}"),
        })?;
        Ok(source)
    }

    fn decode_error(&self, position: usize, message: impl Into<String>) -> VideoError {
        VideoError::Decode {
            path: self.path.clone(),
            position,
            message: message.into(),
        }
    }

    /// Seeks to the key frame at `keyframe` and resets the decoder.
    fn seek_to(&mut self, keyframe: usize) -> Result<(), ffmpeg::Error> {
        let pts = self.index.pts[keyframe];
        let timestamp = pts.rescale(self.time_base, ffmpeg::rescale::TIME_BASE);
        self.input.seek(timestamp, ..timestamp)?;
        self.decoder.flush();
        self.last_output = None;
        self.drained = false;
        Ok(())
    }

    /// Decodes until the frame at `position` (or the first after it) comes out.
    fn decode_until(&mut self, position: usize) -> Result<VideoFrame, VideoError> {
        let mut decoded = VideoFrame::empty();
        loop {
            while self.decoder.receive_frame(&mut decoded).is_ok() {
                let Some(pts) = decoded.timestamp().or(decoded.pts()) else {
                    continue;
                };
                let at = self.index.position_of(pts);
                self.last_output = Some(at);
                if at >= position {
                    return Ok(decoded);
                }
            }
            if self.drained {
                return Err(self.decode_error(position, "the stream ended before this frame"));
            }
            let mut packet = Packet::empty();
            match packet.read(&mut self.input) {
                Ok(()) => {
                    if packet.stream() == self.stream_index {
                        match self.decoder.send_packet(&packet) {
                            Ok(()) | Err(ffmpeg::Error::InvalidData) => {}
                            Err(error) => {
                                return Err(self.decode_error(position, error.to_string()));
                            }
                        }
                    }
                }
                Err(ffmpeg::Error::Eof) => {
                    self.drained = true;
                    // Flushes frames still held in the decoder.
                    let _ = self.decoder.send_eof();
                }
                Err(ffmpeg::Error::InvalidData) => {}
                Err(error) => return Err(self.decode_error(position, error.to_string())),
            }
        }
    }
}

impl FrameSource for VideoSource {
    fn info(&self) -> &SourceInfo {
        &self.info
    }

    fn sequential(&self) -> bool {
        true
    }

    fn read(&mut self, position: usize) -> Result<Frame, SourceError> {
        let started = Instant::now();
        let count = self.info.frame_count;
        if position >= count {
            return Err(SourceError::OutOfRange { position, count });
        }
        let keep_decoding = match self.last_output {
            Some(last) => {
                last < position && !self.drained && !self.index.keyframe_between(last, position)
            }
            None => !self.drained && position == 0,
        };
        if !keep_decoding {
            let keyframe = self.index.keyframe_before(position);
            self.seek_to(keyframe)
                .map_err(|error| self.decode_error(position, format!("seek failed: {error}")))?;
        }
        let decoded = self.decode_until(position)?;
        let rgb =
            to_rgb(&decoded).map_err(|error| self.decode_error(position, error.to_string()))?;
        Ok(Frame {
            position,
            number: position as u32,
            rgb: Arc::new(rgb),
            depth_mm: None,
            annotations: Default::default(),
            intrinsics: self.info.intrinsics,
            read_time: started.elapsed(),
        })
    }
}

/// Reads every packet of the file once and indexes the video stream's frames.
/// Returns the index and problems met (a damaged tail ends the index early).
fn index_frames(
    input: &mut ffmpeg::format::context::Input,
    stream_index: usize,
) -> (FrameIndex, Vec<String>) {
    let mut frames: Vec<(i64, bool)> = Vec::new();
    let mut problems = Vec::new();
    let mut without_timestamp = 0usize;
    loop {
        let mut packet = Packet::empty();
        match packet.read(input) {
            Ok(()) => {
                if packet.stream() != stream_index {
                    continue;
                }
                match packet.pts().or(packet.dts()) {
                    Some(pts) => frames.push((pts, packet.is_key())),
                    None => without_timestamp += 1,
                }
            }
            Err(ffmpeg::Error::Eof) => break,
            Err(ffmpeg::Error::InvalidData) => {}
            Err(error) => {
                problems.push(format!(
                    "reading stopped after {} frames: {error}",
                    frames.len()
                ));
                break;
            }
        }
    }
    if without_timestamp > 0 {
        problems.push(format!(
            "{without_timestamp} packet(s) without a timestamp skipped"
        ));
    }
    frames.sort_unstable_by_key(|(pts, _)| *pts);
    frames.dedup_by_key(|(pts, _)| *pts);
    let keyframes = frames
        .iter()
        .enumerate()
        .filter(|(_, (_, key))| *key)
        .map(|(position, _)| position)
        .collect();
    (
        FrameIndex {
            pts: frames.into_iter().map(|(pts, _)| pts).collect(),
            keyframes,
        },
        problems,
    )
}

/// Frames per second from the timestamps (exact for constant-rate video, the mean for
/// variable rate), else the stream's average rate.
fn frame_rate(index: &FrameIndex, time_base: Rational, average: Rational) -> Option<f32> {
    if let (Some(first), Some(last)) = (index.pts.first(), index.pts.last())
        && last > first
    {
        let seconds = (last - first) as f64 * f64::from(time_base);
        return Some(((index.pts.len() - 1) as f64 / seconds) as f32);
    }
    (average.denominator() != 0 && average.numerator() > 0).then(|| f64::from(average) as f32)
}

/// Why a decoded frame could not be converted to RGB.
#[derive(Debug, thiserror::Error)]
enum RgbConversionError {
    /// FFmpeg has no conversion from this pixel format.
    #[error("cannot convert {format:?} to RGB: {source}")]
    Unsupported {
        /// The frame's pixel format.
        format: Pixel,
        /// FFmpeg's error.
        source: ffmpeg::Error,
    },
    /// The conversion ran and failed.
    #[error("conversion to RGB failed: {0}")]
    Failed(ffmpeg::Error),
    /// The converted frame's buffer does not match its size.
    #[error("the converted frame does not have the size of the decoded one")]
    WrongSize,
}

/// Converts a decoded frame of any pixel format to RGB.
fn to_rgb(frame: &VideoFrame) -> Result<RgbImage, RgbConversionError> {
    let (width, height) = (frame.width(), frame.height());
    let mut scaler = Scaler::get(
        frame.format(),
        width,
        height,
        Pixel::RGB24,
        width,
        height,
        Flags::BILINEAR,
    )
    .map_err(|source| RgbConversionError::Unsupported {
        format: frame.format(),
        source,
    })?;
    let mut rgb = VideoFrame::empty();
    scaler
        .run(frame, &mut rgb)
        .map_err(RgbConversionError::Failed)?;
    let stride = rgb.stride(0);
    let row = width as usize * 3;
    let data = rgb.data(0);
    let mut pixels = Vec::with_capacity(row * height as usize);
    for y in 0..height as usize {
        let start = y * stride;
        let line = data
            .get(start..start + row)
            .ok_or(RgbConversionError::WrongSize)?;
        pixels.extend_from_slice(line);
    }
    RgbImage::from_raw(width, height, pixels).ok_or(RgbConversionError::WrongSize)
}

/// Initialises FFmpeg once and keeps its log to errors.
fn init_ffmpeg() {
    static INIT: Once = Once::new();
    INIT.call_once(|| {
        if let Err(error) = ffmpeg::init() {
            tracing::warn!("FFmpeg initialisation: {error}");
        }
        ffmpeg::util::log::set_level(ffmpeg::util::log::Level::Error);
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_index_finds_key_frames_around_a_position() {
        let index = FrameIndex {
            pts: (0..10).map(|i| i * 512).collect(),
            keyframes: vec![0, 4, 8],
        };
        assert_eq!(index.keyframe_before(3), 0);
        assert_eq!(index.keyframe_before(4), 4);
        assert_eq!(index.keyframe_before(9), 8);
        assert!(index.keyframe_between(3, 4));
        assert!(!index.keyframe_between(4, 7));
        assert_eq!(index.position_of(1024), 2);
        assert_eq!(index.position_of(1000), 2);
        assert_eq!(index.position_of(99_999), 9);
    }
}
