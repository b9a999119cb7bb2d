//! Paper figures of one frame, rendered on the CPU (no window, no GPU): each panel alone
//! (RGB with the 2D skeleton, pseudo-depth, masked frame, 2D pose, 3D skeleton seen from a
//! fixed camera preset or a given view) and a composite row of all five, at [`FIGURE_SCALE`] times the
//! frame size, written as PNG files named after the take and the frame.

mod font;
mod raster;

use std::path::{Path, PathBuf};
use std::str::FromStr;

use glam::{Mat4, Vec2, Vec3};
use image::imageops::FilterType;
use image::{GrayImage, ImageEncoder, Rgb, RgbImage};

use crate::geometry::{CameraIntrinsics, Hand, JOINTS_PER_HAND, TwoHands};
use crate::pipeline::{PoseOutcome, Processed};
use crate::source::Frame;
use crate::viz::DepthColormap;

/// Figures are this many times the frame size.
pub const FIGURE_SCALE: u32 = 2;
/// Background of the pose and skeleton panels.
const BACKGROUND: [u8; 3] = [24, 24, 24];
/// Colour of ground-truth skeletons (the viewer's overlay colour).
const GROUND_TRUTH: [u8; 3] = [235, 235, 235];

/// Why a figure could not be written.
#[derive(Debug, thiserror::Error)]
pub enum FigureError {
    /// A PNG file could not be encoded or written.
    #[error("{path}: cannot write the figure: {source}")]
    Write {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        source: std::io::Error,
    },
    /// Text could not be drawn.
    #[error(transparent)]
    Font(#[from] font::FontError),
}

/// A fixed 3D view of the hands, so that figures are reproducible.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum CameraPreset {
    /// From the recording camera's side, looking forward.
    #[default]
    Front,
    /// From the subject's right, looking left.
    Side,
    /// From above, looking down.
    Top,
}

impl CameraPreset {
    /// All presets.
    pub const ALL: [CameraPreset; 3] = [Self::Front, Self::Side, Self::Top];
    /// Distance of the virtual camera from the hands, metres.
    const DISTANCE: f32 = 0.6;
    /// Vertical field of view, radians.
    const FOV_Y: f32 = 0.9;

    /// The preset's name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Self::Front => "front",
            Self::Side => "side",
            Self::Top => "top",
        }
    }

    /// Eye offset from the target (unit length) and the up direction, in the recording
    /// camera's frame (x right, y down, z forward).
    fn direction_and_up(self) -> (Vec3, Vec3) {
        match self {
            Self::Front => (Vec3::NEG_Z, Vec3::NEG_Y),
            Self::Side => (Vec3::X, Vec3::NEG_Y),
            Self::Top => (Vec3::NEG_Y, Vec3::Z),
        }
    }

    /// World (recording-camera frame) to view space, the view centred on `target`.
    fn view(self, target: Vec3) -> Mat4 {
        let (direction, up) = self.direction_and_up();
        let eye = target + direction * Self::DISTANCE;
        glam::camera::rh::view::look_at_mat4(eye, target, up)
    }
}

/// The 3D skeleton panel's camera.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum FigureCamera {
    /// A preset centred on the hands: the same figure from the same frame, every time.
    Preset(CameraPreset),
    /// A given view, such as the viewer's 3D panel as the user left it.
    View {
        /// World (recording-camera frame, metres) to view space (right-handed, looking
        /// down -z).
        view: Mat4,
        /// Vertical field of view, radians.
        fov_y: f32,
    },
}

impl Default for FigureCamera {
    fn default() -> Self {
        Self::Preset(CameraPreset::default())
    }
}

impl FigureCamera {
    /// Projects camera-frame points (metres) onto a `width` x `height` image; `hands_centre`
    /// is where presets look.
    fn projector(
        self,
        hands_centre: Vec3,
        width: u32,
        height: u32,
    ) -> impl Fn(Vec3) -> Option<Vec2> {
        let (view, fov_y) = match self {
            Self::Preset(preset) => (preset.view(hands_centre), CameraPreset::FOV_Y),
            Self::View { view, fov_y } => (view, fov_y),
        };
        let aspect = width as f32 / height.max(1) as f32;
        let projection = glam::camera::rh::proj::directx::perspective(fov_y, aspect, 0.01, 20.0);
        let view_projection = projection * view;
        let (w, h) = (width as f32, height as f32);
        move |point: Vec3| {
            let clip = view_projection * point.extend(1.0);
            (clip.w > 1e-4).then(|| {
                let ndc = clip.truncate() / clip.w;
                Vec2::new((ndc.x + 1.0) * 0.5 * w, (1.0 - ndc.y) * 0.5 * h)
            })
        }
    }
}

/// The preset names that exist, for error messages.
#[derive(Debug, thiserror::Error)]
#[error("unknown camera preset {0:?} (expected front, side or top)")]
pub struct UnknownPreset(String);

impl FromStr for CameraPreset {
    type Err = UnknownPreset;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|preset| preset.name().eq_ignore_ascii_case(text))
            .ok_or_else(|| UnknownPreset(text.to_owned()))
    }
}

/// The panels of a figure, in composite order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Panel {
    /// The frame with the 2D skeleton over it.
    Rgb,
    /// The pseudo-depth map, colour-mapped.
    PseudoDepth,
    /// The range-masked frame.
    Masked,
    /// The 2D skeleton alone.
    Pose2d,
    /// The 3D skeleton from the camera preset.
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

    /// The panel's part of the file name.
    pub fn file_part(self) -> &'static str {
        match self {
            Self::Rgb => "rgb",
            Self::PseudoDepth => "depth",
            Self::Masked => "masked",
            Self::Pose2d => "pose2d",
            Self::Skeleton3d => "skeleton3d",
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
}

/// What a figure is drawn from: one processed frame.
#[derive(Clone, Copy, Debug)]
pub struct FigureInput<'a> {
    /// The frame.
    pub rgb: &'a RgbImage,
    /// The 8-bit pseudo-depth map, when depth was estimated.
    pub pseudo_depth: Option<&'a GrayImage>,
    /// The range-masked frame.
    pub masked: &'a RgbImage,
    /// The pose network's answer, if it ran.
    pub pose: Option<&'a PoseOutcome>,
    /// Ground-truth hands (metres, camera frame), if annotated.
    pub ground_truth: Option<&'a TwoHands>,
    /// The camera that took the frame (projects the ground truth).
    pub intrinsics: &'a CameraIntrinsics,
}

impl<'a> FigureInput<'a> {
    /// The figure input of a frame and what the chain computed for it.
    pub fn of_frame(frame: &'a Frame, processed: &'a Processed) -> Self {
        Self {
            rgb: &frame.rgb,
            pseudo_depth: processed.pseudo_depth.as_deref(),
            masked: &processed.masked,
            pose: processed.pose.as_ref(),
            ground_truth: frame.annotations.hands.as_ref(),
            intrinsics: &frame.intrinsics,
        }
    }
}

/// How a figure is drawn (default: front camera preset, no labels).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct FigureOptions {
    /// The 3D panel's view.
    pub camera: FigureCamera,
    /// Panel names over each panel.
    pub labels: bool,
}

/// A rendered figure: every panel at [`FIGURE_SCALE`] times the frame size, and the
/// composite row of all of them.
#[derive(Clone, Debug)]
pub struct Figure {
    /// The panels, in [`Panel::ALL`] order.
    pub panels: Vec<(Panel, RgbImage)>,
    /// The panels side by side.
    pub composite: RgbImage,
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

/// Renders the figure of one frame.
pub fn render_figure(
    input: &FigureInput<'_>,
    options: &FigureOptions,
) -> Result<Figure, FigureError> {
    let width = input.rgb.width().max(1) * FIGURE_SCALE;
    let height = input.rgb.height().max(1) * FIGURE_SCALE;
    let panels: Vec<(Panel, RgbImage)> = Panel::ALL
        .into_iter()
        .map(|panel| {
            let mut image = render_panel(panel, input, options.camera, width, height);
            if options.labels {
                draw_label(&mut image, panel.label())?;
            }
            Ok((panel, image))
        })
        .collect::<Result<_, FigureError>>()?;
    let mut composite = RgbImage::new(width * panels.len() as u32, height);
    for (index, (_, image)) in panels.iter().enumerate() {
        image::imageops::replace(&mut composite, image, i64::from(width) * index as i64, 0);
    }
    Ok(Figure { panels, composite })
}

/// The file name of one part (`composite` or a [`Panel::file_part`]) of the figure of frame
/// `frame` of take `take`: `subject1_h1_0_frame000123_composite.png`.
pub fn figure_file_name(take: &str, frame: u32, part: &str) -> String {
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
    format!("{take}_frame{frame:06}_{part}.png")
}

/// Writes every panel and the composite into `dir`, each file atomically; returns the
/// paths written, the composite last.
pub fn write_figure(
    dir: &Path,
    take: &str,
    frame: u32,
    figure: &Figure,
) -> Result<Vec<PathBuf>, FigureError> {
    let parts = figure
        .panels
        .iter()
        .map(|(panel, image)| (panel.file_part(), image))
        .chain(std::iter::once(("composite", &figure.composite)));
    let mut written = Vec::new();
    for (part, image) in parts {
        let path = dir.join(figure_file_name(take, frame, part));
        crate::atomic_file::write_atomic_with(&path, |writer| {
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
            path: path.clone(),
            source,
        })?;
        written.push(path);
    }
    Ok(written)
}

fn render_panel(
    panel: Panel,
    input: &FigureInput<'_>,
    camera: FigureCamera,
    width: u32,
    height: u32,
) -> RgbImage {
    let resized =
        |image: &RgbImage| image::imageops::resize(image, width, height, FilterType::Triangle);
    let blank = || RgbImage::from_pixel(width, height, Rgb(BACKGROUND));
    match panel {
        Panel::Rgb => {
            let mut image = resized(input.rgb);
            draw_skeletons_2d(&mut image, input);
            image
        }
        Panel::PseudoDepth => input
            .pseudo_depth
            .map(|depth| resized(&DepthColormap::colorize_inverse8(depth)))
            .unwrap_or_else(blank),
        Panel::Masked => resized(input.masked),
        Panel::Pose2d => {
            let mut image = blank();
            draw_skeletons_2d(&mut image, input);
            image
        }
        Panel::Skeleton3d => {
            let mut image = blank();
            draw_skeletons_3d(&mut image, input, camera);
            image
        }
    }
}

/// Line width and joint radius for an image `width` pixels wide.
fn stroke(width: u32, ground_truth: bool) -> (f32, f32) {
    let line = (width as f32 / 400.0).clamp(1.5, 8.0);
    if ground_truth {
        (line * 0.6, line * 1.1)
    } else {
        (line, line * 1.6)
    }
}

/// Draws one hand from image points (`None` = not drawable).
fn draw_hand(image: &mut RgbImage, points: &[Option<Vec2>], hand: Hand, ground_truth: bool) {
    let (line, radius) = stroke(image.width(), ground_truth);
    let color = |joint: usize| {
        if ground_truth {
            GROUND_TRUTH
        } else {
            crate::viz::joint_rgb(hand, joint)
        }
    };
    for (parent, child) in crate::geometry::SKELETON_BONES {
        if let (Some(Some(a)), Some(Some(b))) = (points.get(parent), points.get(child)) {
            raster::line(image, *a, *b, line, color(child));
        }
    }
    for (joint, point) in points.iter().enumerate() {
        if let Some(point) = point {
            raster::disc(image, *point, radius, color(joint));
        }
    }
}

/// Ground truth (projected with the intrinsics) thin and grey, then the predicted
/// keypoints in finger colours.
fn draw_skeletons_2d(image: &mut RgbImage, input: &FigureInput<'_>) {
    let (width, height) = (image.width() as f32, image.height() as f32);
    if let Some(hands) = input.ground_truth {
        let intrinsics = input.intrinsics;
        let scale = Vec2::new(
            width / intrinsics.width.max(1) as f32,
            height / intrinsics.height.max(1) as f32,
        );
        for (hand, joints) in hands.present() {
            let points: Vec<Option<Vec2>> = joints
                .iter()
                .map(|joint| intrinsics.project(*joint).map(|pixel| pixel * scale))
                .collect();
            draw_hand(image, &points, hand, true);
        }
    }
    if let Some(pose) = input.pose {
        let scale = Vec2::new(
            width / pose.frame_size.width.max(1) as f32,
            height / pose.frame_size.height.max(1) as f32,
        );
        for hand in Hand::BOTH {
            if !pose.prediction.presence(hand).present {
                continue;
            }
            let first = hand.index() * JOINTS_PER_HAND;
            let points: Vec<Option<Vec2>> = pose.prediction.keypoints
                [first..first + JOINTS_PER_HAND]
                .iter()
                .map(|point| Some(*point * scale))
                .collect();
            draw_hand(image, &points, hand, false);
        }
    }
}

/// Ground-truth and predicted 3D hands seen from `camera`, centred on their joints.
fn draw_skeletons_3d(image: &mut RgbImage, input: &FigureInput<'_>, camera: FigureCamera) {
    let predicted = input.pose.map(|pose| pose.prediction.hands.scaled(0.001));
    let sets = [(input.ground_truth.copied(), true), (predicted, false)];
    let joints: Vec<Vec3> = sets
        .iter()
        .flat_map(|(hands, _)| hands.iter().flat_map(|hands| hands.present()))
        .flat_map(|(_, joints)| joints.iter().copied())
        .collect();
    let target = if joints.is_empty() {
        Vec3::new(0.0, 0.1, 0.5)
    } else {
        joints.iter().copied().sum::<Vec3>() / joints.len() as f32
    };
    let project = camera.projector(target, image.width(), image.height());
    for (hands, ground_truth) in sets {
        for (hand, joints) in hands.iter().flat_map(|hands| hands.present()) {
            let points: Vec<Option<Vec2>> = joints.iter().map(|joint| project(*joint)).collect();
            draw_hand(image, &points, hand, ground_truth);
        }
    }
}

/// Writes `text` at the panel's top-left corner on a dark box.
fn draw_label(image: &mut RgbImage, text: &str) -> Result<(), FigureError> {
    let size = (image.height() as f32 / 18.0).clamp(12.0, 96.0);
    let margin = size * 0.3;
    let (text_width, text_height) = font::text_size(text, size)?;
    raster::fill_rect(
        image,
        margin as u32,
        margin as u32,
        (text_width + 2.0 * margin) as u32,
        (text_height + margin) as u32,
        [0, 0, 0],
    );
    font::draw_text(
        image,
        2.0 * margin,
        1.5 * margin,
        text,
        size,
        [255, 255, 255],
    )?;
    Ok(())
}
