//! `sharp-viewer figure ROOT --frames 0,10,20`: paper figures (every panel and the
//! composite row) of frames of the first take, rendered on the CPU.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;

use super::{EngineArgs, MaskArgs};
use crate::figure::{FigureInput, FigureOptions, render_figure, write_figure};
use crate::source::FrameSource;

/// Processes `frames` (timeline positions) of the first take under `path` and writes
/// their figures into `out`.
pub fn run(
    path: &Path,
    frames: &[usize],
    out: &Path,
    options: FigureOptions,
    engine: &EngineArgs,
    mask: &MaskArgs,
) -> anyhow::Result<ExitCode> {
    let (mut source, mut processor, settings) = super::first_take_processor(path, engine, mask)?;
    let take_name = source.take().name.clone();
    let length = source.info().frame_count;
    for &position in frames {
        anyhow::ensure!(
            position < length,
            "frame {position} is past the end of {take_name} ({length} frames)"
        );
        let frame = source
            .read(position)
            .with_context(|| format!("{take_name}: cannot read frame {position}"))?;
        let processed = processor.process(&frame, &settings);
        for problem in &processed.problems {
            eprintln!("{take_name} frame {position}: {problem}");
        }
        let input = FigureInput::of_frame(&take_name, &frame, &processed, settings.mask);
        let figure = render_figure(&input, &options)?;
        let written = write_figure(out, &take_name, frame.number, &figure)?;
        if let Some(composite) = written.last() {
            println!("{}", composite.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}
