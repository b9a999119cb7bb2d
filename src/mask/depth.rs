//! The depth maps masking accepts, and the range rule in integer form.

use image::GrayImage;

use super::error::check_not_empty;
use super::{DepthRange, DepthUnit, MaskError};
use crate::dataset::images::DepthMillimetres;

/// A depth map of any resolution; it is sampled at every frame pixel.
#[derive(Clone, Copy, Debug)]
pub enum DepthInput<'a> {
    /// SHARP's 8-bit relative inverse depth (bigger is nearer), e.g. 384x384. Upscaled to
    /// the frame with OpenCV's `INTER_LINEAR`, as SHARP's `segment_background` does.
    Inverse8(&'a GrayImage),
    /// Ground-truth depth in millimetres, 0 = no measurement. Sampled with the
    /// pixel-centre nearest neighbour when its size differs from the frame's (see
    /// [`super::coeffs::nearest_axis`]): interpolating would mix "no measurement" into
    /// real depths.
    Millimetres(&'a DepthMillimetres),
}

impl DepthInput<'_> {
    /// The unit of the map's values.
    pub fn unit(&self) -> DepthUnit {
        match self {
            DepthInput::Inverse8(_) => DepthUnit::InverseDepth8,
            DepthInput::Millimetres(_) => DepthUnit::Millimetres,
        }
    }

    /// Width and height of the map.
    pub fn dimensions(&self) -> (u32, u32) {
        match self {
            DepthInput::Inverse8(map) => map.dimensions(),
            DepthInput::Millimetres(map) => map.dimensions(),
        }
    }

    /// Fails when the map has no pixels.
    pub(crate) fn check(&self) -> Result<(), MaskError> {
        let (width, height) = self.dimensions();
        check_not_empty("depth map", width, height)
    }
}

/// [`DepthRange::contains`] for integer depth values, plus SHARP's "0 = no measurement"
/// rule for millimetres: a value `v` stays when `lo <= v <= hi` (and `v != 0` when
/// `drop_zero`). For an integer `v`, `near <= v` is `ceil(near) <= v` and `v <= far` is
/// `v <= floor(far)`, so this is exactly the float range test.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeepRule {
    /// Smallest kept value.
    pub lo: u32,
    /// Largest kept value (below `lo` when nothing is kept).
    pub hi: u32,
    /// Whether 0 is dropped regardless of the range.
    pub drop_zero: bool,
}

impl KeepRule {
    /// The rule for `range` on a map of `unit`.
    pub fn new(range: DepthRange, unit: DepthUnit) -> Self {
        // Float-to-int `as` saturates (and maps NaN to 0), so out-of-range ends are safe.
        let lo = range.near.ceil().max(0.0) as u32;
        let hi = range.far.floor();
        let (lo, hi) = if hi < 0.0 { (1, 0) } else { (lo, hi as u32) };
        Self {
            lo,
            hi,
            drop_zero: unit == DepthUnit::Millimetres,
        }
    }

    /// The rule that keeps every pixel, measured or not (masking off).
    pub fn everything() -> Self {
        Self {
            lo: 0,
            hi: u32::MAX,
            drop_zero: false,
        }
    }

    /// Whether a pixel of depth `value` stays.
    pub fn keeps(&self, value: u32) -> bool {
        !(self.drop_zero && value == 0) && self.lo <= value && value <= self.hi
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integer_rule_equals_the_float_range_test() {
        let ends = [
            -3.0, -0.5, 0.0, 0.4, 1.0, 119.5, 120.0, 254.9, 255.0, 700.0, 7e4,
        ];
        for &near in &ends {
            for &far in &ends {
                let range = DepthRange::new(near, far);
                let rule = KeepRule::new(range, DepthUnit::InverseDepth8);
                for value in [0_u32, 1, 119, 120, 121, 254, 255, 699, 700, 701, 65535] {
                    assert_eq!(
                        rule.keeps(value),
                        range.contains(value as f32),
                        "{range:?} at {value}"
                    );
                }
            }
        }
    }

    #[test]
    fn millimetres_drop_unmeasured_pixels_even_when_the_range_starts_at_zero() {
        let rule = KeepRule::new(DepthRange::new(0.0, 700.0), DepthUnit::Millimetres);
        assert!(!rule.keeps(0) && rule.keeps(1) && rule.keeps(700) && !rule.keeps(701));
    }
}
