//! Figure export from the viewer: the shown frame's figure, with the 3D panel seen as the
//! user left the 3D view, rendered and written on its own thread so the window stays live.

use std::path::PathBuf;

use super::background::{BackgroundJob, JobState, Wake};
use super::settings::ViewerSettings;
use super::skeleton_view::OrbitCamera;
use crate::figure::{
    DepthPanel, DisplayOptions, FigureCamera, FigureInput, FigureOptions, Layout, Panel,
    render_figure, write_figure,
};
use crate::pipeline::FrameResult;

/// A figure being rendered and written.
pub struct FigureExport {
    job: BackgroundJob<String>,
}

impl FigureExport {
    /// Starts rendering `result`'s figure as `options` say into `folder`, files named
    /// after `take`; `wake` is called when it is done so the window shows the outcome.
    pub fn start(
        result: &FrameResult,
        take: String,
        options: FigureOptions,
        folder: PathBuf,
        wake: Wake,
    ) -> std::io::Result<Self> {
        let result = result.clone();
        let job = BackgroundJob::spawn("figure-export", wake, move || {
            export(&result, &take, &options, &folder)
        })?;
        Ok(Self { job })
    }

    /// The outcome, once the figure is written (or failed): where it went, or why not.
    pub fn finished(&self) -> Option<String> {
        match self.job.poll() {
            JobState::Done(message) => Some(message),
            JobState::Running => None,
            JobState::Crashed => Some(
                "the figure export crashed (see the log); files it had not written yet are \
                 missing"
                    .into(),
            ),
        }
    }
}

/// Renders and writes the figure; says where it went or why it failed.
fn export(
    result: &FrameResult,
    take: &str,
    options: &FigureOptions,
    folder: &std::path::Path,
) -> String {
    let written = render_figure(
        &FigureInput::of_frame(take, &result.frame, &result.processed, result.settings.mask),
        options,
    )
    .and_then(|figure| write_figure(folder, take, result.frame.number, &figure, false));
    match written {
        Ok(paths) => format!(
            "figure written: {}",
            paths.last().map_or(folder, |path| path.as_path()).display()
        ),
        Err(error) => error.to_string(),
    }
}

/// The figure of what the window shows: its four panels in its 2x2 grid with their
/// names, the 3D panel seen as the 3D view shows it (recording camera and object points
/// included), skeletons where the display options draw them and in their error colours
/// when those are on, the depth map `depth` in the depth panel (the one the window's depth
/// panel shows, [`ViewerSettings::depth_panel`]), with the legend and the frame's
/// annotation.
pub fn viewer_figure_options(settings: &ViewerSettings, depth: DepthPanel) -> FigureOptions {
    FigureOptions {
        camera: FigureCamera::View {
            view: settings.camera_3d.view(),
            fov_y: OrbitCamera::FOV_Y,
        },
        labels: true,
        display: DisplayOptions {
            skeleton_on_rgb: settings.show_2d_skeleton,
            skeleton_on_masked: settings.skeleton_on_masked,
            color_by_error: settings.color_by_error,
            object: true,
            camera_frustum: true,
            depth,
        },
        layout: Layout {
            panels: vec![
                Panel::Rgb,
                Panel::PseudoDepth,
                Panel::Masked,
                Panel::Skeleton3d,
            ],
            columns: 2,
            legend: true,
            annotate: true,
            ..Layout::default()
        },
        ..FigureOptions::default()
    }
}
