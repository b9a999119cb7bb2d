//! Figure text in the font the viewer itself uses (egui's Ubuntu Light, from
//! `epaint_default_fonts`), laid out and rasterised with `ab_glyph`: anti-aliased, any
//! size, mixed case and the symbols labels need (`–`, `±`, `≥`).

use std::sync::OnceLock;

use ab_glyph::{Font, FontRef, ScaleFont};
use image::RgbImage;

/// The font's bytes could not be read as a font.
#[derive(Clone, Debug, thiserror::Error)]
#[error("the figure font (egui's Ubuntu Light) is unreadable: {0}")]
pub struct FontError(String);

/// The viewer's proportional font, parsed once.
fn font() -> Result<&'static FontRef<'static>, FontError> {
    static FONT: OnceLock<Result<FontRef<'static>, FontError>> = OnceLock::new();
    FONT.get_or_init(|| {
        FontRef::try_from_slice(epaint_default_fonts::UBUNTU_LIGHT)
            .map_err(|error| FontError(error.to_string()))
    })
    .as_ref()
    .map_err(Clone::clone)
}

/// Width and height (ascent + descent) in pixels of `text` at `size` pixels per em.
pub fn text_size(text: &str, size: f32) -> Result<(f32, f32), FontError> {
    let scaled = font()?.as_scaled(size);
    let mut width = 0.0;
    let mut previous = None;
    for c in text.chars() {
        let id = scaled.glyph_id(c);
        if let Some(previous) = previous {
            width += scaled.kern(previous, id);
        }
        width += scaled.h_advance(id);
        previous = Some(id);
    }
    Ok((width, scaled.ascent() - scaled.descent()))
}

/// The distance from the top of a line of text at `size` pixels per em to its baseline.
pub fn ascent(size: f32) -> Result<f32, FontError> {
    Ok(font()?.as_scaled(size).ascent())
}

/// Draws `text` with its top-left corner at (`x`, `y`), `size` pixels per em, blended
/// over the image by the glyphs' coverage.
pub fn draw_text(
    image: &mut RgbImage,
    x: f32,
    y: f32,
    text: &str,
    size: f32,
    color: [u8; 3],
) -> Result<(), FontError> {
    let font = font()?;
    let scaled = font.as_scaled(size);
    let baseline = y + scaled.ascent();
    let mut caret = x;
    let mut previous = None;
    for c in text.chars() {
        let id = scaled.glyph_id(c);
        if let Some(previous) = previous {
            caret += scaled.kern(previous, id);
        }
        let glyph = id.with_scale_and_position(size, ab_glyph::point(caret, baseline));
        caret += scaled.h_advance(id);
        previous = Some(id);
        let Some(outline) = font.outline_glyph(glyph) else {
            continue; // a space
        };
        let bounds = outline.px_bounds();
        outline.draw(|gx, gy, coverage| {
            let px = bounds.min.x as i64 + i64::from(gx);
            let py = bounds.min.y as i64 + i64::from(gy);
            super::raster::blend(image, px, py, color, coverage);
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_anti_aliased_and_wider_text_is_wider() {
        let mut image = RgbImage::new(200, 40);
        draw_text(&mut image, 2.0, 2.0, "Masked ≥ 50 mm", 20.0, [255; 3]).expect("the font");
        let values: std::collections::BTreeSet<u8> =
            image.pixels().map(|pixel| pixel.0[0]).collect();
        assert!(values.contains(&255) && values.len() > 10, "{values:?}");
        let (narrow, height) = text_size("il", 20.0).expect("the font");
        let (wide, _) = text_size("WM", 20.0).expect("the font");
        assert!(wide > narrow && height > 15.0 && height < 30.0);
    }
}
