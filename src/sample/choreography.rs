//! The timeline of a take: where the camera, the object and both hands are at every frame,
//! and which action label the frame carries.
//!
//! Time is normalised to `s = frame / (frames - 1)` in `[0, 1]`, so every phase scales with
//! the frame count. The right hand rests, reaches for the object and grabs it (grab),
//! lifts and tilts it over the cup (pour / put in), puts it back down (place) and lets go
//! (background). The left hand is out of view at first, then comes in and steadies the
//! tray the cup stands on.
//!
//! World frame: x right, y forward (away from the subject), z up, the table top at z = 0.

use glam::{Affine3A, Mat3, Quat, Vec3};

use super::hand_model::HandPose;
use super::rng::SplitMix64;

/// Fewest frames per take for which every phase still gets at least one frame.
pub const MIN_FRAMES: usize = 12;

/// Normalised time at which the grab label starts.
pub const GRAB_START: f32 = 0.12;
/// Normalised time at which the object starts being used (pour / put in).
pub const USE_START: f32 = 0.38;
/// Normalised time at which placing the object starts.
pub const PLACE_START: f32 = 0.70;
/// Normalised time from which the take is background again.
pub const PLACE_END: f32 = 0.88;
/// Normalised time at which the left hand comes into view.
pub const LEFT_ENTERS: f32 = 0.11;

/// Height of the table top in the world frame.
pub const TABLE_TOP: f32 = 0.0;

/// Which object a take is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ObjectKind {
    /// A milk carton (class 5): grab milk, pour milk, place milk.
    Milk,
    /// A box of cappuccino capsules (class 8): grab, put in, place.
    Cappuccino,
    /// A box of espresso capsules (class 2): grab, put in, place.
    Espresso,
}

impl ObjectKind {
    /// H2O object class id.
    pub fn class_id(self) -> u32 {
        match self {
            ObjectKind::Milk => 5,
            ObjectKind::Cappuccino => 8,
            ObjectKind::Espresso => 2,
        }
    }

    /// Half extents of the object's box (object-local x, y, z; z is up when standing).
    pub fn half_extents(self) -> Vec3 {
        match self {
            ObjectKind::Milk => Vec3::new(0.0475, 0.033, 0.095),
            ObjectKind::Cappuccino => Vec3::new(0.060, 0.036, 0.080),
            ObjectKind::Espresso => Vec3::new(0.056, 0.033, 0.072),
        }
    }

    /// Action ids of the grab, use and place phases.
    pub fn actions(self) -> [u32; 3] {
        match self {
            ObjectKind::Milk => [5, 23, 13],
            ObjectKind::Cappuccino => [8, 30, 16],
            ObjectKind::Espresso => [2, 28, 10],
        }
    }

    /// How far the object is tilted while in use (radians, top towards -x, the cup).
    fn tilt(self) -> f32 {
        match self {
            ObjectKind::Milk => 0.9,
            ObjectKind::Cappuccino | ObjectKind::Espresso => 0.6,
        }
    }
}

/// Everything about one take that does not change from frame to frame.
#[derive(Clone, Debug)]
pub struct TakeScript {
    /// The annotated object.
    pub object: ObjectKind,
    /// Object box centre at rest on the table (world).
    pub object_rest: Vec3,
    /// Object rotation about the vertical at rest (radians).
    pub object_yaw: f32,
    /// Cup centre on the table (world, bottom of the cup).
    pub cup: Vec3,
    /// Seed for everything random in this take (clutter, colours, head motion).
    pub seed: u64,
    head_phase: [f32; 4],
}

impl TakeScript {
    /// The script of take `take` (deterministic).
    pub fn for_take(take: usize) -> Self {
        let seed = 0x5348_4152_5000_0000 ^ (take as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let mut rng = SplitMix64::new(seed);
        let object = [
            ObjectKind::Milk,
            ObjectKind::Cappuccino,
            ObjectKind::Espresso,
        ][take % 3];
        let half = object.half_extents();
        let object_rest = Vec3::new(
            -0.06 + rng.range(-0.008, 0.008),
            0.52 + rng.range(-0.015, 0.015),
            TABLE_TOP + half.z,
        );
        let object_yaw = rng.range(-0.12, 0.12);
        let head_phase = [(); 4].map(|_| rng.range(0.0, std::f32::consts::TAU));
        Self {
            object,
            object_rest,
            object_yaw,
            cup: Vec3::new(-0.235, 0.50, TABLE_TOP + TRAY_THICKNESS),
            seed,
            head_phase,
        }
    }
}

/// Thickness of the tray under the cup.
pub const TRAY_THICKNESS: f32 = 0.012;
/// Height of the cup on the tray.
pub const CUP_HEIGHT: f32 = 0.095;
/// Radius of the cup.
pub const CUP_RADIUS: f32 = 0.04;

/// The state of one frame.
#[derive(Clone, Copy, Debug)]
pub struct FrameState {
    /// Camera (OpenCV axes) to world.
    pub camera_to_world: Affine3A,
    /// Object (box centre, box axes) to world.
    pub object_to_world: Affine3A,
    /// Right hand, world frame.
    pub right: HandPose,
    /// Left hand, world frame; `None` while it is out of view.
    pub left: Option<HandPose>,
    /// Where each forearm goes towards (world): left, right.
    pub elbows: [Vec3; 2],
    /// Action label of the frame (0 = background).
    pub action: u32,
}

/// Normalised time of `frame` in a take of `frames` frames.
pub fn normalised_time(frame: usize, frames: usize) -> f32 {
    if frames <= 1 {
        0.0
    } else {
        frame as f32 / (frames - 1) as f32
    }
}

/// Action label at normalised time `s`.
pub fn action_at(object: ObjectKind, s: f32) -> u32 {
    let [grab, use_, place] = object.actions();
    if s < GRAB_START {
        0
    } else if s < USE_START {
        grab
    } else if s < PLACE_START {
        use_
    } else if s < PLACE_END {
        place
    } else {
        0
    }
}

/// The state of frame `frame` of `frames`.
pub fn frame_state(script: &TakeScript, frame: usize, frames: usize) -> FrameState {
    let s = normalised_time(frame, frames);
    let object_to_world = object_pose(script, s);
    FrameState {
        camera_to_world: camera_pose(script, s),
        object_to_world,
        right: right_hand(script, s, &object_to_world),
        left: left_hand(s),
        elbows: [Vec3::new(-0.34, -0.05, 0.10), Vec3::new(0.30, -0.05, 0.10)],
        action: action_at(script.object, s),
    }
}

fn smoothstep(x: f32) -> f32 {
    let x = x.clamp(0.0, 1.0);
    x * x * (3.0 - 2.0 * x)
}

/// Finds the keyframe segment containing `s`: (index of the key before, blend 0..1).
fn segment_of(times: &[f32], s: f32) -> (usize, f32) {
    let last = times.len() - 1;
    for i in 0..last {
        if s < times[i + 1] {
            let t = (s - times[i]) / (times[i + 1] - times[i]);
            return (i, smoothstep(t));
        }
    }
    (last.saturating_sub(1), 1.0)
}

/// Head-mounted camera: seated subject looking down at the table, with a little head
/// motion.
fn camera_pose(script: &TakeScript, s: f32) -> Affine3A {
    use std::f32::consts::TAU;
    let p = &script.head_phase;
    let wobble = |i: usize, cycles: f32| (TAU * cycles * s + p[i]).sin();
    let position = Vec3::new(
        0.008 * wobble(0, 0.7),
        -0.06 + 0.006 * wobble(1, 0.5),
        0.56 + 0.005 * wobble(2, 0.9),
    );
    let pitch = 34f32.to_radians() + 0.8f32.to_radians() * wobble(3, 0.6);
    let yaw = 1.0f32.to_radians() * wobble(0, 0.4);
    let roll = 0.8f32.to_radians() * wobble(2, 0.5);
    // Camera looking horizontally along +y: x right, y down (-z), z forward (+y).
    let level = Mat3::from_cols(Vec3::X, -Vec3::Z, Vec3::Y);
    let rotation = Mat3::from_rotation_z(yaw)
        * Mat3::from_rotation_x(-pitch)
        * level
        * Mat3::from_rotation_z(roll);
    Affine3A::from_mat3_translation(rotation, position)
}

/// Object keyframes: rest, lifted, tilted over the cup (top towards -x), back down a
/// little beside where it was.
fn object_pose(script: &TakeScript, s: f32) -> Affine3A {
    let half = script.object.half_extents();
    let tilt = script.object.tilt();
    let rest = script.object_rest;
    let cup_top = script.cup.z + CUP_HEIGHT;
    let pour = Vec3::new(
        script.cup.x + half.z * tilt.sin(),
        rest.y,
        cup_top + 0.03 + half.z * tilt.cos() + half.x * tilt.sin(),
    );
    let lifted = Vec3::new((rest.x + pour.x) * 0.5, rest.y, pour.z + 0.01);
    let placed = rest + Vec3::new(0.012, -0.015, 0.0);
    let keys: [(f32, Vec3, f32); 8] = [
        (0.0, rest, 0.0),
        (0.355, rest, 0.0),
        (0.47, lifted, 0.1 * tilt),
        (0.56, pour, tilt),
        (0.64, pour, tilt),
        (0.72, lifted, 0.1 * tilt),
        (0.80, placed, 0.0),
        (1.0, placed, 0.0),
    ];
    let times = keys.map(|k| k.0);
    let (i, t) = segment_of(&times, s);
    let (a, b) = (keys[i], keys[i + 1]);
    let position = a.1.lerp(b.1, t);
    let tilt = a.2 + (b.2 - a.2) * t;
    // Tilt the top towards -x and a little towards the subject, so that the fingers on
    // the top stay in view.
    let axis = Vec3::new(-0.3, 1.0, 0.0).normalize();
    let rotation = Quat::from_rotation_z(script.object_yaw) * Quat::from_axis_angle(axis, -tilt);
    Affine3A::from_rotation_translation(rotation, position)
}

/// A right-hand keyframe: free in the world, or held relative to the object.
#[derive(Clone, Copy)]
enum Key {
    Free(HandPose),
    Held(HandPose),
}

impl Key {
    fn resolve(&self, object_to_world: &Affine3A) -> HandPose {
        match self {
            Key::Free(pose) => *pose,
            Key::Held(grip) => {
                let (_, rotation, translation) = object_to_world.to_scale_rotation_translation();
                grip.transformed(rotation, translation)
            }
        }
    }
}

/// The grasp in the object frame: the palm against the near (-y) right (+x) vertical
/// edge, turned so that the back of the hand faces the subject and the right, fingers up
/// and hooked over the top edge (when the object is short enough), the thumb flat across
/// the near face and the little finger along the +x face. Every joint stays outside the
/// box and in view of the head camera. `open` = 1 gives the open hand before contact.
fn grip(half: Vec3, open: f32) -> HandPose {
    // Wrist to the middle finger's PIP joint; the wrist sits low enough for that joint to
    // reach just over the top edge, but not lower than 3 cm above the object's bottom.
    const REACH: f32 = 0.135;
    // Distance from the joints' centre plane to the palm surface.
    const PALM_OFFSET: f32 = 0.021;
    let turn = 38f32.to_radians();
    let into_object = Vec3::new(-turn.sin(), turn.cos(), 0.0);
    let forward = Vec3::Z;
    let thumb_side = (-into_object).cross(forward);
    let wrist_height = (2.0 * half.z + 0.005 - REACH).max(0.03);
    let edge = Vec3::new(half.x, -half.y, -half.z + wrist_height);
    let wrist = edge - into_object * (PALM_OFFSET + 0.05 * open)
        + thumb_side * 0.012
        + Vec3::Z * (0.01 * open);
    let over_the_top = wrist_height + REACH > 2.0 * half.z - 0.01;
    let (closed, knuckle) = if over_the_top {
        ([-0.6, 0.50, 0.55, 0.50, 0.40], 0.1)
    } else {
        ([-0.6, 0.04, 0.04, 0.06, 0.10], 1.0)
    };
    let opened = [-0.2, 0.10, 0.10, 0.12, 0.15];
    let mut pose = HandPose::facing(wrist, forward, -into_object, closed);
    for (f, o) in pose.flex.iter_mut().zip(opened) {
        *f += (o - *f) * open;
    }
    pose.knuckle = knuckle + (1.0 - knuckle) * open;
    pose.spread = 0.55 + 0.45 * open;
    pose
}

fn right_hand(script: &TakeScript, s: f32, object_to_world: &Affine3A) -> HandPose {
    let half = script.object.half_extents();
    let rest_a = HandPose::facing(
        Vec3::new(0.17, 0.32, 0.07),
        Vec3::new(-0.25, 1.0, 0.02),
        Vec3::new(-0.35, -0.2, 1.0),
        [-0.5, 0.04, 0.05, 0.06, 0.07],
    );
    let rest_b = HandPose::facing(
        Vec3::new(0.15, 0.34, 0.085),
        Vec3::new(-0.35, 1.0, 0.05),
        Vec3::new(-0.40, -0.2, 1.0),
        [-0.5, 0.03, 0.04, 0.05, 0.06],
    );
    let rest_end = HandPose::facing(
        Vec3::new(0.18, 0.31, 0.075),
        Vec3::new(-0.2, 1.0, 0.02),
        Vec3::new(-0.3, -0.2, 1.0),
        [-0.5, 0.05, 0.06, 0.07, 0.08],
    );
    let keys: [(f32, Key); 8] = [
        (0.0, Key::Free(rest_a)),
        (0.10, Key::Free(rest_b)),
        (0.26, Key::Held(grip(half, 1.0))),
        (0.34, Key::Held(grip(half, 0.0))),
        (0.80, Key::Held(grip(half, 0.0))),
        (0.86, Key::Held(grip(half, 1.0))),
        (0.95, Key::Free(rest_end)),
        (1.0, Key::Free(rest_end)),
    ];
    let times = keys.map(|k| k.0);
    let (i, t) = segment_of(&times, s);
    let a = keys[i].1.resolve(object_to_world);
    let b = keys[i + 1].1.resolve(object_to_world);
    a.lerp(&b, t)
}

/// The left hand: absent, then coming in from the bottom left and settling on the tray.
fn left_hand(s: f32) -> Option<HandPose> {
    if s < LEFT_ENTERS {
        return None;
    }
    let entry = HandPose::facing(
        Vec3::new(-0.24, 0.22, 0.12),
        Vec3::new(0.1, 1.0, 0.2),
        Vec3::new(0.2, -0.3, 1.0),
        [-0.5, 0.06, 0.07, 0.08, 0.09],
    );
    let steady = HandPose::facing(
        Vec3::new(-0.40, 0.27, 0.068),
        Vec3::new(0.3, 1.0, -0.07),
        Vec3::new(0.35, -0.15, 1.0),
        [-0.9, 0.08, 0.09, 0.10, 0.12],
    );
    let t = smoothstep((s - LEFT_ENTERS) / (0.30 - LEFT_ENTERS));
    let mut pose = entry.lerp(&steady, t);
    // A little life while it holds the tray.
    let drift = (s - 0.30).max(0.0);
    pose.wrist += Vec3::new(0.006, 0.004, 0.003) * (drift * 14.0).sin();
    Some(pose)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataset::classes::{action_name, object_name};

    #[test]
    fn every_phase_is_present_from_the_minimum_frame_count() {
        for frames in [MIN_FRAMES, 13, 16, 30, 90, 257] {
            let script = TakeScript::for_take(0);
            let labels: Vec<u32> = (0..frames)
                .map(|f| frame_state(&script, f, frames).action)
                .collect();
            assert_eq!(labels[0], 0);
            assert_eq!(labels[frames - 1], 0);
            for action in ObjectKind::Milk.actions() {
                assert!(labels.contains(&action), "{frames} frames: {labels:?}");
            }
            let absent = (0..frames)
                .filter(|&f| frame_state(&script, f, frames).left.is_none())
                .count();
            assert!(absent >= 1 && absent < frames / 2, "{frames}: {absent}");
        }
    }

    #[test]
    fn hands_stay_in_view_within_reach_and_out_of_the_object() {
        use crate::geometry::{CameraIntrinsics, Hand};
        use crate::sample::hand_model::JOINT_RADII;
        let k = CameraIntrinsics::H2O_CAM4_DEFAULT;
        for take in 0..3 {
            let script = TakeScript::for_take(take);
            let half = script.object.half_extents();
            for frames in [MIN_FRAMES, 90] {
                for frame in 0..frames {
                    let state = frame_state(&script, frame, frames);
                    let to_camera = state.camera_to_world.inverse();
                    let to_object = state.object_to_world.inverse();
                    let hands = [(Hand::Left, state.left), (Hand::Right, Some(state.right))];
                    for (hand, pose) in hands {
                        let Some(pose) = pose else { continue };
                        for (j, joint) in pose.joints(hand).iter().enumerate() {
                            let at = format!("take {take} frame {frame}/{frames} {hand:?} {j}");
                            let p = to_camera.transform_point3(*joint);
                            assert!((0.3..0.75).contains(&p.z), "{at}: {} m away", p.z);
                            let px = k.project(p).unwrap();
                            assert!(
                                px.x > 5.0 && px.y > 5.0 && px.x < 1275.0 && px.y < 715.0,
                                "{at}: at {px}"
                            );
                            assert!(joint.z >= TABLE_TOP + JOINT_RADII[j] * 0.9, "{at}: {joint}");
                            let q = to_object.transform_point3(*joint).abs();
                            assert!(q.x > half.x || q.y > half.y || q.z > half.z, "{at}");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn actions_name_the_take_object() {
        for kind in [
            ObjectKind::Milk,
            ObjectKind::Cappuccino,
            ObjectKind::Espresso,
        ] {
            let object = object_name(kind.class_id()).unwrap();
            for action in kind.actions() {
                assert!(action_name(action).unwrap().ends_with(object), "{action}");
            }
        }
    }

    #[test]
    fn camera_looks_down_at_the_table() {
        let script = TakeScript::for_take(0);
        let pose = frame_state(&script, 0, 90).camera_to_world;
        let forward = pose.transform_vector3(Vec3::Z);
        let down = pose.transform_vector3(Vec3::Y);
        assert!(forward.z < -0.4 && forward.y > 0.7, "{forward}");
        assert!(down.z < -0.7, "{down}");
        let right = pose.transform_vector3(Vec3::X);
        assert!(right.x > 0.99, "{right}");
    }

    #[test]
    fn the_hand_follows_the_object_while_holding_it() {
        let script = TakeScript::for_take(0);
        let a = frame_state(&script, 40, 90);
        let b = frame_state(&script, 55, 90);
        let in_object = |state: &FrameState| {
            state
                .object_to_world
                .inverse()
                .transform_point3(state.right.wrist)
        };
        assert!((in_object(&a) - in_object(&b)).length() < 1e-4);
        assert!((a.object_to_world.translation - b.object_to_world.translation).length() > 0.05);
    }
}
