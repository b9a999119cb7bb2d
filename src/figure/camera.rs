//! The 3D skeleton panel's virtual camera: fixed presets (reproducible figures) or a given
//! view (the viewer's 3D panel as the user left it).

use std::str::FromStr;

use glam::{Mat4, Vec2, Vec3};

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
    /// Projects camera-frame points (metres) onto a `width` x `height` canvas; `hands_centre`
    /// is where presets look.
    pub(super) fn projector(
        self,
        hands_centre: Vec3,
        width: f32,
        height: f32,
    ) -> impl Fn(Vec3) -> Option<Vec2> {
        let (view, fov_y) = match self {
            Self::Preset(preset) => (preset.view(hands_centre), CameraPreset::FOV_Y),
            Self::View { view, fov_y } => (view, fov_y),
        };
        let aspect = width / height.max(1.0);
        let projection = glam::camera::rh::proj::directx::perspective(fov_y, aspect, 0.01, 20.0);
        let view_projection = projection * view;
        let (w, h) = (width, height);
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
