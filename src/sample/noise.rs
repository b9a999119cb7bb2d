//! Seeded sensor noise for the synthetic frames. Clean renders compress to a fraction of
//! what a real camera's PNGs weigh, so they decode faster than H2O frames do; with noise
//! the sample measures reading and scrubbing the way real takes would.

use super::rng::SplitMix64;

/// Moves every RGB channel value by a uniform amount in `-amplitude..=amplitude` levels
/// and every measured depth value (non-zero) by as many millimetres, with a generator
/// seeded by `seed` (the same frame gets the same noise on every run). Values saturate at
/// the ends of their range; unmeasured depth stays 0.
pub fn add_camera_noise(rgb: &mut [u8], depth_mm: &mut [u16], amplitude: u8, seed: u64) {
    if amplitude == 0 {
        return;
    }
    let span = 2 * u64::from(amplitude) + 1;
    let amplitude = i32::from(amplitude);
    let mut rng = SplitMix64::new(seed);
    // One 64-bit draw gives four offsets (16 bits each, reduced modulo the span: the bias
    // is below 0.1% for the amplitudes a camera shows).
    let mut offsets = std::iter::repeat_with(move || {
        let bits = rng.next_u64();
        (0..4).map(move |k| ((bits >> (16 * k)) & 0xFFFF) % span)
    })
    .flatten()
    .map(|offset| offset as i32 - amplitude);
    for value in rgb.iter_mut() {
        let offset = offsets.next().unwrap_or(0);
        *value = (i32::from(*value) + offset).clamp(0, i32::from(u8::MAX)) as u8;
    }
    for value in depth_mm.iter_mut().filter(|value| **value != 0) {
        let offset = offsets.next().unwrap_or(0);
        *value = (i32::from(*value) + offset).clamp(1, i32::from(u16::MAX)) as u16;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn noise_stays_within_the_amplitude_saturates_and_is_seeded() {
        let clean_rgb: Vec<u8> = (0..3000).map(|i| (i % 256) as u8).collect();
        let clean_depth: Vec<u16> = (0..1000)
            .map(|i| if i % 5 == 0 { 0 } else { 400 + i })
            .collect();
        let noisy = |amplitude: u8, seed: u64| {
            let (mut rgb, mut depth) = (clean_rgb.clone(), clean_depth.clone());
            add_camera_noise(&mut rgb, &mut depth, amplitude, seed);
            (rgb, depth)
        };
        let (rgb, depth) = noisy(6, 1);
        for (noisy, clean) in rgb.iter().zip(&clean_rgb) {
            let expected_low = clean.saturating_sub(6);
            let expected_high = clean.saturating_add(6);
            assert!(
                (expected_low..=expected_high).contains(noisy),
                "{clean} -> {noisy}"
            );
        }
        for (noisy, clean) in depth.iter().zip(&clean_depth) {
            if *clean == 0 {
                assert_eq!(*noisy, 0);
            } else {
                assert!(noisy.abs_diff(*clean) <= 6, "{clean} -> {noisy}");
            }
        }
        // Every offset in -6..=6 occurs, and the values really moved.
        let offsets: std::collections::BTreeSet<i32> = rgb
            .iter()
            .zip(&clean_rgb)
            .filter(|(_, clean)| (6..250).contains(*clean))
            .map(|(noisy, clean)| i32::from(*noisy) - i32::from(*clean))
            .collect();
        assert_eq!(offsets, (-6..=6).collect());
        assert_eq!(noisy(6, 1), (rgb.clone(), depth.clone()));
        assert_ne!(noisy(6, 2).0, rgb);
        assert_eq!(noisy(0, 1), (clean_rgb.clone(), clean_depth.clone()));
    }
}
