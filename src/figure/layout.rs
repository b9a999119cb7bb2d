//! How a figure's panels are arranged: which panels, in a row or a grid, the gaps around
//! them, light or dark colours, and the optional annotation line (take, frame, mask
//! range, MPJPE) above and legend (skeleton colours, error scale, pseudo-depth colour
//! bar with the kept range marked) below.

use std::str::FromStr;
use std::sync::Arc;

use glam::Vec2;
use image::{Rgb, RgbImage};

use super::canvas::{Canvas, Shape};
use super::font::FontError;
use super::{DepthPanel, FigureInput, FigureOptions, Panel};
use crate::eval::FrameOutcome;
use crate::geometry::Hand;
use crate::mask::DepthUnit;

/// The figure's colours.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Theme {
    /// Light text on dark grey, as the viewer looks.
    #[default]
    Dark,
    /// Dark text on white, for printed pages.
    Light,
}

impl Theme {
    /// Around and between the panels.
    pub fn background(self) -> [u8; 3] {
        match self {
            Self::Dark => [12, 12, 12],
            Self::Light => [255, 255, 255],
        }
    }

    /// Behind the skeleton-only panels (and the depth panel without depth).
    pub fn panel_background(self) -> [u8; 3] {
        match self {
            Self::Dark => [24, 24, 24],
            Self::Light => [242, 242, 242],
        }
    }

    /// Text and range marks.
    pub fn text(self) -> [u8; 3] {
        match self {
            Self::Dark => [235, 235, 235],
            Self::Light => [20, 20, 20],
        }
    }

    /// Ground-truth skeletons (the viewer's overlay grey on dark; darker on white so it
    /// shows).
    pub fn ground_truth(self) -> [u8; 3] {
        match self {
            Self::Dark => [235, 235, 235],
            Self::Light => [110, 110, 110],
        }
    }

    /// The recording camera's frustum in the 3D panel.
    pub fn frustum(self) -> [u8; 3] {
        [150, 150, 150]
    }
}

/// A theme name that does not exist.
#[derive(Debug, thiserror::Error)]
#[error("unknown theme {0:?} (expected dark or light)")]
pub struct UnknownTheme(String);

impl FromStr for Theme {
    type Err = UnknownTheme;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.to_ascii_lowercase().as_str() {
            "dark" => Ok(Self::Dark),
            "light" => Ok(Self::Light),
            _ => Err(UnknownTheme(text.to_owned())),
        }
    }
}

/// Where the panels go and what surrounds them.
#[derive(Clone, Debug, PartialEq)]
pub struct Layout {
    /// The panels, in reading order (left to right, then down).
    pub panels: Vec<Panel>,
    /// Panels per row; 0 puts them all in one row.
    pub columns: usize,
    /// Gap between panels and around them, in figure units (frame pixels).
    pub spacing: f32,
    /// Colours.
    pub theme: Theme,
    /// A legend under the panels.
    pub legend: bool,
    /// A line over the panels: take, frame, mask range and the frame's MPJPE.
    pub annotate: bool,
}

impl Default for Layout {
    fn default() -> Self {
        Self {
            panels: Panel::ALL.to_vec(),
            columns: 0,
            spacing: 16.0,
            theme: Theme::Dark,
            legend: false,
            annotate: false,
        }
    }
}

impl Layout {
    /// Columns and rows of the grid for `count` panels.
    pub fn grid(&self, count: usize) -> (usize, usize) {
        let columns = if self.columns == 0 {
            count.max(1)
        } else {
            self.columns.min(count.max(1))
        };
        (columns, count.div_ceil(columns))
    }
}

/// Text size (pixels per em, figure units) for panels `panel_height` units tall.
pub fn text_size(panel_height: f32) -> f32 {
    (panel_height / 16.0).max(8.0)
}

/// Arranges the rendered `panels` (all the size of the frame) into the composite.
pub fn compose(
    panels: &[(Panel, Canvas)],
    input: &FigureInput<'_>,
    options: &FigureOptions,
    outcome: Option<&FrameOutcome>,
) -> Result<Canvas, FontError> {
    let layout = &options.layout;
    let theme = layout.theme;
    let cell = panels.first().map_or(Vec2::ONE, |(_, canvas)| canvas.size);
    let spacing = layout.spacing.max(0.0);
    let (columns, rows) = layout.grid(panels.len());
    let size = text_size(cell.y);
    let grid_width = columns as f32 * (cell.x + spacing) + spacing;
    let annotation = if layout.annotate {
        let text = annotation_text(input, outcome);
        Some(label(theme.background(), theme.text(), size, &text)?)
    } else {
        None
    };
    // The figure grows to hold an annotation or a legend entry wider than the panels (one
    // narrow panel), the panels centred, so that no text is cut off at its edge; the
    // legend wraps at the width that leaves.
    let width = annotation.as_ref().map_or(grid_width, |line| {
        grid_width.max(line.size.x + 2.0 * spacing)
    });
    let legend = if layout.legend {
        Some(legend(input, options, size, width - 2.0 * spacing)?)
    } else {
        None
    };
    let width = legend
        .as_ref()
        .map_or(width, |legend| width.max(legend.size.x + 2.0 * spacing));
    let grid_left = ((width - grid_width) / 2.0).round();
    let line_height = super::font::text_size("Mg", size)?.1;
    let grid_top = spacing + annotation.as_ref().map_or(0.0, |_| line_height + spacing);
    let grid_height = rows as f32 * (cell.y + spacing);
    let height = grid_top + grid_height + legend.as_ref().map_or(0.0, |l| l.size.y + spacing);
    let mut canvas = Canvas::new(Vec2::new(width, height), theme.background());
    for (index, (_, panel)) in panels.iter().enumerate() {
        let (column, row) = (index % columns, index / columns);
        let origin = Vec2::new(
            grid_left + spacing + column as f32 * (cell.x + spacing),
            grid_top + row as f32 * (cell.y + spacing),
        );
        canvas.place(panel.clone(), origin);
    }
    // After the panels: the composite's first nested canvases are the panels
    // (`render_figure` draws them from their rasters).
    if let Some(annotation) = annotation {
        canvas.place(annotation, Vec2::splat(spacing));
    }
    if let Some(legend) = legend {
        canvas.place(legend, Vec2::new(spacing, grid_top + grid_height));
    }
    Ok(canvas)
}

/// "take · frame 12 · kept pseudo-depth 120–255 · MPJPE 23.4 mm".
pub fn annotation_text(input: &FigureInput<'_>, outcome: Option<&FrameOutcome>) -> String {
    let mpjpe = match (outcome.and_then(FrameOutcome::mpjpe_mm), input.pose) {
        (Some(mpjpe), _) => format!("MPJPE {mpjpe:.1} mm"),
        (None, None) => "no pose".to_owned(),
        (None, Some(_)) if input.ground_truth.is_none() => "no ground truth".to_owned(),
        (None, Some(_)) => "MPJPE: no hand both annotated and found".to_owned(),
    };
    format!(
        "{} · frame {} · {} · {mpjpe}",
        input.take,
        input.frame_number,
        range_text(input)
    )
}

/// The mask range in words.
fn range_text(input: &FigureInput<'_>) -> String {
    match (input.mask.range, input.mask.depth) {
        (None, _) => "no mask".to_owned(),
        (Some(range), DepthUnit::InverseDepth8) => {
            format!("kept pseudo-depth {:.0}–{:.0}", range.near, range.far)
        }
        (Some(range), DepthUnit::Millimetres) => {
            format!("kept depth {:.0}–{:.0} mm", range.near, range.far)
        }
    }
}

/// Lays legend entries left to right, wrapping at `width`; an entry wider than that
/// gets a row of its own and widens the legend.
struct Flow {
    canvas: Canvas,
    caret: Vec2,
    row_height: f32,
    gap: f32,
    /// The right edge of the widest row so far.
    widest: f32,
}

impl Flow {
    fn add(&mut self, entry: Canvas) {
        if self.caret.x > 0.0 && self.caret.x + entry.size.x > self.canvas.size.x {
            self.caret = Vec2::new(0.0, self.caret.y + self.row_height + self.gap * 0.5);
            self.row_height = 0.0;
        }
        let size = entry.size;
        self.canvas.place(entry, self.caret);
        self.widest = self.widest.max(self.caret.x + size.x);
        self.caret.x += size.x + self.gap;
        self.row_height = self.row_height.max(size.y);
    }

    fn finish(mut self) -> Canvas {
        self.canvas.size.y = self.caret.y + self.row_height;
        self.canvas.size.x = self.canvas.size.x.max(self.widest.ceil());
        self.canvas
    }
}

/// How a legend swatch is drawn.
#[derive(Clone, Copy)]
enum Swatch {
    /// A bone ending in a joint.
    Bone([u8; 3]),
    /// A point.
    Point([u8; 3]),
}

/// A swatch and its label.
fn entry(
    background: [u8; 3],
    text_color: [u8; 3],
    size: f32,
    swatch: Swatch,
    label: &str,
) -> Result<Canvas, FontError> {
    let (text_width, text_height) = super::font::text_size(label, size)?;
    let swatch_width = size * 1.4;
    let mut canvas = Canvas::new(
        Vec2::new(swatch_width + size * 0.3 + text_width, text_height),
        background,
    );
    let middle = text_height * 0.55;
    match swatch {
        Swatch::Bone(color) => {
            let end = Vec2::new(swatch_width * 0.8, middle);
            canvas.push(Shape::Line {
                from: Vec2::new(swatch_width * 0.1, middle),
                to: end,
                width: size * 0.12,
                color,
            });
            canvas.push(Shape::Disc {
                centre: end,
                radius: size * 0.18,
                color,
            });
        }
        Swatch::Point(color) => canvas.push(Shape::Disc {
            centre: Vec2::new(swatch_width * 0.5, middle),
            radius: size * 0.25,
            color,
        }),
    }
    canvas.text(
        Vec2::new(swatch_width + size * 0.3, 0.0),
        size,
        text_color,
        label,
    )?;
    Ok(canvas)
}

/// A plain label.
fn label(background: [u8; 3], color: [u8; 3], size: f32, text: &str) -> Result<Canvas, FontError> {
    let (width, height) = super::font::text_size(text, size)?;
    let mut canvas = Canvas::new(Vec2::new(width, height), background);
    canvas.text(Vec2::ZERO, size, color, text)?;
    Ok(canvas)
}

/// The legend for what the figure shows, `width` units wide at most.
fn legend(
    input: &FigureInput<'_>,
    options: &FigureOptions,
    size: f32,
    width: f32,
) -> Result<Canvas, FontError> {
    let theme = options.layout.theme;
    let (background, text) = (theme.background(), theme.text());
    let mut flow = Flow {
        canvas: Canvas::new(Vec2::new(width.max(1.0), 0.0), background),
        caret: Vec2::ZERO,
        row_height: 0.0,
        gap: size,
        widest: 0.0,
    };
    let panels = &options.layout.panels;
    let skeletons = panels.iter().any(|panel| {
        matches!(panel, Panel::Pose2d | Panel::Skeleton3d)
            || (*panel == Panel::Rgb && options.display.skeleton_on_rgb)
            || (*panel == Panel::Masked && options.display.skeleton_on_masked)
    });
    if skeletons {
        if options.display.color_by_error {
            flow.add(label(background, text, size, "Joint error:")?);
            for (color, words) in [
                (
                    crate::viz::GOOD_RGB,
                    format!("< {:.0} mm", crate::viz::GOOD_MM),
                ),
                (
                    crate::viz::FAIR_RGB,
                    format!("< {:.0} mm", crate::viz::FAIR_MM),
                ),
                (
                    crate::viz::BAD_RGB,
                    format!("≥ {:.0} mm", crate::viz::FAIR_MM),
                ),
            ] {
                flow.add(entry(background, text, size, Swatch::Bone(color), &words)?);
            }
        } else {
            let fingers = ["Wrist", "Thumb", "Index", "Middle", "Ring", "Little"];
            flow.add(label(background, text, size, "Prediction:")?);
            for (finger, name) in fingers.into_iter().enumerate() {
                // The finger's tip (the wrist is joint 0).
                let joint = finger * 4;
                let color = crate::viz::joint_rgb(Hand::Right, joint);
                flow.add(entry(background, text, size, Swatch::Bone(color), name)?);
            }
            flow.add(label(background, text, size, "(left hand lighter)")?);
        }
        flow.add(entry(
            background,
            text,
            size,
            Swatch::Bone(theme.ground_truth()),
            "Ground truth",
        )?);
    }
    if panels.contains(&Panel::Skeleton3d) && options.display.object && input.object.is_some() {
        flow.add(entry(
            background,
            text,
            size,
            Swatch::Point(crate::viz::OBJECT_RGB),
            "Object",
        )?);
    }
    if panels.contains(&Panel::PseudoDepth) {
        flow.add(depth_bar(
            input,
            options.display.depth,
            background,
            text,
            size,
        )?);
    }
    Ok(flow.finish())
}

/// What the depth colour bar says: its title, its ends, and where (0 far .. 1 near along
/// the bar) the mask's kept range lies when the mask uses this depth map.
struct DepthScale {
    far: String,
    near: String,
    kept: Option<(f32, f32)>,
}

impl DepthScale {
    /// The scale of the depth map `depth` shows, with `input`'s mask marked on it.
    fn of(input: &FigureInput<'_>, depth: DepthPanel) -> Self {
        match depth {
            DepthPanel::Pseudo => Self {
                far: "Pseudo-depth: far ".to_owned(),
                near: " near".to_owned(),
                kept: match (input.mask.range, input.mask.depth) {
                    (Some(range), DepthUnit::InverseDepth8) => Some((
                        range.near.clamp(0.0, 255.0) / 255.0,
                        range.far.clamp(0.0, 255.0) / 255.0,
                    )),
                    _ => None,
                },
            },
            DepthPanel::GroundTruth => {
                // The viewer's colour map: near_mm red at the right end, far_mm blue.
                let colors = crate::viz::DepthColormap::default();
                let span = (colors.far_mm - colors.near_mm).max(1.0);
                let along = |mm: f32| ((colors.far_mm - mm) / span).clamp(0.0, 1.0);
                Self {
                    far: format!("GT depth: {:.0} mm ", colors.far_mm),
                    near: format!(" {:.0} mm", colors.near_mm),
                    kept: match (input.mask.range, input.mask.depth) {
                        (Some(range), DepthUnit::Millimetres) => {
                            Some((along(range.far), along(range.near)))
                        }
                        _ => None,
                    },
                }
            }
        }
    }
}

/// "Pseudo-depth: far [colour bar] near" (or "GT depth: 3000 mm [colour bar] 250 mm"),
/// the kept range marked on the bar (outside it dimmed towards the background) when the
/// depth map shown drives the mask.
fn depth_bar(
    input: &FigureInput<'_>,
    depth: DepthPanel,
    background: [u8; 3],
    text: [u8; 3],
    size: f32,
) -> Result<Canvas, FontError> {
    let scale = DepthScale::of(input, depth);
    let kept = scale.kept;
    let bar = RgbImage::from_fn(256, 1, |value, _| {
        let along = value as f32 / 255.0;
        let color = crate::viz::turbo(along);
        let inside = kept.is_none_or(|(low, high)| (low..=high).contains(&along));
        if inside {
            Rgb(color)
        } else {
            Rgb(std::array::from_fn(|channel| {
                ((u16::from(color[channel]) + 3 * u16::from(background[channel])) / 4) as u8
            }))
        }
    });
    let (left_width, height) = super::font::text_size(&scale.far, size)?;
    let (right_width, _) = super::font::text_size(&scale.near, size)?;
    let bar_width = size * 10.0;
    let bar_top = height * 0.2;
    let bar_height = height * 0.6;
    let suffix = match (input.mask.range, input.mask.depth, depth) {
        (Some(range), DepthUnit::InverseDepth8, DepthPanel::Pseudo) => {
            format!("   kept {:.0}–{:.0}", range.near, range.far)
        }
        (Some(range), DepthUnit::Millimetres, DepthPanel::GroundTruth) => {
            format!("   kept {:.0}–{:.0} mm", range.near, range.far)
        }
        (Some(range), DepthUnit::InverseDepth8, DepthPanel::GroundTruth) => {
            format!("   mask on pseudo-depth {:.0}–{:.0}", range.near, range.far)
        }
        (Some(range), DepthUnit::Millimetres, DepthPanel::Pseudo) => {
            format!("   mask on depth {:.0}–{:.0} mm", range.near, range.far)
        }
        (None, _, _) => "   no mask".to_owned(),
    };
    let (suffix_width, _) = super::font::text_size(&suffix, size)?;
    let mut canvas = Canvas::new(
        Vec2::new(left_width + bar_width + right_width + suffix_width, height),
        background,
    );
    canvas.text(Vec2::ZERO, size, text, &scale.far)?;
    canvas.push(Shape::Image {
        origin: Vec2::new(left_width, bar_top),
        size: Vec2::new(bar_width, bar_height),
        image: Arc::new(bar),
    });
    if let Some((low, high)) = kept {
        for along in [low, high] {
            let x = left_width + bar_width * along;
            canvas.push(Shape::Line {
                from: Vec2::new(x, 0.0),
                to: Vec2::new(x, height),
                width: size * 0.08,
                color: text,
            });
        }
    }
    canvas.text(
        Vec2::new(left_width + bar_width, 0.0),
        size,
        text,
        &scale.near,
    )?;
    canvas.text(
        Vec2::new(left_width + bar_width + right_width, 0.0),
        size,
        text,
        &suffix,
    )?;
    Ok(canvas)
}
