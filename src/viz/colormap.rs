use image::{GrayImage, Rgb, RgbImage};

use crate::dataset::images::DepthMillimetres;

/// The Turbo colour map, trimmed so that neither end is near black (black means "no
/// measurement"): `t` in [0, 1] from blue to red.
pub fn turbo(t: f32) -> [u8; 3] {
    let trimmed = 0.1 + 0.85 * f64::from(t.clamp(0.0, 1.0));
    let colour = colorous::TURBO.eval_continuous(trimmed);
    [colour.r, colour.g, colour.b]
}

/// Maps depth values to colours for display: near is red, far is blue, unmeasured
/// (0 in a millimetre map) is black.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DepthColormap {
    /// Depth shown in the nearest colour (millimetres).
    pub near_mm: f32,
    /// Depth shown in the farthest colour (millimetres).
    pub far_mm: f32,
}

impl Default for DepthColormap {
    fn default() -> Self {
        Self {
            near_mm: 250.0,
            far_mm: 3000.0,
        }
    }
}

impl DepthColormap {
    /// The colour of one measured depth (millimetres), as [`Self::colorize_mm`] paints
    /// it: red at `near_mm` and nearer, blue at `far_mm` and farther.
    pub fn colour_mm(&self, millimetres: f32) -> [u8; 3] {
        let span = (self.far_mm - self.near_mm).max(1.0);
        turbo(1.0 - ((millimetres - self.near_mm) / span).clamp(0.0, 1.0))
    }

    /// The colour of an 8-bit inverse-depth level (0..=255), as
    /// [`Self::colorize_inverse8`] paints it.
    pub fn colour_inverse8(level: f32) -> [u8; 3] {
        turbo(level / 255.0)
    }

    /// Colours a millimetre depth map; a precomputed table keeps it one lookup a pixel.
    pub fn colorize_mm(&self, depth: &DepthMillimetres) -> RgbImage {
        const STEPS: usize = 1024;
        let table: Vec<[u8; 3]> = (0..STEPS)
            .map(|i| turbo(1.0 - i as f32 / (STEPS - 1) as f32))
            .collect();
        let span = (self.far_mm - self.near_mm).max(1.0);
        let mut out = RgbImage::new(depth.width(), depth.height());
        for (pixel, value) in out.pixels_mut().zip(depth.pixels()) {
            let millimetres = value.0[0];
            if millimetres != 0 {
                let t = ((f32::from(millimetres) - self.near_mm) / span).clamp(0.0, 1.0);
                *pixel = Rgb(table[(t * (STEPS - 1) as f32) as usize]);
            }
        }
        out
    }

    /// Colours an 8-bit inverse-depth map (bigger = nearer = red).
    pub fn colorize_inverse8(depth: &GrayImage) -> RgbImage {
        let table: Vec<[u8; 3]> = (0..=255u8)
            .map(|v| Self::colour_inverse8(f32::from(v)))
            .collect();
        let mut out = RgbImage::new(depth.width(), depth.height());
        for (pixel, value) in out.pixels_mut().zip(depth.pixels()) {
            *pixel = Rgb(table[usize::from(value.0[0])]);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Luma;

    #[test]
    fn turbo_runs_from_blue_to_red() {
        let [r0, _, b0] = turbo(0.0);
        let [r1, _, b1] = turbo(1.0);
        assert!(b0 > r0 && r1 > b1, "{:?} {:?}", turbo(0.0), turbo(1.0));
    }

    #[test]
    fn single_colours_match_the_colourised_maps() {
        let levels = GrayImage::from_fn(256, 1, |x, _| Luma([x as u8]));
        let coloured = DepthColormap::colorize_inverse8(&levels);
        for level in 0..=255u8 {
            assert_eq!(
                DepthColormap::colour_inverse8(f32::from(level)),
                coloured[(u32::from(level), 0)].0
            );
        }
        let map = DepthColormap::default();
        let depth =
            DepthMillimetres::from_fn(4, 1, |x, _| Luma([[100, 250, 3000, 4000][x as usize]]));
        let coloured = map.colorize_mm(&depth);
        for (x, mm) in [100.0, 250.0, 3000.0, 4000.0].into_iter().enumerate() {
            assert_eq!(map.colour_mm(mm), coloured[(x as u32, 0)].0, "{mm} mm");
        }
    }

    #[test]
    fn near_is_red_far_is_blue_and_unmeasured_is_black() {
        let depth = DepthMillimetres::from_fn(3, 1, |x, _| Luma([[0, 300, 2900][x as usize]]));
        let colours = DepthColormap::default().colorize_mm(&depth);
        assert_eq!(colours[(0, 0)].0, [0, 0, 0]);
        let near = colours[(1, 0)].0;
        let far = colours[(2, 0)].0;
        assert!(near[0] > near[2] && far[2] > far[0], "{near:?} {far:?}");
    }
}
