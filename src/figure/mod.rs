//! Paper figures of one frame, rendered on the CPU (no window, no GPU): each chosen panel
//! alone (RGB with the 2D skeleton, pseudo-depth, masked frame, 2D pose, 3D scene seen
//! from a fixed camera preset or a given view) and their composite in a row or grid
//! ([`Layout`]: spacing, theme, legend, annotation), text in the viewer's own font,
//! written as PNG files (1, 2 or 4 pixels per frame pixel) and SVG for the vector panels
//! and the composite, named after the take and the frame; and clips of consecutive
//! composites as GIF or mp4 ([`ClipWriter`]).

mod camera;
mod canvas;
mod clip;
mod font;
mod layout;
mod outcome;
mod panels;
mod raster;
mod readiness;
mod svg;

use std::path::{Path, PathBuf};
use std::str::FromStr;

use image::{GrayImage, ImageEncoder, RgbImage};

pub use camera::{CameraPreset, FigureCamera, UnknownPreset};
pub use canvas::{Canvas, Shape};
pub use clip::{
    ClipError, ClipExportError, ClipFormat, ClipProgress, ClipRequest, ClipWriter, ClipWritten,
    UnknownClipFormat, clip_format, export_clip,
};
pub use font::FontError;
pub use layout::{Layout, Theme, UnknownTheme, annotation_text};
pub use outcome::pose_outcome;
pub use readiness::{missing_panels, unusable_models};
pub use svg::{SvgError, to_svg};

use crate::chain::{MaskSettings, PoseOutcome, Processed};
use crate::dataset::annotations::ObjectPose;
use crate::dataset::images::DepthMillimetres;
use crate::geometry::{CameraIntrinsics, TwoHands};
use crate::source::Frame;

/// Figures are this many pixels per frame pixel unless told otherwise.
pub const DEFAULT_SCALE: u32 = 2;

/// Why a figure could not be drawn or written.
#[derive(Debug, thiserror::Error)]
pub enum FigureError {
    /// A file could not be encoded or written.
    #[error("{path}: cannot write the figure: {source}")]
    Write {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        source: std::io::Error,
    },
    /// Text could not be drawn.
    #[error(transparent)]
    Font(#[from] FontError),
    /// The layout has no panel to draw.
    #[error("the figure has no panel (choose at least one of {})", Panel::names())]
    NoPanels,
}

/// The panels of a figure, in the default composite order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Panel {
    /// The frame with the 2D skeleton over it.
    Rgb,
    /// The depth map, colour-mapped: pseudo-depth, or the ground truth where
    /// [`DisplayOptions::depth`] says so (the file part stays `depth`).
    PseudoDepth,
    /// The range-masked frame.
    Masked,
    /// The 2D skeleton alone.
    Pose2d,
    /// The 3D skeleton from the figure's camera.
    Skeleton3d,
}

impl Panel {
    /// All panels, left to right.
    pub const ALL: [Panel; 5] = [
        Self::Rgb,
        Self::PseudoDepth,
        Self::Masked,
        Self::Pose2d,
        Self::Skeleton3d,
    ];

    /// The panel's part of the file name, and its name on the command line.
    pub fn file_part(self) -> &'static str {
        match self {
            Self::Rgb => "rgb",
            Self::PseudoDepth => "depth",
            Self::Masked => "masked",
            Self::Pose2d => "pose2d",
            Self::Skeleton3d => "skeleton3d",
        }
    }

    /// The panel's label in a figure drawn with `display`: the depth panel says which
    /// depth map it shows.
    pub fn label_for(self, display: &DisplayOptions) -> &'static str {
        match (self, display.depth) {
            (Self::PseudoDepth, DepthPanel::GroundTruth) => "GT depth (mm)",
            _ => self.label(),
        }
    }

    /// The panel's label.
    pub fn label(self) -> &'static str {
        match self {
            Self::Rgb => "RGB",
            Self::PseudoDepth => "Pseudo-depth",
            Self::Masked => "Masked",
            Self::Pose2d => "2D pose",
            Self::Skeleton3d => "3D skeleton",
        }
    }

    /// Whether the panel is drawn from shapes alone (no picture), so that SVG keeps it
    /// sharp at any size.
    pub fn is_vector(self) -> bool {
        matches!(self, Self::Pose2d | Self::Skeleton3d)
    }

    /// "rgb, depth, masked, pose2d or skeleton3d".
    fn names() -> String {
        let names: Vec<&str> = Self::ALL.iter().map(|panel| panel.file_part()).collect();
        format!(
            "{} or {}",
            names[..names.len() - 1].join(", "),
            names[names.len() - 1]
        )
    }
}

/// A panel name that does not exist.
#[derive(Debug, thiserror::Error)]
#[error("unknown panel {0:?} (expected {names})", names = Panel::names())]
pub struct UnknownPanel(String);

impl FromStr for Panel {
    type Err = UnknownPanel;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|panel| panel.file_part().eq_ignore_ascii_case(text.trim()))
            .ok_or_else(|| UnknownPanel(text.to_owned()))
    }
}

/// What a figure is drawn from: one processed frame.
#[derive(Clone, Copy, Debug)]
pub struct FigureInput<'a> {
    /// The take (or source) the frame comes from, for the annotation.
    pub take: &'a str,
    /// The frame's number, for the annotation.
    pub frame_number: u32,
    /// The frame.
    pub rgb: &'a RgbImage,
    /// The 8-bit pseudo-depth map, when depth was estimated.
    pub pseudo_depth: Option<&'a GrayImage>,
    /// The ground-truth depth (millimetres), when the source has it.
    pub depth_mm: Option<&'a DepthMillimetres>,
    /// The range-masked frame.
    pub masked: &'a RgbImage,
    /// How the frame was masked.
    pub mask: MaskSettings,
    /// The pose network's answer, if it ran.
    pub pose: Option<&'a PoseOutcome>,
    /// Ground-truth hands (metres, camera frame), if annotated.
    pub ground_truth: Option<&'a TwoHands>,
    /// The ground-truth object, if annotated.
    pub object: Option<&'a ObjectPose>,
    /// The camera that took the frame (projects the ground truth).
    pub intrinsics: &'a CameraIntrinsics,
}

impl<'a> FigureInput<'a> {
    /// The figure input of a frame of `take`, masked with `mask`, and what the chain
    /// computed for it.
    pub fn of_frame(
        take: &'a str,
        frame: &'a Frame,
        processed: &'a Processed,
        mask: MaskSettings,
    ) -> Self {
        Self {
            take,
            frame_number: frame.number,
            rgb: &frame.rgb,
            pseudo_depth: processed.pseudo_depth.as_deref(),
            depth_mm: frame.depth_mm.as_deref(),
            masked: &processed.masked,
            mask,
            pose: processed.pose.as_ref(),
            ground_truth: frame.annotations.hands.as_ref(),
            object: frame.annotations.object.as_ref(),
            intrinsics: &frame.intrinsics,
        }
    }

    /// The frame's pose error, where it has both a pose and ground-truth hands.
    pub fn outcome(&self) -> Option<crate::eval::FrameOutcome> {
        Some(pose_outcome(
            self.pose?,
            self.ground_truth?,
            self.intrinsics,
        ))
    }
}

/// Which depth map the depth panel shows, as the viewer's depth panel does.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum DepthPanel {
    /// SHARP's 8-bit pseudo-depth (inverse depth; near is red).
    #[default]
    Pseudo,
    /// The ground-truth depth in millimetres (near is red).
    GroundTruth,
}

/// What the panels show, as the viewer's display options do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DisplayOptions {
    /// The 2D skeletons over the RGB panel.
    pub skeleton_on_rgb: bool,
    /// The 2D skeletons over the masked panel.
    pub skeleton_on_masked: bool,
    /// Predicted joints coloured by their error against the ground truth (where there is
    /// one) instead of by finger.
    pub color_by_error: bool,
    /// The ground-truth object points in the 3D panel.
    pub object: bool,
    /// The recording camera's frustum in the 3D panel.
    pub camera_frustum: bool,
    /// The depth map of the depth panel.
    pub depth: DepthPanel,
}

impl Default for DisplayOptions {
    fn default() -> Self {
        Self {
            skeleton_on_rgb: true,
            skeleton_on_masked: false,
            color_by_error: false,
            object: true,
            camera_frustum: true,
            depth: DepthPanel::Pseudo,
        }
    }
}

/// How a figure is drawn (default: every panel in a row, front camera preset, no labels,
/// dark theme, [`DEFAULT_SCALE`]).
#[derive(Clone, Debug, PartialEq)]
pub struct FigureOptions {
    /// The 3D panel's view.
    pub camera: FigureCamera,
    /// Panel names over each panel.
    pub labels: bool,
    /// What the panels show.
    pub display: DisplayOptions,
    /// Which panels, and how they are arranged.
    pub layout: Layout,
    /// PNG pixels per frame pixel (1, 2 or 4 for print).
    pub scale: u32,
}

impl Default for FigureOptions {
    fn default() -> Self {
        Self {
            camera: FigureCamera::default(),
            labels: false,
            display: DisplayOptions::default(),
            layout: Layout::default(),
            scale: DEFAULT_SCALE,
        }
    }
}

/// A rendered figure: the chosen panels at the options' scale times the frame size, and
/// their composite, both as shapes (for vector output) and as pixels.
#[derive(Clone, Debug)]
pub struct Figure {
    /// The panels, in the layout's order.
    pub panels: Vec<(Panel, RgbImage)>,
    /// The composite.
    pub composite: RgbImage,
    /// The panels as shapes, in the layout's order.
    pub panel_canvases: Vec<(Panel, Canvas)>,
    /// The composite as shapes.
    pub composite_canvas: Canvas,
    /// PNG pixels per figure unit (SVG files are this many times the frame size on the
    /// page).
    pub scale: f32,
}

impl Figure {
    /// One panel of the figure.
    pub fn panel(&self, panel: Panel) -> Option<&RgbImage> {
        self.panels
            .iter()
            .find(|(kind, _)| *kind == panel)
            .map(|(_, image)| image)
    }
}

/// The chosen panels and their composite as shapes.
fn canvases(
    input: &FigureInput<'_>,
    options: &FigureOptions,
) -> Result<(Vec<(Panel, Canvas)>, Canvas), FigureError> {
    if options.layout.panels.is_empty() {
        return Err(FigureError::NoPanels);
    }
    let outcome = input.outcome();
    let panel_canvases: Vec<(Panel, Canvas)> = options
        .layout
        .panels
        .iter()
        .map(|&panel| {
            let mut canvas = panels::panel_canvas(panel, input, options, outcome.as_ref());
            if options.labels {
                draw_label(&mut canvas, panel.label_for(&options.display))?;
            }
            Ok((panel, canvas))
        })
        .collect::<Result<_, FigureError>>()?;
    let composite = layout::compose(&panel_canvases, input, options, outcome.as_ref())?;
    Ok((panel_canvases, composite))
}

/// Renders the composite of one frame alone (a clip's frame).
pub fn render_composite(
    input: &FigureInput<'_>,
    options: &FigureOptions,
) -> Result<RgbImage, FigureError> {
    let (_, composite) = canvases(input, options)?;
    Ok(composite.rasterize(options.scale.max(1) as f32)?)
}

/// Renders the figure of one frame.
pub fn render_figure(
    input: &FigureInput<'_>,
    options: &FigureOptions,
) -> Result<Figure, FigureError> {
    let (panel_canvases, composite_canvas) = canvases(input, options)?;
    let scale = options.scale.max(1) as f32;
    let panels: Vec<(Panel, RgbImage)> = panel_canvases
        .iter()
        .map(|(panel, canvas)| Ok((*panel, canvas.rasterize(scale)?)))
        .collect::<Result<_, FigureError>>()?;
    // The composite's first nested canvases are the panels: it takes their rasters instead
    // of drawing them again (the same pixels, as a nested canvas is drawn as its own
    // raster placed at its rounded corner).
    let mut from_rasters = composite_canvas.clone();
    let mut rasters = panels.iter().map(|(_, image)| image);
    for shape in &mut from_rasters.shapes {
        if let Shape::Nested { origin, canvas } = shape {
            let (origin, size) = (*origin, canvas.size);
            let Some(raster) = rasters.next() else {
                break;
            };
            *shape = Shape::Image {
                origin,
                size,
                image: std::sync::Arc::new(raster.clone()),
            };
        }
    }
    let composite = from_rasters.rasterize(scale)?;
    Ok(Figure {
        panels,
        composite,
        panel_canvases,
        composite_canvas,
        scale,
    })
}

/// The file name of one part (`composite` or a [`Panel::file_part`]) of the figure of frame
/// `frame` of take `take`, with the extension `extension`:
/// `subject1_h1_0_frame000123_composite.png`.
pub fn figure_file_name(take: &str, frame: u32, part: &str, extension: &str) -> String {
    let take: String = take
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{take}_frame{frame:06}_{part}.{extension}")
}

/// Writes every panel and the composite into `dir` as PNG, and with `svg` the vector
/// panels ([`Panel::is_vector`]) and the composite as SVG too, each file atomically;
/// returns the paths written, the composite PNG last.
pub fn write_figure(
    dir: &Path,
    take: &str,
    frame: u32,
    figure: &Figure,
    svg: bool,
) -> Result<Vec<PathBuf>, FigureError> {
    let mut written = Vec::new();
    if svg {
        let parts = figure
            .panel_canvases
            .iter()
            .filter(|(panel, _)| panel.is_vector())
            .map(|(panel, canvas)| (panel.file_part(), canvas))
            .chain(std::iter::once(("composite", &figure.composite_canvas)));
        for (part, canvas) in parts {
            let path = dir.join(figure_file_name(take, frame, part, "svg"));
            svg::write_svg(&path, canvas, figure.scale)?;
            written.push(path);
        }
    }
    let parts = figure
        .panels
        .iter()
        .map(|(panel, image)| (panel.file_part(), image))
        .chain(std::iter::once(("composite", &figure.composite)));
    for (part, image) in parts {
        let path = dir.join(figure_file_name(take, frame, part, "png"));
        write_png(&path, image)?;
        written.push(path);
    }
    Ok(written)
}

/// Writes `image` to `path` as PNG, atomically.
pub fn write_png(path: &Path, image: &RgbImage) -> Result<(), FigureError> {
    crate::atomic_file::write_atomic_with(path, |writer| {
        image::codecs::png::PngEncoder::new(writer)
            .write_image(
                image.as_raw(),
                image.width(),
                image.height(),
                image::ExtendedColorType::Rgb8,
            )
            .map_err(std::io::Error::other)
    })
    .map_err(|source| FigureError::Write {
        path: path.to_owned(),
        source,
    })
}

/// Writes `text` at the panel's top-left corner on a black box.
fn draw_label(canvas: &mut Canvas, text: &str) -> Result<(), FigureError> {
    let size = (canvas.size.y / 18.0).clamp(6.0, 48.0);
    let margin = size * 0.3;
    let (text_width, text_height) = font::text_size(text, size)?;
    canvas.push(Shape::Rect {
        origin: glam::Vec2::splat(margin),
        size: glam::Vec2::new(text_width + 2.0 * margin, text_height + margin),
        color: [0, 0, 0],
    });
    canvas.text(
        glam::Vec2::new(2.0 * margin, 1.5 * margin),
        size,
        [255, 255, 255],
        text,
    )?;
    Ok(())
}
