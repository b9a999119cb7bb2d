//! Clips: the composites of consecutive frames written as an animated GIF or an mp4
//! video (H.264 through the FFmpeg libraries the video source already links, MPEG-4 part 2
//! where the library has no H.264 encoder). Frames are pushed one at a time, so a clip of
//! any length needs the memory of one frame; the file appears, complete, only when
//! [`ClipWriter::finish`] succeeds. [`export_clip`] analyses and renders a range of frames
//! of a source into one, for the `clip` command and the viewer alike.

mod export;
mod gif;
#[cfg(feature = "video")]
mod mp4;

use std::path::{Path, PathBuf};
use std::str::FromStr;

use image::RgbImage;

pub use export::{
    ClipExportError, ClipProgress, ClipRequest, ClipWritten, clip_format, export_clip,
};

/// A clip's file format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClipFormat {
    /// An animated GIF (256 colours a frame, loops).
    Gif,
    /// An mp4 video.
    Mp4,
}

impl ClipFormat {
    /// The format's file extension.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Gif => "gif",
            Self::Mp4 => "mp4",
        }
    }

    /// The format of a file named `path`, by its extension.
    pub fn of_path(path: &Path) -> Option<Self> {
        path.extension()?.to_str()?.parse().ok()
    }
}

/// A clip format name that does not exist.
#[derive(Debug, thiserror::Error)]
#[error("unknown clip format {0:?} (expected gif or mp4)")]
pub struct UnknownClipFormat(String);

impl FromStr for ClipFormat {
    type Err = UnknownClipFormat;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.to_ascii_lowercase().as_str() {
            "gif" => Ok(Self::Gif),
            "mp4" => Ok(Self::Mp4),
            _ => Err(UnknownClipFormat(text.to_owned())),
        }
    }
}

/// Why a clip could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ClipError {
    /// The file could not be created, encoded or renamed into place.
    #[error("{path}: cannot write the clip: {message}")]
    Write {
        /// The clip's file.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
    /// A frame's size differs from the first frame's.
    #[error("{path}: frame {index} is {got:?} pixels, the clip's frames are {expected:?}")]
    FrameSize {
        /// The clip's file.
        path: PathBuf,
        /// The frame's index in the clip.
        index: usize,
        /// Its size.
        got: (u32, u32),
        /// The clip's size.
        expected: (u32, u32),
    },
    /// This build has no video support.
    #[error("{0}: mp4 clips need the `video` feature (FFmpeg); write a GIF instead")]
    NoVideo(PathBuf),
}

/// Writes a clip frame by frame.
pub struct ClipWriter {
    path: PathBuf,
    size: Option<(u32, u32)>,
    frames: usize,
    fps: u32,
    encoder: Option<Encoder>,
    format: ClipFormat,
}

/// The format's encoder, opened on the first frame (which sets the size).
enum Encoder {
    Gif(gif::GifClip),
    #[cfg(feature = "video")]
    Mp4(mp4::Mp4Clip),
}

impl ClipWriter {
    /// A clip to be written to `path` in `format` at `fps` frames per second.
    pub fn new(path: &Path, format: ClipFormat, fps: u32) -> Self {
        Self {
            path: path.to_owned(),
            size: None,
            frames: 0,
            fps: fps.max(1),
            encoder: None,
            format,
        }
    }

    /// Frames written so far.
    pub fn frames(&self) -> usize {
        self.frames
    }

    /// Appends a frame; every frame must be the size of the first.
    pub fn push(&mut self, frame: &RgbImage) -> Result<(), ClipError> {
        let size = frame.dimensions();
        match self.size {
            Some(expected) if expected != size => {
                return Err(ClipError::FrameSize {
                    path: self.path.clone(),
                    index: self.frames,
                    got: size,
                    expected,
                });
            }
            _ => self.size = Some(size),
        }
        let encoder = match &mut self.encoder {
            Some(encoder) => encoder,
            None => self.encoder.insert(match self.format {
                ClipFormat::Gif => Encoder::Gif(gif::GifClip::create(&self.path, self.fps)?),
                #[cfg(feature = "video")]
                ClipFormat::Mp4 => Encoder::Mp4(mp4::Mp4Clip::create(&self.path, size, self.fps)?),
                #[cfg(not(feature = "video"))]
                ClipFormat::Mp4 => return Err(ClipError::NoVideo(self.path.clone())),
            }),
        };
        match encoder {
            Encoder::Gif(gif) => gif.push(frame)?,
            #[cfg(feature = "video")]
            Encoder::Mp4(mp4) => mp4.push(frame)?,
        }
        self.frames += 1;
        Ok(())
    }

    /// Finishes the file and moves it into place; returns its path and a description of
    /// the encoding (e.g. "H.264").
    pub fn finish(self) -> Result<(PathBuf, String), ClipError> {
        let encoding = match self.encoder {
            None => {
                return Err(ClipError::Write {
                    path: self.path,
                    message: "no frame to write".into(),
                });
            }
            Some(Encoder::Gif(gif)) => gif.finish()?,
            #[cfg(feature = "video")]
            Some(Encoder::Mp4(mp4)) => mp4.finish()?,
        };
        Ok((self.path, encoding))
    }
}

/// A [`ClipError::Write`] for `path`.
fn write_error(path: &Path, message: impl std::fmt::Display) -> ClipError {
    ClipError::Write {
        path: path.to_owned(),
        message: message.to_string(),
    }
}

/// The temporary file a clip is written to beside its final path; removed unless
/// [`TemporaryFile::persist`] moved it into place.
struct TemporaryFile {
    path: PathBuf,
    persisted: bool,
}

impl TemporaryFile {
    /// The temporary name for `final_path`, its folder created.
    fn create(final_path: &Path) -> Result<Self, ClipError> {
        if let Some(parent) = final_path
            .parent()
            .filter(|parent| !parent.as_os_str().is_empty())
        {
            std::fs::create_dir_all(parent).map_err(|error| write_error(final_path, error))?;
        }
        Ok(Self {
            path: crate::atomic_file::temporary_path(final_path),
            persisted: false,
        })
    }

    /// Where the clip is being written.
    fn path(&self) -> &Path {
        &self.path
    }

    /// Renames the finished file to `final_path`.
    fn persist(mut self, final_path: &Path) -> Result<(), ClipError> {
        std::fs::rename(&self.path, final_path).map_err(|error| write_error(final_path, error))?;
        self.persisted = true;
        Ok(())
    }
}

impl Drop for TemporaryFile {
    fn drop(&mut self) {
        if !self.persisted {
            // Best effort: an unfinished clip (an error, a stop) is no output, and the
            // error that stopped it is what gets reported.
            let _ = std::fs::remove_file(&self.path);
        }
    }
}
