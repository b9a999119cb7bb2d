//! `sharp-viewer clip ROOT --from 0 --to 59 --out clip.mp4`: the composites of a range of
//! frames of a take as a GIF or mp4. Every frame of the range is analysed in order, as
//! playback does (the action window and the depth cache fill as they would), none skipped.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;

use super::{EngineArgs, MaskArgs};
use crate::figure::{ClipFormat, ClipWriter, FigureInput, FigureOptions, render_composite};
use crate::source::FrameSource;

/// Which frames, where to, how fast.
#[derive(Clone, Debug)]
pub struct ClipRequest<'a> {
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

/// Writes the clip `request` asks for; prints its absolute path and encoding.
pub fn run(
    path: &Path,
    request: &ClipRequest<'_>,
    options: &FigureOptions,
    engine: &EngineArgs,
    mask: &MaskArgs,
) -> anyhow::Result<ExitCode> {
    let format = ClipFormat::of_path(request.out).with_context(|| {
        format!(
            "{}: name the clip .gif or .mp4 (the format follows the extension)",
            request.out.display()
        )
    })?;
    let out = std::path::absolute(request.out)
        .with_context(|| format!("{}: cannot make the path absolute", request.out.display()))?;
    let (mut source, mut processor, settings) =
        super::take_processor(path, request.take, engine, mask)?;
    let take_name = source.take().name.clone();
    let info = source.info();
    let length = info.frame_count;
    anyhow::ensure!(
        request.from <= request.to && request.to < length,
        "frames {}..={} are not a range of {take_name} ({length} frames)",
        request.from,
        request.to
    );
    let fps = request
        .fps
        .unwrap_or_else(|| info.fps.round().max(1.0) as u32);
    let frames = request.to - request.from + 1;
    let bar = super::progress_bar(frames as u64, "clip");
    let mut writer = ClipWriter::new(&out, format, fps);
    for position in request.from..=request.to {
        let frame = source
            .read(position)
            .with_context(|| format!("{take_name}: cannot read frame {position}"))?;
        let processed = processor.process(&frame, &settings);
        for problem in &processed.problems {
            bar.suspend(|| {
                eprintln!(
                    "{take_name} frame {position}: {}: {problem}",
                    problem.severity.name()
                );
            });
        }
        let input = FigureInput::of_frame(&take_name, &frame, &processed, settings.mask);
        writer.push(&render_composite(&input, options)?)?;
        bar.inc(1);
    }
    bar.finish_and_clear();
    let (written, encoding) = writer.finish()?;
    println!(
        "{} ({frames} frames at {fps} fps, {encoding})",
        written.display()
    );
    Ok(ExitCode::SUCCESS)
}
