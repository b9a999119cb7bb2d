//! Command-line choice of the range mask, shared by the batch tools and the bench.

use clap::{Args, ValueEnum};

use crate::chain::{
    ACTION_WINDOW_SECONDS, ActionInput, HandsSettings, MaskSettings, PoseBackend, ProcessSettings,
    SmoothingMode, SmoothingSettings,
};
use crate::mask::{DepthRange, DepthUnit, RangePreset};

/// Which depth map masks the pose network's input.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum MaskMode {
    /// SHARP's 8-bit pseudo-depth from the depth network (default range 120..255).
    Pseudo,
    /// The take's ground-truth depth in millimetres (default range 1..700).
    Gt,
    /// No masking: the pose network sees the whole frame.
    None,
}

/// `--mask` and `--range`.
#[derive(Clone, Debug, Args)]
pub struct MaskArgs {
    /// Depth map that masks the pose network's input.
    #[arg(long, value_enum, default_value_t = MaskMode::Pseudo)]
    pub mask: MaskMode,
    /// Kept range NEAR..FAR in the depth map's unit (default: SHARP's setting for the mode).
    #[arg(long, value_name = "NEAR..FAR", value_parser = parse_range)]
    pub range: Option<DepthRange>,
}

impl MaskArgs {
    /// The mask settings these arguments describe.
    pub fn mask_settings(&self) -> MaskSettings {
        let (depth, preset) = match self.mask {
            MaskMode::Pseudo => (DepthUnit::InverseDepth8, Some(RangePreset::Sharp120)),
            MaskMode::Gt => (DepthUnit::Millimetres, Some(RangePreset::OracleGroundTruth)),
            MaskMode::None => (DepthUnit::InverseDepth8, None),
        };
        MaskSettings {
            depth,
            range: preset.map(|preset| self.range.unwrap_or_else(|| preset.range(depth))),
        }
    }

    /// Whether the pose network's input is masked.
    pub fn is_masked(&self) -> bool {
        self.mask != MaskMode::None
    }

    /// Processing settings with this mask and pose backend (MediaPipe with its default
    /// settings) and no smoothing over time; the depth network runs only when
    /// `estimate_depth` or the mask needs it.
    pub fn process_settings(
        &self,
        estimate_depth: bool,
        action_input: ActionInput,
        pose_backend: PoseBackend,
    ) -> ProcessSettings {
        ProcessSettings {
            mask: self.mask_settings(),
            estimate_depth,
            action_input,
            action_window_seconds: ACTION_WINDOW_SECONDS,
            pose_backend,
            hands: HandsSettings::default(),
            smoothing: SmoothingSettings {
                mode: SmoothingMode::Off,
                ..SmoothingSettings::default()
            },
        }
    }

    /// The mask in words, for reports.
    pub fn describe(&self) -> String {
        let settings = self.mask_settings();
        match settings.range {
            Some(range) => format!(
                "{:?} depth, keep {}..{} {}",
                self.mask,
                range.near,
                range.far,
                settings.depth.suffix()
            )
            .to_lowercase(),
            None => "none".to_owned(),
        }
    }
}

/// Parses `NEAR..FAR`.
fn parse_range(text: &str) -> Result<DepthRange, String> {
    let (near, far) = text
        .split_once("..")
        .ok_or_else(|| format!("`{text}`: expected NEAR..FAR, e.g. 120..255"))?;
    let number = |part: &str| {
        part.trim()
            .parse::<f32>()
            .ok()
            .filter(|value| value.is_finite())
            .ok_or_else(|| format!("`{part}` in `{text}` is not a number"))
    };
    Ok(DepthRange::new(number(near)?, number(far)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_parse_and_reject_garbage() {
        let range = parse_range("120..255").expect("a range");
        assert_eq!((range.near, range.far), (120.0, 255.0));
        assert!(parse_range("120-255").is_err());
        assert!(parse_range("a..3").is_err());
    }

    #[test]
    fn modes_default_to_sharp_settings() {
        let args = MaskArgs {
            mask: MaskMode::Gt,
            range: None,
        };
        let settings = args.mask_settings();
        assert_eq!(settings.depth, DepthUnit::Millimetres);
        assert_eq!(settings.range, Some(DepthRange::new(1.0, 700.0)));
        let off = MaskArgs {
            mask: MaskMode::None,
            range: Some(DepthRange::new(1.0, 2.0)),
        };
        assert_eq!(off.mask_settings().range, None);
        assert!(!off.is_masked());
    }
}
