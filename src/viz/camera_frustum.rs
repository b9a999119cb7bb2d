//! The recording camera as the 3D view and the figures draw it.

use glam::Vec3;

/// The edges of a small frustum at the origin looking along +z (metres), corner by
/// corner: apex to the corner, then the corner to the next one around the image plane.
pub fn recording_camera_edges() -> [(Vec3, Vec3); 8] {
    const APEX: Vec3 = Vec3::ZERO;
    const CORNERS: [Vec3; 4] = [
        Vec3::new(-0.08, -0.045, 0.1),
        Vec3::new(0.08, -0.045, 0.1),
        Vec3::new(0.08, 0.045, 0.1),
        Vec3::new(-0.08, 0.045, 0.1),
    ];
    std::array::from_fn(|edge| {
        let corner = CORNERS[edge / 2];
        if edge % 2 == 0 {
            (APEX, corner)
        } else {
            (corner, CORNERS[(edge / 2 + 1) % CORNERS.len()])
        }
    })
}
