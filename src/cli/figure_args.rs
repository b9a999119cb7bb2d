//! How the `figure` (and `clip`) commands draw: panels, layout, theme, legend,
//! annotation, what the panels show.

use clap::Args;

use crate::figure::{
    CameraPreset, DisplayOptions, FigureCamera, FigureOptions, Layout, Panel, Theme,
};

/// Panels, layout and display options of a figure.
#[derive(Clone, Debug, Args)]
pub struct FigureArgs {
    /// Panels to draw, in order, comma-separated: rgb, depth, masked, pose2d, skeleton3d.
    #[arg(
        long,
        value_delimiter = ',',
        num_args = 1..,
        default_value = "rgb,depth,masked,pose2d,skeleton3d"
    )]
    pub panels: Vec<Panel>,
    /// Panels per row of the composite (0: all in one row).
    #[arg(long, default_value_t = 0)]
    pub columns: usize,
    /// Gap between and around the panels, in frame pixels.
    #[arg(long, default_value_t = 16.0, value_parser = non_negative)]
    pub spacing: f32,
    /// Colours: dark (as the viewer) or light (for printed pages).
    #[arg(long, default_value = "dark")]
    pub theme: Theme,
    /// A legend under the panels: finger colours, ground truth, error scale, the
    /// pseudo-depth colour bar with the kept range marked.
    #[arg(long)]
    pub legend: bool,
    /// A line over the panels: take, frame, mask range and the frame's MPJPE.
    #[arg(long)]
    pub annotate: bool,
    /// View of the 3D skeleton panel: front, side or top.
    #[arg(long, default_value = "front")]
    pub camera: CameraPreset,
    /// Draw each panel's name on it.
    #[arg(long)]
    pub labels: bool,
    /// Colour predicted joints by their error against the ground truth (green < 20 mm,
    /// yellow < 50 mm, red beyond) instead of by finger.
    #[arg(long)]
    pub color_by_error: bool,
    /// Draw the 2D skeletons over the masked panel too.
    #[arg(long)]
    pub skeleton_on_masked: bool,
    /// PNG pixels per frame pixel: 1, 2 or 4 (print).
    #[arg(long, default_value_t = crate::figure::DEFAULT_SCALE, value_parser = scale)]
    pub scale: u32,
}

impl FigureArgs {
    /// The figure options these arguments ask for.
    pub fn options(&self) -> FigureOptions {
        FigureOptions {
            camera: FigureCamera::Preset(self.camera),
            labels: self.labels,
            display: DisplayOptions {
                color_by_error: self.color_by_error,
                skeleton_on_masked: self.skeleton_on_masked,
                ..DisplayOptions::default()
            },
            layout: Layout {
                panels: self.panels.clone(),
                columns: self.columns,
                spacing: self.spacing,
                theme: self.theme,
                legend: self.legend,
                annotate: self.annotate,
            },
            scale: self.scale,
        }
    }
}

/// A finite number of frame pixels, not negative.
fn non_negative(text: &str) -> Result<f32, String> {
    match text.parse::<f32>() {
        Ok(value) if value.is_finite() && value >= 0.0 => Ok(value),
        Ok(value) => Err(format!("{value} is not a gap (expected 0 or more)")),
        Err(error) => Err(error.to_string()),
    }
}

/// 1, 2 or 4.
fn scale(text: &str) -> Result<u32, String> {
    match text.parse::<u32>() {
        Ok(value @ (1 | 2 | 4)) => Ok(value),
        _ => Err(format!("{text:?} is not a scale (expected 1, 2 or 4)")),
    }
}
