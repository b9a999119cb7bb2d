//! The worker thread: turns frames into everything the panels show.

use std::sync::Arc;
use std::time::Instant;

use crossbeam_channel::{Receiver, select};
use image::RgbImage;

use super::Repaint;
use super::latest::{LatestReceiver, LatestSender};
use super::messages::{FrameResult, MaskSettings, Seek, Stage};
use crate::mask::{DepthInput, DepthUnit, MaskEngine, MaskPreference};
use crate::source::Frame;
use crate::viz::DepthColormap;

/// Commands the worker obeys.
pub(super) enum WorkerCommand {
    SetMask(MaskSettings),
}

/// Runs until its frame input or command channel closes. Keeps the last frame so a
/// change of mask settings re-masks it at once without reading it again. Masks on the GPU
/// when one is available (see [`MaskEngine`]).
pub(super) fn run(
    frames: LatestReceiver<(Frame, Seek)>,
    commands: Receiver<WorkerCommand>,
    results: LatestSender<FrameResult>,
    mut settings: MaskSettings,
    repaint: Repaint,
) {
    let mut engine = MaskEngine::new(MaskPreference::Auto);
    let mut last: Option<(Frame, Option<Arc<RgbImage>>)> = None;
    loop {
        select! {
            recv(frames.as_receiver()) -> message => {
                let Ok((frame, seek)) = message else { break };
                let started = Instant::now();
                let depth_view = frame.depth_mm.as_ref().map(|depth| Arc::new(DepthColormap::default().colorize_mm(depth)));
                let depth_time = started.elapsed();
                let mut result = process(&mut engine, &frame, depth_view.clone(), settings, seek.requested);
                result.timings.insert(1, (Stage::DepthView, depth_time));
                results.send(result);
                last = Some((frame, depth_view));
            }
            recv(commands) -> message => {
                let Ok(WorkerCommand::SetMask(new_settings)) = message else { break };
                settings = new_settings;
                if let Some((frame, depth_view)) = &last {
                    results.send(process(&mut engine, frame, depth_view.clone(), settings, Instant::now()));
                }
            }
        }
        repaint();
    }
}

/// Masks one frame with `settings`.
fn process(
    engine: &mut MaskEngine,
    frame: &Frame,
    depth_view: Option<Arc<RgbImage>>,
    settings: MaskSettings,
    requested: Instant,
) -> FrameResult {
    let mut problems = frame.annotations.problems.clone();
    let started = Instant::now();
    let (masked, kept_fraction) = match (settings.depth, &frame.depth_mm, settings.range) {
        (_, _, None) => (Arc::clone(&frame.rgb), 1.0),
        (DepthUnit::Millimetres, Some(depth), Some(range)) => {
            match engine.mask(
                &frame.rgb,
                DepthInput::Millimetres(depth),
                Some(range),
                None,
            ) {
                Ok(outcome) => {
                    let kept_fraction = outcome.kept_fraction();
                    (Arc::new(outcome.masked), kept_fraction)
                }
                Err(message) => {
                    problems.push(format!("masking skipped: {message}"));
                    (Arc::clone(&frame.rgb), 1.0)
                }
            }
        }
        (DepthUnit::Millimetres, None, Some(_)) => {
            problems.push("masking skipped: this frame has no ground-truth depth".into());
            (Arc::clone(&frame.rgb), 1.0)
        }
        (DepthUnit::InverseDepth8, _, Some(_)) => {
            problems
                .push("masking skipped: pseudo-depth needs the depth model (not loaded)".into());
            (Arc::clone(&frame.rgb), 1.0)
        }
    };
    let mask_time = started.elapsed();
    FrameResult {
        frame: frame.clone(),
        masked,
        kept_fraction,
        depth_view,
        mask: settings,
        timings: vec![(Stage::Read, frame.read_time), (Stage::Mask, mask_time)],
        latency: requested.elapsed(),
        problems,
        mask_backend: engine.backend().to_string(),
    }
}
