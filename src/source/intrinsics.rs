//! Intrinsics for sources that do not bring their own (webcams, video files): from a
//! file, from a field of view, or H2O's `cam4` matrix scaled to the frame size.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::dataset::annotations::{parse_intrinsics, read_with};
use crate::geometry::CameraIntrinsics;

/// Where a live or video source takes its intrinsics from.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub enum IntrinsicsChoice {
    /// SHARP's fixed H2O `cam4` matrix, scaled to the frame size.
    #[default]
    H2oScaled,
    /// A pinhole with this horizontal field of view (degrees), square pixels and the
    /// principal point at the centre.
    FieldOfView {
        /// Horizontal field of view in degrees.
        horizontal_deg: f32,
    },
    /// A `cam_intrinsics.txt`-style file (`fx fy cx cy width height`), scaled to the
    /// frame size when it was made for another resolution.
    File(PathBuf),
}

/// Intrinsics for a frame size, and where they came from in words (for the UI).
#[derive(Clone, Debug, PartialEq)]
pub struct ResolvedIntrinsics {
    /// The matrix for the frame size asked for.
    pub intrinsics: CameraIntrinsics,
    /// Where it came from, e.g. "H2O cam4 scaled to 640x480".
    pub origin: String,
}

/// Why intrinsics could not be resolved.
#[derive(Debug, thiserror::Error)]
pub enum IntrinsicsError {
    /// The file could not be read or parsed.
    #[error(transparent)]
    File(#[from] crate::dataset::DatasetError),
    /// The field of view is not usable.
    #[error("field of view {0} degrees is outside 1..179")]
    FieldOfView(f32),
}

impl IntrinsicsChoice {
    /// Short description for menus.
    pub fn label(&self) -> String {
        match self {
            IntrinsicsChoice::H2oScaled => "H2O cam4, scaled".into(),
            IntrinsicsChoice::FieldOfView { horizontal_deg } => {
                format!("{horizontal_deg:.0}° horizontal field of view")
            }
            IntrinsicsChoice::File(path) => format!("file {}", path.display()),
        }
    }

    /// The intrinsics for frames of `width` x `height`.
    pub fn resolve(&self, width: u32, height: u32) -> Result<ResolvedIntrinsics, IntrinsicsError> {
        match self {
            IntrinsicsChoice::H2oScaled => Ok(h2o_scaled(width, height)),
            IntrinsicsChoice::FieldOfView { horizontal_deg } => {
                from_field_of_view(*horizontal_deg, width, height)
            }
            IntrinsicsChoice::File(path) => from_file(path, width, height),
        }
    }
}

/// SHARP's H2O `cam4` matrix at `width` x `height` (never fails: the fallback).
pub fn h2o_scaled(width: u32, height: u32) -> ResolvedIntrinsics {
    scaled(
        CameraIntrinsics::H2O_CAM4_DEFAULT,
        width,
        height,
        "H2O cam4",
    )
}

fn from_field_of_view(
    horizontal_deg: f32,
    width: u32,
    height: u32,
) -> Result<ResolvedIntrinsics, IntrinsicsError> {
    if !(1.0..=179.0).contains(&horizontal_deg) {
        return Err(IntrinsicsError::FieldOfView(horizontal_deg));
    }
    let focal = width as f32 / 2.0 / (horizontal_deg.to_radians() / 2.0).tan();
    Ok(ResolvedIntrinsics {
        intrinsics: CameraIntrinsics {
            fx: focal,
            fy: focal,
            cx: width as f32 / 2.0,
            cy: height as f32 / 2.0,
            width,
            height,
        },
        origin: format!("{horizontal_deg:.0}° horizontal field of view at {width}x{height}"),
    })
}

fn from_file(path: &Path, width: u32, height: u32) -> Result<ResolvedIntrinsics, IntrinsicsError> {
    let intrinsics = read_with(path, parse_intrinsics)?;
    let name = format!("file {}", path.display());
    Ok(scaled(intrinsics, width, height, &name))
}

/// `intrinsics` at `width` x `height`, saying whether and how it was scaled.
fn scaled(intrinsics: CameraIntrinsics, width: u32, height: u32, name: &str) -> ResolvedIntrinsics {
    if (intrinsics.width, intrinsics.height) == (width, height) {
        return ResolvedIntrinsics {
            intrinsics,
            origin: format!("{name} ({width}x{height})"),
        };
    }
    let from_aspect = intrinsics.width as f32 / intrinsics.height as f32;
    let to_aspect = width as f32 / height.max(1) as f32;
    let note = if (from_aspect - to_aspect).abs() > 0.01 {
        " (aspect ratio differs: pixels stretched)"
    } else {
        ""
    };
    ResolvedIntrinsics {
        intrinsics: intrinsics.scaled_to(width, height),
        origin: format!(
            "{name} scaled from {}x{} to {width}x{height}{note}",
            intrinsics.width, intrinsics.height
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn h2o_scaled_says_so_and_keeps_normalised_coordinates() {
        let resolved = IntrinsicsChoice::H2oScaled
            .resolve(640, 360)
            .expect("always resolves");
        assert!(resolved.origin.contains("scaled from 1280x720 to 640x360"));
        assert!((resolved.intrinsics.fx - 636.6593 / 2.0).abs() < 1e-3);
        let same = IntrinsicsChoice::H2oScaled
            .resolve(1280, 720)
            .expect("resolves");
        assert_eq!(same.intrinsics, CameraIntrinsics::H2O_CAM4_DEFAULT);
        let stretched = IntrinsicsChoice::H2oScaled
            .resolve(640, 480)
            .expect("resolves");
        assert!(stretched.origin.contains("aspect ratio differs"));
    }

    #[test]
    fn field_of_view_gives_a_centred_square_pixel_camera() {
        let resolved = IntrinsicsChoice::FieldOfView {
            horizontal_deg: 90.0,
        }
        .resolve(640, 480)
        .expect("valid");
        let k = resolved.intrinsics;
        assert!((k.fx - 320.0).abs() < 1e-3 && k.fx == k.fy);
        assert_eq!((k.cx, k.cy), (320.0, 240.0));
        assert!(
            IntrinsicsChoice::FieldOfView {
                horizontal_deg: 180.0
            }
            .resolve(640, 480)
            .is_err()
        );
    }

    #[test]
    fn a_file_is_read_and_scaled() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("k.txt");
        std::fs::write(&path, "600 600 640 360 1280 720").expect("write");
        let resolved = IntrinsicsChoice::File(path.clone())
            .resolve(1920, 1080)
            .expect("valid");
        assert_eq!(resolved.intrinsics.fx, 900.0);
        assert!(
            resolved
                .origin
                .contains("scaled from 1280x720 to 1920x1080")
        );
        std::fs::write(&path, "600 600").expect("write");
        let error = IntrinsicsChoice::File(path).resolve(1280, 720).unwrap_err();
        assert!(error.to_string().contains("k.txt"), "{error}");
    }
}
