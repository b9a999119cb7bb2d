//! `sharp-viewer figure ROOT --frames 0,10,20`: paper figures (the chosen panels alone
//! and their composite) of frames of a take, rendered on the CPU.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;

use super::{EngineArgs, MaskArgs};
use crate::figure::{
    FigureInput, FigureOptions, missing_panels, render_figure, unusable_models, write_figure,
};
use crate::source::FrameSource;

/// Which frames of which take, and where their files go.
#[derive(Clone, Debug)]
pub struct FigureRequest<'a> {
    /// The take's name below the root (`None`: the first take).
    pub take: Option<&'a str>,
    /// Timeline positions (0-based).
    pub frames: &'a [usize],
    /// The folder the files go to.
    pub out: &'a Path,
    /// SVG files beside the PNG files.
    pub svg: bool,
}

/// Processes the frames `request` names of a take under `path` and writes their figures
/// (PNG, and SVG when asked); prints the absolute path of every file written. Refuses,
/// before any frame, when a model the panels need is not usable, and at a frame whose
/// chain did not produce every panel.
pub fn run(
    path: &Path,
    request: &FigureRequest<'_>,
    options: FigureOptions,
    engine: &EngineArgs,
    mask: &MaskArgs,
) -> anyhow::Result<ExitCode> {
    let FigureRequest {
        take,
        frames,
        out,
        svg,
    } = *request;
    let (mut source, mut processor, settings) = super::take_processor(path, take, engine, mask)?;
    let take_name = source.take().name.clone();
    let length = source.info().frame_count;
    let out = std::path::absolute(out)
        .with_context(|| format!("{}: cannot make the path absolute", out.display()))?;
    let unusable = unusable_models(processor.models(), &settings, &options);
    anyhow::ensure!(
        unusable.is_empty(),
        "no figure written: {}",
        unusable.join("; ")
    );
    for &position in frames {
        anyhow::ensure!(
            position < length,
            "frame {position} is past the end of {take_name} ({length} frames)"
        );
        let frame = source
            .read(position)
            .with_context(|| format!("{take_name}: cannot read frame {position}"))?;
        let processed = processor.process(&frame, &settings);
        for problem in processed.problems.iter() {
            eprintln!(
                "{take_name} frame {position}: {}: {problem}",
                problem.severity.name()
            );
        }
        let missing = missing_panels(&frame, &processed, &options);
        anyhow::ensure!(
            missing.is_empty(),
            "{take_name} frame {position}: no figure written, it would show {}",
            missing.join("; ")
        );
        let input = FigureInput::of_frame(&take_name, &frame, &processed, settings.mask);
        let figure = render_figure(&input, &options)?;
        let written = write_figure(&out, &take_name, frame.number, &figure, svg)?;
        for path in &written {
            println!("{}", path.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}
