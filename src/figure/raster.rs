//! Minimal CPU drawing into RGB images: anti-aliased discs and round-capped lines,
//! rectangles, coverage blending; whatever falls outside the image is clipped.

use glam::Vec2;
use image::{Rgb, RgbImage};

/// Blends `color` over the pixel at (`x`, `y`) by `coverage` (0 to 1); outside the image
/// nothing happens.
pub fn blend(image: &mut RgbImage, x: i64, y: i64, color: [u8; 3], coverage: f32) {
    let (Ok(x), Ok(y)) = (u32::try_from(x), u32::try_from(y)) else {
        return;
    };
    if x >= image.width() || y >= image.height() {
        return;
    }
    let alpha = coverage.clamp(0.0, 1.0);
    if alpha <= 0.0 {
        return;
    }
    let pixel = image.get_pixel_mut(x, y);
    for (channel, target) in pixel.0.iter_mut().zip(color) {
        let mixed = f32::from(*channel) * (1.0 - alpha) + f32::from(target) * alpha;
        *channel = mixed.round() as u8;
    }
}

/// Fills the pixels within `radius` of the segment from `a` to `b` (a disc when they
/// coincide), edges anti-aliased over one pixel.
fn capsule(image: &mut RgbImage, a: Vec2, b: Vec2, radius: f32, color: [u8; 3]) {
    if !(a.is_finite() && b.is_finite() && radius.is_finite()) {
        return;
    }
    let (width, height) = (image.width() as f32, image.height() as f32);
    let reach = radius + 1.0;
    let x0 = (a.x.min(b.x) - reach).floor().max(0.0);
    let x1 = (a.x.max(b.x) + reach).ceil().min(width - 1.0);
    let y0 = (a.y.min(b.y) - reach).floor().max(0.0);
    let y1 = (a.y.max(b.y) + reach).ceil().min(height - 1.0);
    if x0 > x1 || y0 > y1 {
        return;
    }
    let along = b - a;
    let length_squared = along.length_squared();
    for y in y0 as u32..=y1 as u32 {
        for x in x0 as u32..=x1 as u32 {
            let pixel = Vec2::new(x as f32 + 0.5, y as f32 + 0.5);
            let t = if length_squared > 0.0 {
                ((pixel - a).dot(along) / length_squared).clamp(0.0, 1.0)
            } else {
                0.0
            };
            let distance = pixel.distance(a + along * t);
            blend(
                image,
                i64::from(x),
                i64::from(y),
                color,
                radius + 0.5 - distance,
            );
        }
    }
}

/// Fills the disc of `radius` around `centre`.
pub fn disc(image: &mut RgbImage, centre: Vec2, radius: f32, color: [u8; 3]) {
    capsule(image, centre, centre, radius, color);
}

/// Draws a round-capped line `width` wide from `a` to `b`.
pub fn line(image: &mut RgbImage, a: Vec2, b: Vec2, width: f32, color: [u8; 3]) {
    capsule(image, a, b, (width * 0.5).max(0.5), color);
}

/// Fills the rectangle at (`x`, `y`) of `width` x `height`.
pub fn fill_rect(image: &mut RgbImage, x: u32, y: u32, width: u32, height: u32, color: [u8; 3]) {
    for py in y..y.saturating_add(height).min(image.height()) {
        for px in x..x.saturating_add(width).min(image.width()) {
            image.put_pixel(px, py, Rgb(color));
        }
    }
}
