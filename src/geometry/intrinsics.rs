use glam::{Vec2, Vec3};
use serde::{Deserialize, Serialize};

/// Width of an H2O `cam4` frame in pixels.
pub const H2O_FRAME_WIDTH: u32 = 1280;
/// Height of an H2O `cam4` frame in pixels.
pub const H2O_FRAME_HEIGHT: u32 = 720;

/// Pinhole intrinsics of a camera (OpenCV convention: x right, y down, z forward).
///
/// `u = fx * x / z + cx`, `v = fy * y / z + cy`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct CameraIntrinsics {
    /// Focal length along x, in pixels.
    pub fx: f32,
    /// Focal length along y, in pixels.
    pub fy: f32,
    /// Principal point x, in pixels.
    pub cx: f32,
    /// Principal point y, in pixels.
    pub cy: f32,
    /// Image width in pixels.
    pub width: u32,
    /// Image height in pixels.
    pub height: u32,
}

impl CameraIntrinsics {
    /// The single matrix the SHARP code uses for every H2O `cam4` take (its full
    /// precision values, rounded to f32).
    // The literals are SHARP's own digits, kept so they can be compared with its code.
    #[allow(clippy::excessive_precision)]
    pub const H2O_CAM4_DEFAULT: Self = Self {
        fx: 636.659_301_757_812_5,
        fy: 636.251_953_125,
        cx: 635.283_881_879_317,
        cy: 366.874_035_349_697_8,
        width: H2O_FRAME_WIDTH,
        height: H2O_FRAME_HEIGHT,
    };

    /// Projects a camera-frame point to pixel coordinates.
    ///
    /// Returns `None` for points on or behind the image plane (`z <= 0`).
    pub fn project(&self, point: Vec3) -> Option<Vec2> {
        (point.z > 0.0).then(|| {
            Vec2::new(
                self.fx * point.x / point.z + self.cx,
                self.fy * point.y / point.z + self.cy,
            )
        })
    }

    /// Lifts a pixel at camera-frame depth `z` back to a 3D point (same unit as `z`).
    pub fn unproject(&self, pixel: Vec2, z: f32) -> Vec3 {
        Vec3::new(
            z * (pixel.x - self.cx) / self.fx,
            z * (pixel.y - self.cy) / self.fy,
            z,
        )
    }

    /// The same camera at another resolution (focal lengths and principal point scale
    /// with the image).
    pub fn scaled_to(&self, width: u32, height: u32) -> Self {
        let sx = width as f32 / self.width as f32;
        let sy = height as f32 / self.height as f32;
        Self {
            fx: self.fx * sx,
            fy: self.fy * sy,
            cx: self.cx * sx,
            cy: self.cy * sy,
            width,
            height,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn project_then_unproject_returns_the_point() {
        let k = CameraIntrinsics::H2O_CAM4_DEFAULT;
        let point = Vec3::new(0.12, -0.05, 0.45);
        let pixel = k.project(point).expect("point is in front of the camera");
        let back = k.unproject(pixel, point.z);
        assert!((back - point).length() < 1e-6, "{back} != {point}");
    }

    #[test]
    fn principal_axis_projects_to_principal_point() {
        let k = CameraIntrinsics::H2O_CAM4_DEFAULT;
        let pixel = k.project(Vec3::new(0.0, 0.0, 2.0)).expect("in front");
        assert_eq!(pixel, Vec2::new(k.cx, k.cy));
    }

    #[test]
    fn points_behind_the_camera_do_not_project() {
        let k = CameraIntrinsics::H2O_CAM4_DEFAULT;
        assert_eq!(k.project(Vec3::new(0.1, 0.1, -0.3)), None);
        assert_eq!(k.project(Vec3::new(0.1, 0.1, 0.0)), None);
    }

    #[test]
    fn scaling_keeps_normalised_coordinates() {
        let k = CameraIntrinsics::H2O_CAM4_DEFAULT;
        let half = k.scaled_to(640, 360);
        let point = Vec3::new(0.2, 0.1, 0.6);
        let full_px = k.project(point).expect("in front");
        let half_px = half.project(point).expect("in front");
        assert!((full_px * 0.5 - half_px).length() < 1e-4);
    }
}
