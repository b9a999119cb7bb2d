//! The central area: the action banner and the 2x2 grid of RGB, depth, masked frame and
//! 3D skeleton.

use egui::{Rect, RichText, Ui, pos2, vec2};

use crate::figure::DepthPanel;

use super::action_panel::banner_text;
use super::depth_bar::{DEPTH_BAR_HEIGHT, depth_bar};
use super::image_panel::{image_panel, panel_title, split_title, text_in};
use super::overlay::{draw_ground_truth_hands, draw_predicted_hands};
use super::pixel_readout::{pixel_at, read_pixel, show_readout};
use super::pose_error::JointColors;
use super::settings::{GridPanel, ViewerSettings};
use super::skeleton_view::{SkeletonScene, skeleton_view};
use super::textures::PanelTextures;
use super::trails::{FingertipTrails, draw_image_trails};
use crate::mask::DepthUnit;
use crate::pipeline::FrameResult;
use crate::source::{Frame, SourceInfo};

/// Height of the action banner.
const BANNER_HEIGHT: f32 = 30.0;
/// Gap between grid cells.
const GAP: f32 = 6.0;

/// What the central panels show.
pub struct PanelContent<'a> {
    /// The open source.
    pub source: Option<&'a SourceInfo>,
    /// The frame in the RGB panel; it runs ahead of `result` while a dragged timeline
    /// outpaces processing.
    pub shown: Option<&'a Frame>,
    /// The newest analysed frame.
    pub result: Option<&'a FrameResult>,
    /// The panels' images.
    pub textures: &'a PanelTextures,
    /// Colours of the predicted joints by error, when the user wants them.
    pub joint_errors: Option<&'a JointColors>,
    /// Fingertip trails, when the user wants them.
    pub trails: Option<&'a FingertipTrails>,
}

/// Shows the banner and the four panels in `area`. While the RGB panel runs ahead of
/// the analysis, its overlay has the ground truth only and the other panels say which
/// frame they still show.
pub fn central_panels(
    ui: &mut Ui,
    area: Rect,
    settings: &mut ViewerSettings,
    content: PanelContent<'_>,
) {
    let PanelContent {
        source,
        shown,
        result,
        textures,
        joint_errors,
        trails,
    } = content;
    let banner = Rect::from_min_size(area.min, vec2(area.width(), BANNER_HEIGHT));
    text_in(
        ui,
        banner,
        RichText::new(banner_text(result)).size(20.0).strong(),
    );
    let grid = Rect::from_min_max(pos2(area.min.x, banner.max.y + 4.0), area.max);
    let cell_size = vec2((grid.width() - GAP) / 2.0, (grid.height() - GAP) / 2.0);
    let maximised = settings.maximised_panel;
    let shows = |panel: GridPanel| maximised.is_none_or(|only| only == panel);
    let cell = |column: f32, row: f32| {
        if maximised.is_some() {
            return grid;
        }
        Rect::from_min_size(
            grid.min + vec2(column * (cell_size.x + GAP), row * (cell_size.y + GAP)),
            cell_size,
        )
    };
    let mut double_clicked = None;

    let analysed = result.map(|result| &result.frame);
    let ground_truth = result.and_then(|result| result.frame.annotations.hands);
    let pose = result.and_then(|result| result.processed.pose.as_ref());
    let synthetic = source.is_some_and(|info| info.synthetic);
    let catching_up = match (shown, analysed) {
        (Some(shown), Some(analysed)) if !same_frame(shown, analysed) => {
            format!(" [frame {}, catching up]", analysed.number)
        }
        _ => String::new(),
    };
    let overlay = |on: bool, frame: Option<&Frame>| {
        let in_sync = frame.zip(analysed).is_some_and(|(a, b)| same_frame(a, b));
        let intrinsics = frame.map(|frame| frame.intrinsics);
        let hands = frame.and_then(|frame| frame.annotations.hands);
        let pose = pose.filter(|_| in_sync);
        move |painter: &egui::Painter, rect: Rect| {
            if !on {
                return;
            }
            if let (Some(k), Some(hands)) = (intrinsics, hands.as_ref()) {
                draw_ground_truth_hands(painter, rect, &k, hands);
            }
            if let Some(pose) = pose {
                if let Some(trails) = trails {
                    draw_image_trails(painter, rect, trails);
                }
                draw_predicted_hands(painter, rect, pose, joint_errors);
            }
        }
    };

    let rgb_title = if synthetic { "RGB (synthetic)" } else { "RGB" };
    let frame_size = textures.rgb.as_ref().map(|texture| texture.size_vec2());
    if shows(GridPanel::Rgb) {
        let rgb_rect = image_panel(
            ui,
            cell(0.0, 0.0),
            rgb_title,
            textures.rgb.as_ref(),
            None,
            "no frame yet",
            overlay(settings.show_2d_skeleton, shown.or(analysed)),
        );
        if was_double_clicked(ui, cell(0.0, 0.0)) {
            double_clicked = Some(GridPanel::Rgb);
        }
        readout_on_hover(ui, rgb_rect, shown.or(analysed), result);
    }

    let (depth_title, depth_texture, depth_unit) = depth_panel(settings, textures);
    let depth_placeholder = match source {
        Some(info) if !info.has_depth => "no ground-truth depth and no depth model",
        _ => "no depth yet",
    };
    if shows(GridPanel::Depth) {
        // With an image, its colour bar (and the kept range) runs under it.
        let depth_cell = cell(1.0, 0.0);
        let image_cell = match depth_texture {
            Some(_) => {
                let (image_cell, bar) = split_bar(depth_cell);
                depth_bar(ui, bar, depth_unit, &settings.mask_settings());
                image_cell
            }
            None => depth_cell,
        };
        let depth_rect = image_panel(
            ui,
            image_cell,
            &format!("{depth_title}{catching_up}"),
            depth_texture,
            frame_size,
            depth_placeholder,
            |_, _| {},
        );
        if was_double_clicked(ui, cell(1.0, 0.0)) {
            double_clicked = Some(GridPanel::Depth);
        }
        readout_on_hover(ui, depth_rect, analysed, result);
    }

    let masked_title = masked_panel_title(result) + &catching_up;
    if shows(GridPanel::Masked) {
        let masked_rect = image_panel(
            ui,
            cell(0.0, 1.0),
            &masked_title,
            textures.masked.as_ref(),
            None,
            "no frame yet",
            overlay(settings.skeleton_on_masked, analysed),
        );
        if was_double_clicked(ui, cell(0.0, 1.0)) {
            double_clicked = Some(GridPanel::Masked);
        }
        readout_on_hover(ui, masked_rect, analysed, result);
    }

    if shows(GridPanel::Skeleton) {
        let (title, body) = split_title(cell(1.0, 1.0));
        let title_text = match (
            pose.map(|pose| pose.backend.label()),
            ground_truth.is_some(),
        ) {
            (Some(backend), true) if joint_errors.is_some() => {
                format!("3D skeleton ({backend} coloured by error, grey: GT; camera frame)")
            }
            (Some(backend), true) => {
                format!("3D skeleton (colour: {backend}, grey: GT; camera frame)")
            }
            (Some(backend), false) => format!("3D skeleton ({backend}; camera frame)"),
            (None, _) => "3D skeleton (GT; camera frame)".to_owned(),
        } + &catching_up;
        panel_title(ui, title, &title_text);
        // The 3D view uses double-click to reset its camera: its title maximises it.
        if was_double_clicked(ui, title) {
            double_clicked = Some(GridPanel::Skeleton);
        }
        let predicted_m = pose.map(|pose| pose.prediction.hands.scaled(0.001));
        let object = result.and_then(|result| result.frame.annotations.object);
        let trail_paths = trails
            .map(FingertipTrails::camera_paths)
            .unwrap_or_default();
        skeleton_view(
            ui,
            body,
            &mut settings.camera_3d,
            SkeletonScene {
                ground_truth: ground_truth.as_ref(),
                predicted: predicted_m.as_ref(),
                object: object.as_ref(),
                joint_errors,
                trails: &trail_paths,
            },
        );
    }
    if let Some(panel) = double_clicked {
        settings.maximised_panel = match maximised {
            Some(_) => None,
            None => Some(panel),
        };
    }
}

/// Whether the pointer double-clicked inside `rect` this frame, with no window over it.
/// Read from the pointer rather than a widget, so the labels in the panel (which take
/// clicks for text selection) do not swallow it.
fn was_double_clicked(ui: &Ui, rect: Rect) -> bool {
    ui.rect_contains_pointer(rect)
        && ui.input(|input| {
            input
                .pointer
                .button_double_clicked(egui::PointerButton::Primary)
        })
}

/// Shows the pixel readout over `image_rect` while the pointer is on it (and no window
/// covers it). `frame` is the frame the panel shows; `result` counts where it is of it.
fn readout_on_hover(
    ui: &mut Ui,
    image_rect: Option<Rect>,
    frame: Option<&Frame>,
    result: Option<&FrameResult>,
) {
    let (Some(rect), Some(frame)) = (image_rect, frame) else {
        return;
    };
    if !ui.rect_contains_pointer(rect) {
        return;
    }
    let pixel = ui
        .ctx()
        .pointer_hover_pos()
        .and_then(|pointer| pixel_at(rect, frame.rgb.dimensions(), pointer));
    if let Some(readout) = pixel.and_then(|(x, y)| read_pixel(frame, result, x, y)) {
        show_readout(ui, rect, &readout);
    }
}

/// The masked panel's title: the range it keeps, or, when the range could not be
/// applied, that the frame is not masked and why (the pose network saw the whole frame).
pub fn masked_panel_title(result: Option<&FrameResult>) -> String {
    let Some(result) = result else {
        return "Masked (pose input)".to_owned();
    };
    if let Some(reason) = &result.processed.mask_skipped {
        return format!("Masked (pose input): NOT MASKED, {reason}");
    }
    let mask = result.settings.mask;
    match mask.range {
        Some(range) => format!(
            "Masked (pose input): keep {:.0}..{:.0} {}",
            range.near,
            range.far,
            mask.depth.suffix()
        ),
        None => "Masked (pose input): off".to_owned(),
    }
}

/// Splits a cell into the part for the titled image and the strip under it for the
/// depth colour bar.
fn split_bar(cell: Rect) -> (Rect, Rect) {
    let top = (cell.max.y - DEPTH_BAR_HEIGHT).max(cell.min.y);
    (
        Rect::from_min_max(cell.min, pos2(cell.max.x, top)),
        Rect::from_min_max(pos2(cell.min.x, top), cell.max),
    )
}

/// Whether two frames are the same frame of the same source position.
fn same_frame(a: &Frame, b: &Frame) -> bool {
    a.position == b.position && a.number == b.number
}

/// Which depth map the depth panel shows: pseudo-depth or ground truth as the user
/// prefers, falling back to whichever exists; its title, image and unit.
fn depth_panel<'a>(
    settings: &ViewerSettings,
    textures: &'a PanelTextures,
) -> (&'static str, Option<&'a egui::TextureHandle>, DepthUnit) {
    const PSEUDO: &str = "Pseudo-depth (DPT, 8-bit inverse; near = red)";
    const TRUTH: &str = "Depth (GT, mm; near = red)";
    let shown = settings.depth_panel(textures.pseudo_depth.is_some(), textures.depth.is_some());
    match (shown, &textures.pseudo_depth, &textures.depth) {
        (DepthPanel::Pseudo, Some(pseudo), _) => (PSEUDO, Some(pseudo), DepthUnit::InverseDepth8),
        (DepthPanel::GroundTruth, _, Some(truth)) => (TRUTH, Some(truth), DepthUnit::Millimetres),
        _ => (TRUTH, None, DepthUnit::Millimetres),
    }
}
