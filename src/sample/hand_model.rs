//! A simple articulated hand: wrist placement, orientation and per-finger flexion give
//! the 21 joints in H2O order (wrist; thumb 1-4; index 5-8; middle 9-12; ring 13-16;
//! little 17-20, base to tip), plus the palm geometry the renderer draws around them.
//!
//! Hand-local frame (right hand): +x from the wrist towards the middle finger, +z out of
//! the back of the hand (dorsal), +y = z × x, towards the thumb. The left hand is the
//! mirror image (local y negated), so the same orientation puts both palms the same way
//! with the thumbs on opposite sides.

use glam::{Mat3, Quat, Vec3};

use crate::geometry::{Hand, HandJoints, JOINTS_PER_HAND};

/// Radius (metres) of the sphere drawn at each joint, in H2O joint order. The annotated
/// joint positions are these spheres' centres.
pub const JOINT_RADII: [f32; JOINTS_PER_HAND] = [
    0.0205, // wrist
    0.0125, 0.0112, 0.0100, 0.0088, // thumb
    0.0102, 0.0090, 0.0082, 0.0074, // index
    0.0105, 0.0093, 0.0084, 0.0076, // middle
    0.0100, 0.0088, 0.0080, 0.0072, // ring
    0.0090, 0.0080, 0.0072, 0.0065, // little
];

/// Base (MCP) joint of index, middle, ring and little finger in the local frame.
const FINGER_BASES: [Vec3; 4] = [
    Vec3::new(0.086, 0.027, 0.001),
    Vec3::new(0.090, 0.006, 0.002),
    Vec3::new(0.085, -0.014, 0.000),
    Vec3::new(0.077, -0.031, -0.003),
];
/// Proximal, middle and distal phalanx lengths of index, middle, ring and little finger.
const FINGER_LENGTHS: [[f32; 3]; 4] = [
    [0.041, 0.024, 0.020],
    [0.045, 0.027, 0.021],
    [0.042, 0.026, 0.020],
    [0.033, 0.019, 0.018],
];
/// Sideways splay of each finger at rest (radians, towards the thumb positive).
const FINGER_SPLAY: [f32; 4] = [0.10, 0.0, -0.09, -0.19];
/// Flexion at MCP, PIP and DIP joints for a full fist (radians).
const FINGER_FIST: [f32; 3] = [1.35, 1.6, 0.9];
/// Thumb base (CMC joint) in the local frame.
const THUMB_BASE: Vec3 = Vec3::new(0.026, 0.024, -0.005);
/// Thumb metacarpal, proximal and distal phalanx lengths.
const THUMB_LENGTHS: [f32; 3] = [0.040, 0.031, 0.026];

/// Pose of one hand.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct HandPose {
    /// Wrist joint position.
    pub wrist: Vec3,
    /// Hand-local to parent-frame rotation (see the module doc for the local axes).
    pub orientation: Quat,
    /// Flexion of thumb, index, middle, ring and little finger: 0 straight, 1 fist.
    pub flex: [f32; 5],
    /// Finger spread, 1 = natural.
    pub spread: f32,
    /// How much of the flexion the knuckles (MCP joints) take: 1 natural, 0 keeps the
    /// proximal phalanges in line with the palm (a hook grip).
    pub knuckle: f32,
}

impl HandPose {
    /// A hand at `wrist` whose fingers point along `forward` and whose back faces `dorsal`
    /// (made orthogonal to `forward`).
    pub fn facing(wrist: Vec3, forward: Vec3, dorsal: Vec3, flex: [f32; 5]) -> Self {
        Self {
            wrist,
            orientation: frame(forward, dorsal),
            flex,
            spread: 1.0,
            knuckle: 1.0,
        }
    }

    /// Blend towards `other` (`t` = 0 gives `self`, 1 gives `other`).
    pub fn lerp(&self, other: &HandPose, t: f32) -> HandPose {
        let mut flex = self.flex;
        for (f, o) in flex.iter_mut().zip(other.flex) {
            *f += (o - *f) * t;
        }
        HandPose {
            wrist: self.wrist.lerp(other.wrist, t),
            orientation: self.orientation.slerp(other.orientation, t),
            flex,
            spread: self.spread + (other.spread - self.spread) * t,
            knuckle: self.knuckle + (other.knuckle - self.knuckle) * t,
        }
    }

    /// The same pose seen from another frame (`rotation` then `translation` applied).
    pub fn transformed(&self, rotation: Quat, translation: Vec3) -> HandPose {
        HandPose {
            wrist: rotation * self.wrist + translation,
            orientation: (rotation * self.orientation).normalize(),
            ..*self
        }
    }

    /// Fingers' direction (local +x) in the parent frame.
    pub fn forward(&self) -> Vec3 {
        self.orientation * Vec3::X
    }

    /// Maps a right-hand local point of `hand` to the parent frame (mirrors for the left).
    pub fn place(&self, hand: Hand, local: Vec3) -> Vec3 {
        let local = match hand {
            Hand::Right => local,
            Hand::Left => Vec3::new(local.x, -local.y, local.z),
        };
        self.wrist + self.orientation * local
    }

    /// The 21 joints in the parent frame, H2O order.
    pub fn joints(&self, hand: Hand) -> HandJoints {
        local_joints(&self.flex, self.spread, self.knuckle).map(|p| self.place(hand, p))
    }
}

/// Rotation whose local x is `forward` and local z is `dorsal` made orthogonal to it.
pub fn frame(forward: Vec3, dorsal: Vec3) -> Quat {
    let x = forward.normalize();
    let z = (dorsal - x * dorsal.dot(x)).normalize();
    let y = z.cross(x);
    Quat::from_mat3(&Mat3::from_cols(x, y, z)).normalize()
}

/// Joints of a right hand in its local frame.
pub fn local_joints(flex: &[f32; 5], spread: f32, knuckle: f32) -> HandJoints {
    let mut joints = [Vec3::ZERO; JOINTS_PER_HAND];

    // Thumb: the metacarpal swings from abducted (open) towards the palm (opposed) as the
    // thumb flexes, then the two phalanges curl.
    // Negative flexion lays the thumb flat beside the palm.
    let f = flex[0].clamp(-1.0, 1.2);
    let open = Vec3::new(0.55, 0.78, -0.30);
    let opposed = Vec3::new(0.72, 0.16, -0.68);
    let flat = Vec3::new(0.62, 0.78, 0.02);
    let d0 = if f >= 0.0 {
        open.lerp(opposed, f.min(1.0))
    } else {
        open.lerp(flat, -f)
    }
    .normalize();
    let curl_towards = Vec3::new(0.1, -0.7, -0.7);
    let b = (curl_towards - d0 * curl_towards.dot(d0)).normalize();
    let dir = |angle: f32| d0 * angle.cos() + b * angle.sin();
    joints[1] = THUMB_BASE;
    joints[2] = joints[1] + d0 * THUMB_LENGTHS[0];
    let a1 = 0.12 + 0.45 * f.max(-0.2);
    let a2 = a1 + 0.12 + 0.85 * f.max(-0.1);
    joints[3] = joints[2] + dir(a1) * THUMB_LENGTHS[1];
    joints[4] = joints[3] + dir(a2) * THUMB_LENGTHS[2];

    // Fingers curl in the plane spanned by their splayed direction and the palm normal.
    for finger in 0..4 {
        let f = flex[finger + 1];
        let splay = FINGER_SPLAY[finger] * spread;
        let along = Vec3::new(splay.cos(), splay.sin(), 0.0);
        let first = 1 + 4 * (finger + 1);
        joints[first] = FINGER_BASES[finger];
        let mut angle = 0.0;
        for segment in 0..3 {
            let weight = if segment == 0 { knuckle } else { 1.0 };
            angle += f * FINGER_FIST[segment] * weight;
            let dir = along * angle.cos() - Vec3::Z * angle.sin();
            joints[first + segment + 1] =
                joints[first + segment] + dir * FINGER_LENGTHS[finger][segment];
        }
    }
    joints
}

/// Palm slab (centre, half extents) in the right-hand local frame; the renderer rounds
/// its edges with capsules.
pub const PALM_CENTER: Vec3 = Vec3::new(0.050, -0.001, -0.001);
/// Half extents of the palm slab (local x, y, z).
pub const PALM_HALF: Vec3 = Vec3::new(0.030, 0.021, 0.0095);

/// Capsules (local a, local b, radius) that round the palm: its sides, the knuckle line
/// and the ball of the thumb.
pub fn palm_capsules(joints_local: &HandJoints) -> [(Vec3, Vec3, f32); 5] {
    let heel_thumb = Vec3::new(0.012, 0.014, -0.002);
    let heel_little = Vec3::new(0.014, -0.019, -0.002);
    [
        (heel_thumb, joints_local[5], 0.0115),
        (heel_little, joints_local[17], 0.0105),
        (joints_local[5], joints_local[17], 0.0098),
        (heel_thumb, heel_little, 0.0125),
        (Vec3::new(0.022, 0.008, -0.006), joints_local[2], 0.0125),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geometry::SKELETON_BONES;

    #[test]
    fn bone_lengths_are_plausible() {
        for flex in [[0.0; 5], [0.5; 5], [1.0; 5]] {
            let joints = local_joints(&flex, 1.0, 1.0);
            for (a, b) in SKELETON_BONES {
                let length = (joints[a] - joints[b]).length();
                assert!((0.015..0.10).contains(&length), "bone {a}-{b}: {length}");
            }
        }
    }

    #[test]
    fn bone_lengths_do_not_change_with_flexion() {
        let open = local_joints(&[0.0; 5], 1.0, 1.0);
        let closed = local_joints(&[0.8; 5], 1.0, 1.0);
        for (a, b) in SKELETON_BONES {
            let l0 = (open[a] - open[b]).length();
            let l1 = (closed[a] - closed[b]).length();
            assert!((l0 - l1).abs() < 1e-5, "bone {a}-{b}");
        }
    }

    #[test]
    fn flexion_curls_towards_the_palm() {
        let open = local_joints(&[0.0; 5], 1.0, 1.0);
        let closed = local_joints(&[1.0; 5], 1.0, 1.0);
        for tip in [8, 12, 16, 20] {
            assert!(closed[tip].z < open[tip].z - 0.02, "tip {tip}");
            assert!(closed[tip].x < open[tip].x, "tip {tip}");
        }
    }

    #[test]
    fn left_hand_mirrors_the_right() {
        let pose = HandPose::facing(
            Vec3::new(0.1, 0.2, 0.5),
            Vec3::new(0.0, 0.0, 1.0),
            Vec3::new(0.0, -1.0, 0.0),
            [0.2, 0.3, 0.3, 0.3, 0.3],
        );
        let right = pose.joints(Hand::Right);
        let left = pose.joints(Hand::Left);
        assert_eq!(right[0], left[0]);
        // Thumbs on opposite sides of the middle finger.
        let side = pose.orientation * Vec3::Y;
        assert!((right[4] - right[12]).dot(side) > 0.0);
        assert!((left[4] - left[12]).dot(side) < 0.0);
    }

    #[test]
    fn facing_points_the_fingers_forward() {
        let pose = HandPose::facing(Vec3::ZERO, Vec3::Y, Vec3::Z, [0.0; 5]);
        assert!((pose.forward() - Vec3::Y).length() < 1e-5);
        assert!((pose.orientation * Vec3::Z - Vec3::Z).length() < 1e-5);
        let joints = pose.joints(Hand::Right);
        assert!(joints[12].y > 0.15);
        // Right hand, palm down, fingers forward: the thumb is on the left (-x).
        assert!(joints[4].x < -0.03);
    }
}
