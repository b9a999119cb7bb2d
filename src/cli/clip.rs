//! `sharp-viewer clip ROOT --from 0 --to 59 --out clip.mp4`: the composites of a range of
//! frames of a take as a GIF or mp4, through [`export_clip`] (the viewer's clip export
//! runs the same code). Every frame of the range is analysed in order, as playback does,
//! none skipped; a model the panels need that is not usable stops it before any frame.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;

use super::{EngineArgs, MaskArgs};
use crate::chain::Problem;
use crate::figure::{ClipProgress, ClipRequest, FigureOptions, clip_format, export_clip};

/// Which frames, where to, how fast.
#[derive(Clone, Debug)]
pub struct ClipArgs<'a> {
    /// The take's name below the root (`None`: the first take).
    pub take: Option<&'a str>,
    /// First frame (timeline position, 0-based).
    pub from: usize,
    /// Last frame, included.
    pub to: usize,
    /// The clip's file: `.gif` or `.mp4`.
    pub out: &'a Path,
    /// Frames per second (`None`: the take's own rate).
    pub fps: Option<u32>,
}

/// The terminal's progress bar; problems are printed above it.
struct BarProgress {
    bar: indicatif::ProgressBar,
    take: String,
}

impl ClipProgress for BarProgress {
    fn frames_done(&mut self, done: usize, total: usize) {
        self.bar.set_length(total as u64);
        self.bar.set_position(done as u64);
    }

    fn problem(&mut self, position: usize, problem: &Problem) {
        let take = &self.take;
        self.bar.suspend(|| {
            eprintln!(
                "{take} frame {position}: {}: {problem}",
                problem.severity.name()
            );
        });
    }

    fn stop_requested(&self) -> bool {
        false
    }
}

/// Writes the clip `args` asks for; prints its absolute path and encoding.
pub fn run(
    path: &Path,
    args: &ClipArgs<'_>,
    options: &FigureOptions,
    engine: &EngineArgs,
    mask: &MaskArgs,
) -> anyhow::Result<ExitCode> {
    clip_format(args.out)?;
    let out = std::path::absolute(args.out)
        .with_context(|| format!("{}: cannot make the path absolute", args.out.display()))?;
    let (mut source, mut processor, settings) =
        super::take_processor(path, args.take, engine, mask)?;
    let request = ClipRequest {
        from: args.from,
        to: args.to,
        fps: args.fps,
        out,
        options: options.clone(),
    };
    let mut progress = BarProgress {
        bar: super::progress_bar(0, "clip"),
        take: source.take().name.clone(),
    };
    let written = export_clip(
        &mut source,
        &mut processor,
        &settings,
        &request,
        &mut progress,
    );
    progress.bar.finish_and_clear();
    let written = written?;
    println!(
        "{} ({} frames at {} fps, {})",
        written.path.display(),
        written.frames,
        written.fps,
        written.encoding
    );
    Ok(ExitCode::SUCCESS)
}
