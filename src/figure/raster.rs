//! Minimal CPU drawing into RGB images: filled discs, thick lines, rectangles; whatever
//! falls outside the image is clipped.

use glam::Vec2;
use image::{Rgb, RgbImage};

/// Fills the disc of `radius` around `centre`.
pub fn disc(image: &mut RgbImage, centre: Vec2, radius: f32, color: [u8; 3]) {
    if !centre.is_finite() {
        return;
    }
    let (width, height) = (image.width() as f32, image.height() as f32);
    let x0 = (centre.x - radius).floor().max(0.0);
    let x1 = (centre.x + radius).ceil().min(width - 1.0);
    let y0 = (centre.y - radius).floor().max(0.0);
    let y1 = (centre.y + radius).ceil().min(height - 1.0);
    if x0 > x1 || y0 > y1 {
        return;
    }
    for y in y0 as u32..=y1 as u32 {
        for x in x0 as u32..=x1 as u32 {
            let offset = Vec2::new(x as f32 + 0.5, y as f32 + 0.5) - centre;
            if offset.length_squared() <= radius * radius {
                image.put_pixel(x, y, Rgb(color));
            }
        }
    }
}

/// Draws a line `width` wide from `a` to `b` (discs along it).
pub fn line(image: &mut RgbImage, a: Vec2, b: Vec2, width: f32, color: [u8; 3]) {
    let radius = (width * 0.5).max(0.5);
    let steps = ((b - a).length() / (radius * 0.5))
        .ceil()
        .clamp(1.0, 10_000.0) as u32;
    for step in 0..=steps {
        disc(image, a.lerp(b, step as f32 / steps as f32), radius, color);
    }
}

/// Fills the rectangle at (`x`, `y`) of `width` x `height`.
pub fn fill_rect(image: &mut RgbImage, x: u32, y: u32, width: u32, height: u32, color: [u8; 3]) {
    for py in y..(y + height).min(image.height()) {
        for px in x..(x + width).min(image.width()) {
            image.put_pixel(px, py, Rgb(color));
        }
    }
}
