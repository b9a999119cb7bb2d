//! Nearest-neighbour sampling for ground-truth depth at a different size than the frame.
//!
//! Depth in millimetres must not be interpolated: 0 means "no measurement", and a
//! bilinear mix of 0 with a measured neighbour would invent depths that the sensor never
//! saw (and make holes shrink or grow). The rule is the pixel-centre nearest neighbour,
//! in exact integer arithmetic: output index `d` of `out_size` reads source index
//! `floor((d + 0.5) * in_size / out_size) = ((2d + 1) * in_size) / (2 * out_size)`.

/// The source index of every output index along one axis (`in_size`, `out_size` > 0).
pub fn nearest_axis(in_size: u32, out_size: u32) -> Vec<u32> {
    let in_size = u64::from(in_size);
    let out_size = u64::from(out_size);
    (0..out_size)
        // The quotient is below in_size, so it fits u32.
        .map(|d| ((2 * d + 1) * in_size / (2 * out_size)) as u32)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_size_is_the_identity_and_halving_takes_the_second_of_each_pair() {
        assert_eq!(nearest_axis(4, 4), vec![0, 1, 2, 3]);
        assert_eq!(nearest_axis(4, 2), vec![1, 3]);
        assert_eq!(nearest_axis(2, 4), vec![0, 0, 1, 1]);
    }
}
