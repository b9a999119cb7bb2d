//! Which camera matrix the evaluation unprojects and projects with: SHARP's fixed cam4
//! matrix (what the authors' code always uses) or each take's `cam_intrinsics.txt`.

use crate::dataset::Take;
use crate::geometry::CameraIntrinsics;

/// The camera matrix of the evaluation (`--intrinsics`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum EvalIntrinsics {
    /// SHARP's fixed cam4 matrix (fx 636.659, fy 636.252, cx 635.284, cy 366.874 at
    /// 1280x720, scaled to the take's frame size), as the authors' code always uses: for
    /// reproducing the paper.
    #[default]
    SharpFixed,
    /// Each take's own `cam_intrinsics.txt`.
    Take,
}

impl EvalIntrinsics {
    /// The matrix to use for `take`.
    pub fn for_take(self, take: &Take) -> CameraIntrinsics {
        match self {
            Self::SharpFixed => CameraIntrinsics::H2O_CAM4_DEFAULT
                .scaled_to(take.intrinsics.width, take.intrinsics.height),
            Self::Take => take.intrinsics,
        }
    }

    /// The choice in words, for summaries.
    pub fn describe(self) -> &'static str {
        match self {
            Self::SharpFixed => {
                "SHARP's fixed cam4 matrix (as the authors' code), scaled to the frame size"
            }
            Self::Take => "each take's cam_intrinsics.txt",
        }
    }

    /// The command-line spelling.
    pub fn name(self) -> &'static str {
        match self {
            Self::SharpFixed => "sharp-fixed",
            Self::Take => "take",
        }
    }
}
