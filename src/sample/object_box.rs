//! The 21 points written to `obj_pose`: the object's 3D box in a fixed order.
//!
//! Order (object frame, box centred at the origin, half extents `h`):
//! - `0..8`: the corners; corner `i` is `(sx*h.x, sy*h.y, sz*h.z)` where `sx` is `-1` when
//!   bit 0 of `i` is 0 and `+1` when it is 1, `sy` likewise from bit 1 and `sz` from
//!   bit 2 (so 0 = `(-,-,-)`, 1 = `(+,-,-)`, 2 = `(-,+,-)`, ..., 7 = `(+,+,+)`);
//! - `8`: the centre;
//! - `9..21`: the midpoints of the 12 edges in [`BOX_EDGES`] order: the four edges along
//!   x, then the four along y, then the four along z.

use glam::Vec3;

/// Number of points per object in `obj_pose`.
pub const OBJECT_POINT_COUNT: usize = 21;

/// The box edges as pairs of corner indices (see the module doc), in the order their
/// midpoints are written.
pub const BOX_EDGES: [(usize, usize); 12] = [
    (0, 1),
    (2, 3),
    (4, 5),
    (6, 7),
    (0, 2),
    (1, 3),
    (4, 6),
    (5, 7),
    (0, 4),
    (1, 5),
    (2, 6),
    (3, 7),
];

/// The 21 box points of a box with half extents `half`, in the object frame, in the order
/// described in the module documentation: corners `0..8` (bit 0 of the index = +x, bit 1
/// = +y, bit 2 = +z), the centre at `8`, then the midpoints of [`BOX_EDGES`] at `9..21`.
pub fn box_points(half: Vec3) -> [Vec3; OBJECT_POINT_COUNT] {
    let mut points = [Vec3::ZERO; OBJECT_POINT_COUNT];
    for (i, corner) in points.iter_mut().take(8).enumerate() {
        let sign = |bit: usize| if i & (1 << bit) == 0 { -1.0 } else { 1.0 };
        *corner = Vec3::new(sign(0) * half.x, sign(1) * half.y, sign(2) * half.z);
    }
    // points[8] is the centre (zero).
    for (k, (a, b)) in BOX_EDGES.iter().enumerate() {
        points[9 + k] = (points[*a] + points[*b]) * 0.5;
    }
    points
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn corners_follow_the_bit_order_and_edges_are_edges() {
        let half = Vec3::new(1.0, 2.0, 3.0);
        let p = box_points(half);
        assert_eq!(p[0], -half);
        assert_eq!(p[7], half);
        assert_eq!(p[1], Vec3::new(1.0, -2.0, -3.0));
        assert_eq!(p[8], Vec3::ZERO);
        for (a, b) in BOX_EDGES {
            // An edge joins corners that differ in exactly one coordinate.
            assert_eq!((a ^ b).count_ones(), 1, "{a}-{b}");
        }
        assert_eq!(p[9], Vec3::new(0.0, -2.0, -3.0));
        assert_eq!(p[20], Vec3::new(1.0, 2.0, 0.0));
    }
}
