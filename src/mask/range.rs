use serde::{Deserialize, Serialize};

/// The unit of a depth map, which decides what "inside the range" means.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DepthUnit {
    /// Ground-truth depth in millimetres; 0 means no measurement and is always dropped.
    Millimetres,
    /// SHARP's 8-bit pseudo-depth: relative inverse depth, bigger is nearer.
    InverseDepth8,
}

impl DepthUnit {
    /// The largest value a map of this unit holds, for slider bounds.
    pub fn max_value(self) -> f32 {
        match self {
            DepthUnit::Millimetres => 5000.0,
            DepthUnit::InverseDepth8 => 255.0,
        }
    }

    /// Unit suffix for labels.
    pub fn suffix(self) -> &'static str {
        match self {
            DepthUnit::Millimetres => "mm",
            DepthUnit::InverseDepth8 => "(8-bit inverse depth)",
        }
    }
}

/// The closed range [near, far] of depth values that stay visible, in the map's unit.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct DepthRange {
    /// Smallest kept value.
    pub near: f32,
    /// Largest kept value.
    pub far: f32,
}

impl DepthRange {
    /// A range, with the ends swapped if given in the wrong order.
    pub fn new(near: f32, far: f32) -> Self {
        Self {
            near: near.min(far),
            far: near.max(far),
        }
    }

    /// Whether `value` is kept.
    pub fn contains(&self, value: f32) -> bool {
        self.near <= value && value <= self.far
    }
}

/// Named settings users switch between.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RangePreset {
    /// SHARP's evaluation setting on pseudo-depth: keep inverse depth >= 120.
    Sharp120,
    /// Oracle masking with ground-truth depth: keep measured depth up to 700 mm.
    OracleGroundTruth,
    /// No masking at all (SHARP's threshold 0).
    Off,
}

impl RangePreset {
    /// Every preset, in menu order.
    pub const ALL: [RangePreset; 3] = [
        RangePreset::Sharp120,
        RangePreset::OracleGroundTruth,
        RangePreset::Off,
    ];

    /// Label in the UI.
    pub fn label(self) -> &'static str {
        match self {
            RangePreset::Sharp120 => "SHARP 120",
            RangePreset::OracleGroundTruth => "oracle GT depth",
            RangePreset::Off => "no masking",
        }
    }

    /// The unit of depth map the preset applies to; `None` for "off", which fits any.
    pub fn unit(self) -> Option<DepthUnit> {
        match self {
            RangePreset::Sharp120 => Some(DepthUnit::InverseDepth8),
            RangePreset::OracleGroundTruth => Some(DepthUnit::Millimetres),
            RangePreset::Off => None,
        }
    }

    /// The preset's range in `unit`.
    pub fn range(self, unit: DepthUnit) -> DepthRange {
        match (self, unit) {
            (RangePreset::Sharp120, _) => DepthRange::new(120.0, 255.0),
            (RangePreset::OracleGroundTruth, _) => DepthRange::new(1.0, 700.0),
            (RangePreset::Off, unit) => DepthRange::new(0.0, unit.max_value()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_are_closed_and_ordered() {
        let range = DepthRange::new(700.0, 100.0);
        assert_eq!((range.near, range.far), (100.0, 700.0));
        assert!(range.contains(100.0) && range.contains(700.0));
        assert!(!range.contains(700.5));
    }

    #[test]
    fn sharp_preset_keeps_inverse_depth_from_120() {
        let range = RangePreset::Sharp120.range(DepthUnit::InverseDepth8);
        assert!(range.contains(120.0) && range.contains(255.0) && !range.contains(119.0));
    }
}
