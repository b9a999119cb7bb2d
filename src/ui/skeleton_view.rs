//! The 3D view: hands and object in camera space, seen by an orbiting virtual camera.

use egui::{Color32, Painter, PointerButton, Pos2, Rect, Response, Sense, Stroke, Ui, pos2};
use glam::{Mat4, Vec3};
use serde::{Deserialize, Serialize};

use super::error_plot::paint_error_legend;
use super::overlay::{SkeletonStyle, draw_hand, predicted_style};
use super::palette::OBJECT_COLOR;
use super::pose_error::JointColors;
use super::trails::{TrailPath, draw_paths};
use crate::dataset::annotations::ObjectPose;
use crate::geometry::{Hand, TwoHands};
use crate::viz::recording_camera_edges;

/// An orbit camera around a target point in the recording camera's frame (metres;
/// x right, y down, z forward). Yaw and pitch 0 look from the recording camera.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct OrbitCamera {
    /// Rotation about the vertical axis, radians.
    pub yaw: f32,
    /// Rotation above (positive) or below the target, radians.
    pub pitch: f32,
    /// Distance from the target, metres.
    pub distance: f32,
    /// The point orbited, metres.
    pub target: [f32; 3],
}

impl Default for OrbitCamera {
    fn default() -> Self {
        Self {
            yaw: 0.5,
            pitch: 0.35,
            distance: 0.75,
            target: [0.0, 0.1, 0.5],
        }
    }
}

impl OrbitCamera {
    /// Vertical field of view, radians.
    pub const FOV_Y: f32 = 0.9;
    /// Closest zoom, metres: a hand (about 0.2 m) still fits the view.
    pub const MIN_DISTANCE: f32 = 0.15;
    /// Farthest zoom, metres: both hands stay larger than a few pixels.
    pub const MAX_DISTANCE: f32 = 3.0;

    /// The eye position.
    pub fn eye(&self) -> Vec3 {
        let (sin_yaw, cos_yaw) = self.yaw.sin_cos();
        let (sin_pitch, cos_pitch) = self.pitch.sin_cos();
        // At yaw = pitch = 0 the eye sits behind the target, at the recording camera's side.
        let offset = Vec3::new(sin_yaw * cos_pitch, -sin_pitch, -cos_yaw * cos_pitch);
        Vec3::from(self.target) + offset * self.distance
    }

    /// World (recording-camera frame) to view space.
    pub fn view(&self) -> Mat4 {
        glam::camera::rh::view::look_at_mat4(self.eye(), Vec3::from(self.target), Vec3::NEG_Y)
    }

    /// World (recording-camera frame) to clip space for a viewport of `aspect`.
    pub fn view_projection(&self, aspect: f32) -> Mat4 {
        let projection =
            glam::camera::rh::proj::directx::perspective(Self::FOV_Y, aspect.max(0.01), 0.01, 20.0);
        projection * self.view()
    }

    /// Farthest the target may be panned from its default place, metres: the hands (about
    /// 0.3 to 0.7 m in front of the recording camera) stay near the view.
    pub const MAX_PAN: f32 = 0.6;

    /// Applies a drag (orbit) and a scroll (zoom) in points.
    pub fn handle_input(&mut self, drag: egui::Vec2, scroll: f32) {
        self.yaw -= drag.x * 0.01;
        self.pitch = (self.pitch + drag.y * 0.01).clamp(-1.5, 1.5);
        self.distance =
            (self.distance * (-scroll * 0.002).exp()).clamp(Self::MIN_DISTANCE, Self::MAX_DISTANCE);
    }

    /// Moves the target across the view by a drag of `drag` points in a view `height`
    /// points tall, so that the scene at the target's depth follows the pointer; the
    /// target stays within [`Self::MAX_PAN`] of its default place.
    pub fn pan(&mut self, drag: egui::Vec2, height: f32) {
        let target = Vec3::from(self.target);
        let forward = (target - self.eye()).normalize_or_zero();
        // Screen right and screen up, in the recording camera's frame (y is down there).
        let right = forward.cross(Vec3::NEG_Y).normalize_or_zero();
        let up = right.cross(forward);
        let metres_per_point = 2.0 * self.distance * (Self::FOV_Y / 2.0).tan() / height.max(1.0);
        let moved = target - (right * drag.x - up * drag.y) * metres_per_point;
        let home = Vec3::from(Self::default().target);
        self.target = (home + (moved - home).clamp_length_max(Self::MAX_PAN)).to_array();
    }
}

/// What the 3D view shows.
#[derive(Clone, Copy, Debug, Default)]
pub struct SkeletonScene<'a> {
    /// Ground-truth hands, metres.
    pub ground_truth: Option<&'a TwoHands>,
    /// Predicted hands, metres.
    pub predicted: Option<&'a TwoHands>,
    /// Ground-truth object.
    pub object: Option<&'a ObjectPose>,
    /// Error colours of the predicted hands (error colouring on); `None`: finger colours.
    pub joint_errors: Option<&'a JointColors>,
    /// Fingertip trails (metres), drawn under the predicted hands.
    pub trails: &'a [TrailPath<Vec3>],
}

/// Shows the 3D view in `rect`; a left drag orbits, a right or middle drag pans, scroll
/// zooms, double-click resets.
pub fn skeleton_view(
    ui: &mut Ui,
    rect: Rect,
    camera: &mut OrbitCamera,
    scene: SkeletonScene<'_>,
) -> Response {
    let response = ui.allocate_rect(rect, Sense::click_and_drag());
    if response.dragged_by(PointerButton::Primary) {
        camera.handle_input(response.drag_delta(), 0.0);
    }
    if response.dragged_by(PointerButton::Secondary) || response.dragged_by(PointerButton::Middle) {
        camera.pan(response.drag_delta(), rect.height());
    }
    if response.hovered() {
        let scroll = ui.input(|input| input.smooth_scroll_delta.y);
        if scroll != 0.0 {
            camera.handle_input(egui::Vec2::ZERO, scroll);
        }
    }
    if response.double_clicked() {
        *camera = OrbitCamera::default();
    }
    let painter = ui.painter_at(rect);
    painter.rect_filled(rect, 0.0, Color32::from_gray(24));
    let view_projection = camera.view_projection(rect.width() / rect.height().max(1.0));
    let project = |point: Vec3| -> Option<Pos2> {
        let clip = view_projection * point.extend(1.0);
        (clip.w > 1e-4).then(|| {
            let ndc = clip.truncate() / clip.w;
            pos2(
                rect.center().x + ndc.x * rect.width() / 2.0,
                rect.center().y - ndc.y * rect.height() / 2.0,
            )
        })
    };
    draw_ground_grid(&painter, &project, grid_height(&scene, camera));
    draw_recording_camera(&painter, &project);
    draw_axes(&painter, &project);
    if let Some(object) = scene.object {
        for point in object.points {
            if let Some(screen) = project(point) {
                painter.circle_filled(screen, 2.5, OBJECT_COLOR);
            }
        }
    }
    let trails: Vec<(Hand, usize, Vec<Option<Pos2>>)> = scene
        .trails
        .iter()
        .map(|path| {
            let points = path.points.iter().map(|point| project(*point)).collect();
            (path.hand, path.joint, points)
        })
        .collect();
    draw_paths(&painter, 1.5, &trails);
    for (hands, predicted) in [(scene.ground_truth, false), (scene.predicted, true)] {
        for (hand, joints) in hands.iter().flat_map(|hands| hands.present()) {
            let points: Vec<Option<Pos2>> = joints.iter().map(|joint| project(*joint)).collect();
            let style = if predicted {
                predicted_style(hand, scene.joint_errors)
            } else {
                SkeletonStyle::GroundTruth
            };
            draw_hand(&painter, rect, &points, hand, style);
        }
    }
    if scene
        .joint_errors
        .is_some_and(|colors| colors.iter().any(Option::is_some))
    {
        paint_error_legend(&painter, rect);
    }
    response.on_hover_text(
        "drag to orbit, scroll to zoom (0.15 to 3 m), double-click to reset; \
         grid: 10 cm under the lowest point; axes: the recording camera (x red, y green \
         down, z blue forward)",
    )
}

/// Spacing of the ground grid, metres.
const GRID_STEP: f32 = 0.1;
/// Lines of the ground grid on each side of its centre.
const GRID_HALF_LINES: i32 = 5;

/// The height (camera-frame y, down) of the ground grid: just below the lowest point
/// shown, or below the orbit target when nothing is shown.
fn grid_height(scene: &SkeletonScene<'_>, camera: &OrbitCamera) -> f32 {
    let hands = [scene.ground_truth, scene.predicted]
        .into_iter()
        .flatten()
        .flat_map(|hands| {
            hands
                .present()
                .flat_map(|(_, joints)| joints.iter().copied())
        });
    let object = scene.object.into_iter().flat_map(|object| object.points);
    hands
        .chain(object)
        .map(|point| point.y)
        .filter(|y| y.is_finite())
        .fold(None, |lowest: Option<f32>, y| {
            Some(lowest.map_or(y, |l| l.max(y)))
        })
        .unwrap_or(camera.target[1])
        + 0.02
}

/// Draws a 10 cm grid in the camera frame's x-z plane at height `y`, under the hands.
fn draw_ground_grid(painter: &Painter, project: &impl Fn(Vec3) -> Option<Pos2>, y: f32) {
    let stroke = Stroke::new(1.0, Color32::from_gray(48));
    let centre_z = 0.5;
    let half = GRID_HALF_LINES as f32 * GRID_STEP;
    for line in -GRID_HALF_LINES..=GRID_HALF_LINES {
        let offset = line as f32 * GRID_STEP;
        let along_z = (
            Vec3::new(offset, y, centre_z - half),
            Vec3::new(offset, y, centre_z + half),
        );
        let along_x = (
            Vec3::new(-half, y, centre_z + offset),
            Vec3::new(half, y, centre_z + offset),
        );
        for (a, b) in [along_z, along_x] {
            if let (Some(a), Some(b)) = (project(a), project(b)) {
                painter.line_segment([a, b], stroke);
            }
        }
    }
}

/// Draws the recording camera's axes at its centre, 10 cm long: x red, y green (down),
/// z blue (forward), each labelled.
fn draw_axes(painter: &Painter, project: &impl Fn(Vec3) -> Option<Pos2>) {
    let axes = [
        (Vec3::X, Color32::from_rgb(220, 80, 80), "x"),
        (Vec3::Y, Color32::from_rgb(80, 200, 80), "y"),
        (Vec3::Z, Color32::from_rgb(90, 140, 240), "z"),
    ];
    let Some(origin) = project(Vec3::ZERO) else {
        return;
    };
    for (direction, colour, name) in axes {
        if let Some(end) = project(direction * 0.1) {
            painter.line_segment([origin, end], Stroke::new(2.0, colour));
            painter.text(
                end,
                egui::Align2::LEFT_BOTTOM,
                name,
                egui::FontId::proportional(11.0),
                colour,
            );
        }
    }
}

/// Draws the recording camera as a small frustum at the origin looking along +z.
fn draw_recording_camera(painter: &Painter, project: &impl Fn(Vec3) -> Option<Pos2>) {
    let stroke = Stroke::new(1.0, Color32::from_gray(150));
    for (a, b) in recording_camera_edges() {
        if let (Some(a), Some(b)) = (project(a), project(b)) {
            painter.line_segment([a, b], stroke);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_target_projects_to_the_centre() {
        let camera = OrbitCamera::default();
        let clip = camera.view_projection(16.0 / 9.0) * Vec3::from(camera.target).extend(1.0);
        let ndc = clip.truncate() / clip.w;
        assert!(ndc.x.abs() < 1e-5 && ndc.y.abs() < 1e-5, "{ndc}");
    }

    #[test]
    fn at_zero_yaw_and_pitch_up_in_the_recording_frame_is_up_on_screen() {
        let camera = OrbitCamera {
            yaw: 0.0,
            pitch: 0.0,
            ..OrbitCamera::default()
        };
        let vp = camera.view_projection(1.0);
        let target = Vec3::from(camera.target);
        let above = vp * (target + Vec3::new(0.0, -0.1, 0.0)).extend(1.0);
        let right = vp * (target + Vec3::new(0.1, 0.0, 0.0)).extend(1.0);
        assert!(
            above.y / above.w > 0.0,
            "recording-frame -y must be screen up"
        );
        assert!(
            right.x / right.w > 0.0,
            "recording-frame +x must be screen right"
        );
    }

    /// Where `point` lands in a `width` x `height` view, as `skeleton_view` draws it.
    fn screen(camera: &OrbitCamera, point: Vec3, width: f32, height: f32) -> egui::Vec2 {
        let clip = camera.view_projection(width / height) * point.extend(1.0);
        let ndc = clip.truncate() / clip.w;
        egui::vec2(ndc.x * width / 2.0, -ndc.y * height / 2.0)
    }

    #[test]
    fn a_pan_moves_the_scene_at_the_target_with_the_pointer() {
        let (width, height) = (640.0, 360.0);
        for (yaw, pitch) in [(0.0, 0.0), (0.5, 0.35), (-2.0, -1.2)] {
            let mut camera = OrbitCamera {
                yaw,
                pitch,
                ..OrbitCamera::default()
            };
            let point = Vec3::from(camera.target);
            let before = screen(&camera, point, width, height);
            let drag = egui::vec2(40.0, -25.0);
            camera.pan(drag, height);
            let after = screen(&camera, point, width, height);
            let moved = after - before;
            assert!(
                (moved - drag).length() < 0.5,
                "yaw {yaw}, pitch {pitch}: the point moved {moved:?} for a drag of {drag:?}"
            );
        }
    }

    #[test]
    fn a_pan_stays_near_the_hands() {
        let mut camera = OrbitCamera::default();
        camera.pan(egui::vec2(1e6, -3e5), 360.0);
        let home = Vec3::from(OrbitCamera::default().target);
        let offset = Vec3::from(camera.target).distance(home);
        assert!(offset <= OrbitCamera::MAX_PAN + 1e-4, "{offset}");
        assert!(offset > OrbitCamera::MAX_PAN - 1e-3, "{offset}");
    }

    #[test]
    fn zoom_and_pitch_stay_bounded() {
        let mut camera = OrbitCamera::default();
        camera.handle_input(egui::vec2(0.0, 1e6), -1e6);
        assert!(camera.pitch <= 1.5);
        assert_eq!(camera.distance, OrbitCamera::MAX_DISTANCE);
        camera.handle_input(egui::Vec2::ZERO, 1e6);
        assert_eq!(camera.distance, OrbitCamera::MIN_DISTANCE);
    }
}
