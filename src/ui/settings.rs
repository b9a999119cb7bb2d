//! Viewer settings that persist across runs (through eframe's storage).

use serde::{Deserialize, Serialize};

use super::skeleton_view::OrbitCamera;
use super::sources_ui::SourceSettings;
use crate::chain::{
    ACTION_WINDOW_SECONDS, ActionInput, HandsSettings, MaskSettings, PoseBackend, ProcessSettings,
    SmoothingSettings,
};
use crate::figure::DepthPanel;
use crate::mask::{DepthRange, DepthUnit, RangePreset};

/// Key under which the settings are stored.
pub const STORAGE_KEY: &str = "sharp-viewer-settings";

/// Everything the user sets that should survive a restart.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ViewerSettings {
    /// Whether range masking is on.
    pub masking_enabled: bool,
    /// Which depth map drives the mask.
    pub mask_depth: DepthUnit,
    /// Kept range for ground-truth depth (mm).
    pub range_mm: DepthRange,
    /// Kept range for 8-bit pseudo-depth.
    pub range_inverse8: DepthRange,
    /// Draw the 2D skeleton over the RGB panel.
    pub show_2d_skeleton: bool,
    /// Draw the skeleton over the masked panel too.
    pub skeleton_on_masked: bool,
    /// Run the depth network on every frame to show pseudo-depth, even when the mask
    /// uses ground-truth depth.
    pub estimate_depth: bool,
    /// Show pseudo-depth (rather than ground-truth depth) in the depth panel when both
    /// are there.
    pub depth_panel_pseudo: bool,
    /// Which poses feed the action classifier.
    pub action_input: ActionInput,
    /// Seconds of consecutive frames the action classifier looks at.
    pub action_window_seconds: f32,
    /// Colour predicted joints by their error against the ground truth (where there is
    /// one) instead of by finger.
    pub color_by_error: bool,
    /// Show the per-frame MPJPE curve under the timeline.
    pub show_mpjpe_curve: bool,
    /// Show the frame-rate and latency readout.
    pub show_speed_readout: bool,
    /// While the timeline is dragged, analyse only the frame it stops on when analysis
    /// is slower than scrubbing (so the frames keep up on a CPU).
    pub hold_slow_analysis: bool,
    /// Playback speed factor.
    pub playback_speed: f32,
    /// Start again at the end of the take.
    pub loop_playback: bool,
    /// The 3D view's camera.
    pub camera_3d: OrbitCamera,
    /// Which network finds the hands.
    pub pose_backend: PoseBackend,
    /// How MediaPipe's hands are labelled and placed.
    pub hands: HandsSettings,
    /// Smoothing of the joints over time (and hand identity across frames).
    pub smoothing: SmoothingSettings,
    /// Draw fingertip motion trails in the 2D and 3D views.
    pub show_trails: bool,
    /// Cache size, camera, intrinsics, recordings folder, dataset root.
    pub sources: SourceSettings,
    /// The panel that fills the whole grid (double-click), or `None` for the 2x2 grid.
    pub maximised_panel: Option<GridPanel>,
    /// Pick files and folders with the built-in dialog even where the desktop has one.
    pub builtin_file_picker: bool,
}

/// One of the four panels of the central grid.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum GridPanel {
    /// The RGB frame with the 2D skeletons.
    Rgb,
    /// Pseudo-depth or ground-truth depth.
    Depth,
    /// The masked frame the pose network sees.
    Masked,
    /// The 3D skeleton view.
    Skeleton,
}

impl Default for ViewerSettings {
    fn default() -> Self {
        Self {
            masking_enabled: true,
            mask_depth: DepthUnit::Millimetres,
            range_mm: RangePreset::OracleGroundTruth.range(DepthUnit::Millimetres),
            range_inverse8: RangePreset::Sharp120.range(DepthUnit::InverseDepth8),
            show_2d_skeleton: true,
            skeleton_on_masked: false,
            estimate_depth: true,
            depth_panel_pseudo: true,
            action_input: ActionInput::PredictedPoses,
            action_window_seconds: ACTION_WINDOW_SECONDS,
            color_by_error: false,
            show_mpjpe_curve: true,
            show_speed_readout: true,
            hold_slow_analysis: true,
            playback_speed: 1.0,
            loop_playback: true,
            camera_3d: OrbitCamera::default(),
            pose_backend: PoseBackend::default(),
            hands: HandsSettings::default(),
            smoothing: SmoothingSettings::default(),
            show_trails: false,
            sources: SourceSettings::default(),
            maximised_panel: None,
            builtin_file_picker: false,
        }
    }
}

impl ViewerSettings {
    /// The range for the depth map currently driving the mask.
    pub fn active_range(&self) -> DepthRange {
        match self.mask_depth {
            DepthUnit::Millimetres => self.range_mm,
            DepthUnit::InverseDepth8 => self.range_inverse8,
        }
    }

    /// Mutable access to the range for the depth map currently driving the mask.
    pub fn active_range_mut(&mut self) -> &mut DepthRange {
        match self.mask_depth {
            DepthUnit::Millimetres => &mut self.range_mm,
            DepthUnit::InverseDepth8 => &mut self.range_inverse8,
        }
    }

    /// Applies a preset: switches the depth map it belongs to and sets its range.
    pub fn apply_preset(&mut self, preset: RangePreset) {
        match preset.unit() {
            Some(unit) => {
                self.masking_enabled = true;
                self.mask_depth = unit;
                *self.active_range_mut() = preset.range(unit);
            }
            None => self.masking_enabled = false,
        }
    }

    /// What the worker needs to mask.
    pub fn mask_settings(&self) -> MaskSettings {
        MaskSettings {
            depth: self.mask_depth,
            range: self.masking_enabled.then(|| self.active_range()),
        }
    }

    /// The depth map the depth panel shows for a frame that has pseudo-depth (`pseudo`)
    /// and ground-truth depth (`truth`): pseudo-depth where the user prefers it and it is
    /// there, else the ground truth where it is there (the panel is blank without either).
    pub fn depth_panel(&self, pseudo: bool, truth: bool) -> DepthPanel {
        if truth && !(pseudo && self.depth_panel_pseudo) {
            DepthPanel::GroundTruth
        } else {
            DepthPanel::Pseudo
        }
    }

    /// Everything the worker needs.
    pub fn process_settings(&self) -> ProcessSettings {
        ProcessSettings {
            mask: self.mask_settings(),
            estimate_depth: self.estimate_depth,
            action_input: self.action_input,
            action_window_seconds: self.action_window_seconds,
            pose_backend: self.pose_backend,
            hands: self.hands,
            smoothing: self.smoothing,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_switch_the_depth_map_and_range() {
        let mut settings = ViewerSettings::default();
        settings.apply_preset(RangePreset::Sharp120);
        assert_eq!(settings.mask_depth, DepthUnit::InverseDepth8);
        assert_eq!(
            settings.mask_settings().range,
            Some(DepthRange::new(120.0, 255.0))
        );
        settings.apply_preset(RangePreset::Off);
        assert_eq!(settings.mask_settings().range, None);
    }

    #[test]
    fn settings_round_trip_through_serde_and_tolerate_missing_fields() {
        let settings = ViewerSettings {
            playback_speed: 0.5,
            ..ViewerSettings::default()
        };
        let text = serde_json::to_string(&settings).expect("serialise");
        assert_eq!(
            serde_json::from_str::<ViewerSettings>(&text).expect("parse"),
            settings
        );
        let partial: ViewerSettings =
            serde_json::from_str(r#"{"playback_speed": 2.0}"#).expect("parse");
        assert_eq!(partial.playback_speed, 2.0);
        assert!(partial.masking_enabled);
    }
}
