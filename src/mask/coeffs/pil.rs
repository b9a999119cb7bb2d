//! Pillow 9.3 resampling weights (`libImaging/Resample.c`: `precompute_coeffs` followed by
//! `normalize_coeffs_8bpc`), per axis, as 22-bit integers.

/// Fixed-point bits of Pillow's 8-bit weights (`32 - 8 - 2`).
pub const PIL_PRECISION_BITS: u32 = 22;
/// Rounding constant added to every accumulator (`1 << (PRECISION_BITS - 1)`).
pub const PIL_HALF: i32 = 1 << (PIL_PRECISION_BITS - 1);

/// The Pillow filters SHARP's preprocessors may ask for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PilFilter {
    /// Keys cubic convolution, `a = -0.5`, support 2.
    Bicubic,
    /// Triangle, support 1.
    Bilinear,
}

impl PilFilter {
    fn support(self) -> f64 {
        match self {
            PilFilter::Bicubic => 2.0,
            PilFilter::Bilinear => 1.0,
        }
    }

    /// The kernel, evaluated in exactly Pillow's expression order.
    fn kernel(self, x: f64) -> f64 {
        let x = x.abs();
        match self {
            PilFilter::Bicubic => {
                let a = -0.5;
                if x < 1.0 {
                    ((a + 2.0) * x - (a + 3.0)) * x * x + 1.0
                } else if x < 2.0 {
                    (((x - 5.0) * x + 8.0) * x - 4.0) * a
                } else {
                    0.0
                }
            }
            PilFilter::Bilinear => {
                if x < 1.0 {
                    1.0 - x
                } else {
                    0.0
                }
            }
        }
    }
}

/// The taps of one axis: output index `o` reads source indices
/// `start[o] .. start[o] + len[o]` with weights `weights[offset[o] ..][.. len[o]]`, and
/// computes `clamp((PIL_HALF + sum(src * w)) >> 22, 0, 255)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PilTaps {
    /// First source index per output index.
    pub start: Vec<u32>,
    /// Number of taps per output index (at least 1).
    pub len: Vec<u32>,
    /// Where each output index's weights begin in `weights`.
    pub offset: Vec<u32>,
    /// All weights, 22-bit fixed point (not renormalised after rounding, like Pillow).
    pub weights: Vec<i32>,
}

impl PilTaps {
    /// Pillow's weights for resizing an axis of `in_size` samples to `out_size`.
    ///
    /// When the sizes are equal Pillow skips the pass; the table is then the identity
    /// (one tap of weight `1 << 22`), which gives the same result and lets both passes
    /// always run. Both sizes must be non-zero.
    pub fn new(in_size: u32, out_size: u32, filter: PilFilter) -> Self {
        let out_count = out_size as usize;
        let mut taps = Self {
            start: Vec::with_capacity(out_count),
            len: Vec::with_capacity(out_count),
            offset: Vec::with_capacity(out_count),
            weights: Vec::new(),
        };
        if in_size == out_size {
            for index in 0..out_size {
                taps.push(index, &[1 << PIL_PRECISION_BITS]);
            }
            return taps;
        }
        let scale = f64::from(in_size) / f64::from(out_size);
        let filterscale = scale.max(1.0);
        let support = filter.support() * filterscale;
        let ss = 1.0 / filterscale;
        let one = f64::from(1_u32 << PIL_PRECISION_BITS);
        let mut weights = Vec::new();
        let mut fixed = Vec::new();
        for out_index in 0..out_size {
            let center = (f64::from(out_index) + 0.5) * scale;
            // C's (int) conversion truncates toward zero, as `as i64` does.
            let xmin = ((center - support + 0.5) as i64).max(0);
            let xmax = ((center + support + 0.5) as i64).min(i64::from(in_size));
            weights.clear();
            weights.extend((xmin..xmax).map(|x| filter.kernel((x as f64 - center + 0.5) * ss)));
            let total: f64 = weights.iter().fold(0.0, |sum, w| sum + w);
            if total != 0.0 {
                weights.iter_mut().for_each(|w| *w /= total);
            }
            fixed.clear();
            fixed.extend(weights.iter().map(|&w| {
                if w < 0.0 {
                    (-0.5 + w * one) as i32
                } else {
                    (0.5 + w * one) as i32
                }
            }));
            // xmin < in_size always holds for non-empty axes, so the cast is lossless.
            taps.push(xmin as u32, &fixed);
        }
        taps
    }

    fn push(&mut self, start: u32, weights: &[i32]) {
        self.start.push(start);
        self.len.push(weights.len() as u32);
        self.offset.push(self.weights.len() as u32);
        self.weights.extend_from_slice(weights);
    }

    /// The weights of output index `index`.
    pub fn weights_of(&self, index: usize) -> &[i32] {
        let offset = self.offset[index] as usize;
        &self.weights[offset..offset + self.len[index] as usize]
    }

    /// The source range `first..last` that any output index reads.
    pub fn source_span(&self) -> (u32, u32) {
        let first = self.start.first().copied().unwrap_or(0);
        let last = self
            .start
            .iter()
            .zip(&self.len)
            .map(|(start, len)| start + len)
            .max()
            .unwrap_or(0);
        (first, last)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_sizes_give_the_identity() {
        let taps = PilTaps::new(5, 5, PilFilter::Bicubic);
        assert_eq!(taps.start, vec![0, 1, 2, 3, 4]);
        assert!(taps.weights.iter().all(|&w| w == 1 << 22));
    }

    #[test]
    fn dpt_axes_have_the_documented_tap_counts() {
        let x = PilTaps::new(1280, 384, PilFilter::Bicubic);
        let y = PilTaps::new(720, 384, PilFilter::Bicubic);
        assert_eq!(x.len.iter().max(), Some(&14));
        assert_eq!(y.len.iter().max(), Some(&8));
        assert_eq!(y.source_span(), (0, 720));
    }

    #[test]
    fn weights_sum_to_about_one() {
        let taps = PilTaps::new(37, 11, PilFilter::Bilinear);
        for index in 0..11 {
            let sum: i32 = taps.weights_of(index).iter().sum();
            assert!((sum - (1 << 22)).abs() <= 8, "{sum}");
        }
    }
}
