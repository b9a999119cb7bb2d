//! A clip of a range of frames of a source, the one code path of the `clip` command and
//! the viewer's clip export: every frame of the range is read and analysed in order, as
//! playback does (the action window and the depth cache fill as they would), none
//! skipped; its composite is rendered and appended. Progress and each frame's problems go
//! to a [`ClipProgress`] (the command's progress bar, the viewer's export window), which
//! can also stop the export. The file appears only when every frame is in: a stopped or
//! failed export leaves no file.

use std::path::{Path, PathBuf};

use super::{ClipError, ClipFormat, ClipWriter};
use crate::chain::{FrameProcessor, Problem, ProcessSettings};
use crate::figure::readiness::{missing_panels, unusable_models};
use crate::figure::{FigureError, FigureInput, FigureOptions, render_composite};
use crate::source::{FrameSource, SourceError};

/// Which frames go into the clip, where, how fast and drawn how.
#[derive(Clone, Debug)]
pub struct ClipRequest {
    /// First frame (timeline position, 0-based).
    pub from: usize,
    /// Last frame, included.
    pub to: usize,
    /// Frames per second (`None`: the source's own rate).
    pub fps: Option<u32>,
    /// The clip's file; its extension (`.gif` or `.mp4`) picks the format.
    pub out: PathBuf,
    /// The panels and how they are drawn.
    pub options: FigureOptions,
}

/// Hears how a clip export goes, and may stop it.
pub trait ClipProgress {
    /// `done` of `total` frames are in the clip.
    fn frames_done(&mut self, done: usize, total: usize);
    /// The frame at timeline `position` had `problem` (its figure is still complete).
    fn problem(&mut self, position: usize, problem: &Problem);
    /// Whether the export should stop (checked before each frame).
    fn stop_requested(&self) -> bool;
}

/// A clip that was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClipWritten {
    /// The file, as the request named it.
    pub path: PathBuf,
    /// Frames in the clip.
    pub frames: usize,
    /// Frames per second.
    pub fps: u32,
    /// The encoding, in words (e.g. "H.264, 640x360").
    pub encoding: String,
}

/// Why a clip was not written (no file is left behind in any case).
#[derive(Debug, thiserror::Error)]
pub enum ClipExportError {
    /// The file name has no clip extension.
    #[error("{0}: name the clip .gif or .mp4 (the format follows the extension)")]
    Format(PathBuf),
    /// The frames asked for are not a range of the source.
    #[error("frames {from}..={to} are not a range of {source_name} ({length} frames)")]
    Range {
        /// The source's name.
        source_name: String,
        /// First frame asked for.
        from: usize,
        /// Last frame asked for.
        to: usize,
        /// Frames the source has.
        length: usize,
    },
    /// A model the panels need is not usable.
    #[error("no clip written: {}", .0.join("; "))]
    Models(Vec<String>),
    /// A frame could not be read.
    #[error("{source_name}: cannot read frame {position}: {error}")]
    Read {
        /// The source's name.
        source_name: String,
        /// The frame's timeline position.
        position: usize,
        /// Why.
        error: SourceError,
    },
    /// A frame's chain did not produce every panel.
    #[error("{source_name} frame {position}: no clip written, it would show {}", .missing.join("; "))]
    Incomplete {
        /// The source's name.
        source_name: String,
        /// The frame's timeline position.
        position: usize,
        /// What the panels would show wrongly.
        missing: Vec<String>,
    },
    /// A composite could not be drawn.
    #[error(transparent)]
    Figure(#[from] FigureError),
    /// The file could not be written.
    #[error(transparent)]
    Clip(#[from] ClipError),
    /// The export was stopped before its last frame.
    #[error("{}: the clip export was cancelled after {done} of {total} frames; no file written", .path.display())]
    Cancelled {
        /// The clip's file.
        path: PathBuf,
        /// Frames in when it stopped.
        done: usize,
        /// Frames asked for.
        total: usize,
    },
}

/// The clip format of `out`, or why it has none.
pub fn clip_format(out: &Path) -> Result<ClipFormat, ClipExportError> {
    ClipFormat::of_path(out).ok_or_else(|| ClipExportError::Format(out.to_owned()))
}

/// Writes the clip `request` asks for of `source`, each frame analysed by `processor`
/// with `settings`; tells `progress` about every frame. Refuses before the first frame
/// when a model the panels need is not usable.
pub fn export_clip(
    source: &mut dyn FrameSource,
    processor: &mut FrameProcessor,
    settings: &ProcessSettings,
    request: &ClipRequest,
    progress: &mut dyn ClipProgress,
) -> Result<ClipWritten, ClipExportError> {
    let format = clip_format(&request.out)?;
    let info = source.info().clone();
    let source_name = info.name.clone();
    let length = info.frame_count;
    if request.from > request.to || request.to >= length {
        return Err(ClipExportError::Range {
            source_name,
            from: request.from,
            to: request.to,
            length,
        });
    }
    let unusable = unusable_models(processor.models(), settings, &request.options);
    if !unusable.is_empty() {
        return Err(ClipExportError::Models(unusable));
    }
    // As the viewer does when it opens a source.
    processor.start_source(info.fps);
    processor.set_source_kind(info.kind);
    let fps = request
        .fps
        .unwrap_or_else(|| info.fps.round().max(1.0) as u32);
    let total = request.to - request.from + 1;
    let mut writer = ClipWriter::new(&request.out, format, fps);
    progress.frames_done(0, total);
    for position in request.from..=request.to {
        if progress.stop_requested() {
            // Dropping the writer removes the unfinished file.
            return Err(ClipExportError::Cancelled {
                path: request.out.clone(),
                done: writer.frames(),
                total,
            });
        }
        let frame = source
            .read(position)
            .map_err(|error| ClipExportError::Read {
                source_name: source_name.clone(),
                position,
                error,
            })?;
        let processed = processor.process(&frame, settings);
        for problem in &processed.problems {
            progress.problem(position, problem);
        }
        let missing = missing_panels(&frame, &processed, &request.options);
        if !missing.is_empty() {
            return Err(ClipExportError::Incomplete {
                source_name,
                position,
                missing,
            });
        }
        let input = FigureInput::of_frame(&source_name, &frame, &processed, settings.mask);
        writer.push(&render_composite(&input, &request.options)?)?;
        progress.frames_done(writer.frames(), total);
    }
    let (path, encoding) = writer.finish()?;
    Ok(ClipWritten {
        path,
        frames: total,
        fps,
        encoding,
    })
}
