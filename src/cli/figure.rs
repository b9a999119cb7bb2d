//! `sharp-viewer figure ROOT --frames 0,10,20`: paper figures (every panel and the
//! composite row) of frames of the first take, rendered on the CPU.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;

use super::{EngineArgs, MaskArgs};
use crate::figure::{FigureInput, FigureOptions, render_figure, write_figure};
use crate::pipeline::Processed;
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
        let missing = missing_panels(&processed);
        anyhow::ensure!(
            missing.is_empty(),
            "{take_name} frame {position}: no figure written, it would show {}",
            missing.join("; ")
        );
        let figure = render_figure(&FigureInput::of_frame(&frame, &processed), &options);
        let written = write_figure(out, &take_name, frame.number, &figure)?;
        if let Some(composite) = written.last() {
            println!("{}", composite.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// What a figure of `processed` would show wrongly: a blank pseudo-depth panel (no
/// usable depth model), an unmasked frame in the "masked" panel, no prediction (no
/// usable pose model). Empty when every panel shows what its name says.
fn missing_panels(processed: &Processed) -> Vec<String> {
    let mut missing = Vec::new();
    if processed.pseudo_depth.is_none() {
        missing.push("a blank pseudo-depth panel (the depth model is not usable)".to_owned());
    }
    if let Some(reason) = &processed.mask_skipped {
        missing.push(format!("the unmasked frame as the masked panel ({reason})"));
    }
    if processed.pose.is_none() {
        missing.push("no predicted pose (the pose model is not usable)".to_owned());
    }
    missing
}
