//! Each panel of a figure drawn as shapes on a canvas the size of the frame: the frame
//! with its 2D skeletons, the pseudo-depth map, the masked frame, the 2D skeletons alone,
//! and the 3D scene (hands, object points, the recording camera) from the figure's camera.

use std::sync::Arc;

use glam::{Vec2, Vec3};
use image::RgbImage;

use super::camera::FigureCamera;
use super::canvas::{Canvas, Shape};
use super::{DepthPanel, FigureInput, FigureOptions, Panel, Theme};
use crate::eval::FrameOutcome;
use crate::geometry::{Hand, JOINTS_PER_HAND, SKELETON_BONES};
use crate::viz::{DepthColormap, recording_camera_edges};

/// How one skeleton is coloured.
#[derive(Clone, Copy, Debug)]
enum Style {
    /// The annotation: thin, in the theme's ground-truth grey.
    GroundTruth,
    /// The network's answer in finger colours.
    Predicted,
    /// The network's answer, each joint in the colour of its error.
    Errors([[u8; 3]; JOINTS_PER_HAND]),
}

/// Line width and joint radius in figure units on a panel `width` units wide.
fn stroke(width: f32, style: Style) -> (f32, f32) {
    let line = (width / 400.0).clamp(0.75, 4.0);
    match style {
        Style::GroundTruth => (line * 0.6, line * 1.1),
        Style::Predicted | Style::Errors(_) => (line, line * 1.6),
    }
}

/// Draws the panel `panel` of `input` on a canvas of the frame's size.
pub fn panel_canvas(
    panel: Panel,
    input: &FigureInput<'_>,
    options: &FigureOptions,
    outcome: Option<&FrameOutcome>,
) -> Canvas {
    let theme = options.layout.theme;
    let size = Vec2::new(
        input.rgb.width().max(1) as f32,
        input.rgb.height().max(1) as f32,
    );
    let mut canvas = Canvas::new(size, theme.panel_background());
    let image = |picture: Arc<RgbImage>| Shape::Image {
        origin: Vec2::ZERO,
        size,
        image: picture,
    };
    let skeletons = Skeletons {
        input,
        theme,
        errors: options.display.color_by_error.then_some(outcome).flatten(),
    };
    match panel {
        Panel::Rgb => {
            canvas.push(image(Arc::new(input.rgb.clone())));
            if options.display.skeleton_on_rgb {
                skeletons.draw_2d(&mut canvas);
            }
        }
        Panel::PseudoDepth => {
            let picture = match options.display.depth {
                DepthPanel::Pseudo => input.pseudo_depth.map(DepthColormap::colorize_inverse8),
                DepthPanel::GroundTruth => input
                    .depth_mm
                    .map(|depth| DepthColormap::default().colorize_mm(depth)),
            };
            if let Some(picture) = picture {
                canvas.push(image(Arc::new(picture)));
            }
        }
        Panel::Masked => {
            canvas.push(image(Arc::new(input.masked.clone())));
            if options.display.skeleton_on_masked {
                skeletons.draw_2d(&mut canvas);
            }
        }
        Panel::Pose2d => skeletons.draw_2d(&mut canvas),
        Panel::Skeleton3d => skeletons.draw_3d(&mut canvas, options),
    }
    canvas
}

/// What the skeleton panels draw from.
struct Skeletons<'a> {
    input: &'a FigureInput<'a>,
    theme: Theme,
    /// The frame's error, when joints are coloured by it.
    errors: Option<&'a FrameOutcome>,
}

impl Skeletons<'_> {
    /// How the predicted `hand` is coloured.
    fn predicted_style(&self, hand: Hand) -> Style {
        self.errors
            .and_then(|outcome| outcome.hands[hand.index()].error.as_ref())
            .map_or(Style::Predicted, |error| {
                Style::Errors(error.joint_mm.map(crate::viz::error_rgb))
            })
    }

    /// One hand from canvas points (`None` = not drawable).
    fn hand(&self, canvas: &mut Canvas, points: &[Option<Vec2>], hand: Hand, style: Style) {
        let (line, radius) = stroke(canvas.size.x, style);
        let color = |joint: usize| match style {
            Style::GroundTruth => self.theme.ground_truth(),
            Style::Predicted => crate::viz::joint_rgb(hand, joint),
            Style::Errors(colors) => colors.get(joint).copied().unwrap_or(crate::viz::BAD_RGB),
        };
        for (parent, child) in SKELETON_BONES {
            if let (Some(Some(from)), Some(Some(to))) = (points.get(parent), points.get(child)) {
                canvas.push(Shape::Line {
                    from: *from,
                    to: *to,
                    width: line,
                    color: color(child),
                });
            }
        }
        for (joint, point) in points.iter().enumerate() {
            if let Some(centre) = point {
                canvas.push(Shape::Disc {
                    centre: *centre,
                    radius,
                    color: color(joint),
                });
            }
        }
    }

    /// Ground truth (projected with the intrinsics) thin and grey, then the predicted
    /// keypoints in finger or error colours.
    fn draw_2d(&self, canvas: &mut Canvas) {
        let input = self.input;
        if let Some(hands) = input.ground_truth {
            let intrinsics = input.intrinsics;
            let scale = canvas.size
                / Vec2::new(
                    intrinsics.width.max(1) as f32,
                    intrinsics.height.max(1) as f32,
                );
            for (hand, joints) in hands.present() {
                let points: Vec<Option<Vec2>> = joints
                    .iter()
                    .map(|joint| intrinsics.project(*joint).map(|pixel| pixel * scale))
                    .collect();
                self.hand(canvas, &points, hand, Style::GroundTruth);
            }
        }
        if let Some(pose) = input.pose {
            let scale = canvas.size
                / Vec2::new(
                    pose.frame_size.width.max(1) as f32,
                    pose.frame_size.height.max(1) as f32,
                );
            for hand in Hand::BOTH {
                if !pose.prediction.presence(hand).present {
                    continue;
                }
                let first = hand.index() * JOINTS_PER_HAND;
                let Some(keypoints) = pose
                    .prediction
                    .keypoints
                    .get(first..first + JOINTS_PER_HAND)
                else {
                    continue;
                };
                let points: Vec<Option<Vec2>> =
                    keypoints.iter().map(|point| Some(*point * scale)).collect();
                self.hand(canvas, &points, hand, self.predicted_style(hand));
            }
        }
    }

    /// The recording camera, the object points, the ground-truth and the predicted 3D
    /// hands seen from the figure's camera, centred on the hands' joints.
    fn draw_3d(&self, canvas: &mut Canvas, options: &FigureOptions) {
        let input = self.input;
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
        let camera: FigureCamera = options.camera;
        let project = camera.projector(target, canvas.size.x, canvas.size.y);
        let (line, _) = stroke(canvas.size.x, Style::GroundTruth);
        if options.display.camera_frustum {
            for (from, to) in recording_camera_edges() {
                if let (Some(from), Some(to)) = (project(from), project(to)) {
                    canvas.push(Shape::Line {
                        from,
                        to,
                        width: line,
                        color: self.theme.frustum(),
                    });
                }
            }
        }
        if options.display.object {
            for point in input.object.iter().flat_map(|object| object.points) {
                if let Some(centre) = project(point) {
                    canvas.push(Shape::Disc {
                        centre,
                        radius: line * 1.6,
                        color: crate::viz::OBJECT_RGB,
                    });
                }
            }
        }
        for (hands, ground_truth) in sets {
            for (hand, joints) in hands.iter().flat_map(|hands| hands.present()) {
                let points: Vec<Option<Vec2>> =
                    joints.iter().map(|joint| project(*joint)).collect();
                let style = if ground_truth {
                    Style::GroundTruth
                } else {
                    self.predicted_style(hand)
                };
                self.hand(canvas, &points, hand, style);
            }
        }
    }
}
