//! A figure as a list of shapes in figure units (one unit = one frame pixel): images,
//! rectangles, lines, discs and text. The same list becomes a PNG at any scale
//! ([`Canvas::rasterize`]) or an SVG ([`super::svg`]), so both show the same figure.

use std::sync::Arc;

use glam::Vec2;
use image::imageops::FilterType;
use image::{Rgb, RgbImage};

use super::font::{self, FontError};
use super::raster;

/// One thing drawn, in figure units.
#[derive(Clone, Debug)]
pub enum Shape {
    /// A picture stretched over a rectangle.
    Image {
        /// Top-left corner.
        origin: Vec2,
        /// Width and height.
        size: Vec2,
        /// The picture.
        image: Arc<RgbImage>,
    },
    /// A filled rectangle.
    Rect {
        /// Top-left corner.
        origin: Vec2,
        /// Width and height.
        size: Vec2,
        /// Fill colour.
        color: [u8; 3],
    },
    /// A round-capped line.
    Line {
        /// One end.
        from: Vec2,
        /// The other end.
        to: Vec2,
        /// Line width.
        width: f32,
        /// Colour.
        color: [u8; 3],
    },
    /// A filled disc.
    Disc {
        /// Centre.
        centre: Vec2,
        /// Radius.
        radius: f32,
        /// Colour.
        color: [u8; 3],
    },
    /// Another canvas drawn with its top-left corner at `origin`, clipped to its size.
    Nested {
        /// Top-left corner.
        origin: Vec2,
        /// The canvas.
        canvas: Box<Canvas>,
    },
    /// A line of text.
    Text {
        /// Top-left corner of the text's box.
        origin: Vec2,
        /// Pixels per em.
        size: f32,
        /// Colour.
        color: [u8; 3],
        /// The text.
        text: String,
    },
}

/// A figure or one of its panels: a background and the shapes over it, in drawing order.
#[derive(Clone, Debug)]
pub struct Canvas {
    /// Width and height in figure units.
    pub size: Vec2,
    /// Background colour.
    pub background: [u8; 3],
    /// The shapes, first drawn first.
    pub shapes: Vec<Shape>,
}

impl Canvas {
    /// An empty canvas of `size` filled with `background`.
    pub fn new(size: Vec2, background: [u8; 3]) -> Self {
        Self {
            size,
            background,
            shapes: Vec::new(),
        }
    }

    /// Adds a shape on top.
    pub fn push(&mut self, shape: Shape) {
        self.shapes.push(shape);
    }

    /// Draws `other` (background included) with its top-left corner at `origin`,
    /// clipped to its own size.
    pub fn place(&mut self, other: Canvas, origin: Vec2) {
        self.push(Shape::Nested {
            origin,
            canvas: Box::new(other),
        });
    }

    /// Adds a line of text; returns its width and height.
    pub fn text(
        &mut self,
        origin: Vec2,
        size: f32,
        color: [u8; 3],
        text: &str,
    ) -> Result<Vec2, FontError> {
        let (width, height) = font::text_size(text, size)?;
        self.push(Shape::Text {
            origin,
            size,
            color,
            text: text.to_owned(),
        });
        Ok(Vec2::new(width, height))
    }

    /// The pixel size of the canvas drawn `scale` pixels per unit.
    pub fn pixel_size(&self, scale: f32) -> (u32, u32) {
        let pixels = (self.size * scale).round().max(Vec2::ONE);
        (pixels.x as u32, pixels.y as u32)
    }

    /// Draws the canvas at `scale` pixels per figure unit.
    pub fn rasterize(&self, scale: f32) -> Result<RgbImage, FontError> {
        let (width, height) = self.pixel_size(scale);
        let mut image = RgbImage::from_pixel(width, height, Rgb(self.background));
        for shape in &self.shapes {
            match shape {
                Shape::Image {
                    origin,
                    size,
                    image: picture,
                } => {
                    let corner = (*origin * scale).round();
                    let pixels = (*size * scale).round().max(Vec2::ONE);
                    let resized = if picture.dimensions() == (pixels.x as u32, pixels.y as u32) {
                        picture.as_ref().clone()
                    } else {
                        image::imageops::resize(
                            picture.as_ref(),
                            pixels.x as u32,
                            pixels.y as u32,
                            FilterType::Triangle,
                        )
                    };
                    image::imageops::replace(
                        &mut image,
                        &resized,
                        corner.x as i64,
                        corner.y as i64,
                    );
                }
                Shape::Rect {
                    origin,
                    size,
                    color,
                } => {
                    let from = (*origin * scale).round().max(Vec2::ZERO);
                    let to = ((*origin + *size) * scale).round().max(Vec2::ZERO);
                    raster::fill_rect(
                        &mut image,
                        from.x as u32,
                        from.y as u32,
                        (to.x - from.x) as u32,
                        (to.y - from.y) as u32,
                        *color,
                    );
                }
                Shape::Line {
                    from,
                    to,
                    width,
                    color,
                } => raster::line(
                    &mut image,
                    *from * scale,
                    *to * scale,
                    width * scale,
                    *color,
                ),
                Shape::Disc {
                    centre,
                    radius,
                    color,
                } => raster::disc(&mut image, *centre * scale, radius * scale, *color),
                Shape::Nested { origin, canvas } => {
                    let corner = (*origin * scale).round();
                    let nested = canvas.rasterize(scale)?;
                    image::imageops::replace(&mut image, &nested, corner.x as i64, corner.y as i64);
                }
                Shape::Text {
                    origin,
                    size,
                    color,
                    text,
                } => font::draw_text(
                    &mut image,
                    origin.x * scale,
                    origin.y * scale,
                    text,
                    size * scale,
                    *color,
                )?,
            }
        }
        Ok(image)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placed_shapes_move_and_scale_with_the_canvas() {
        let mut panel = Canvas::new(Vec2::new(10.0, 10.0), [0, 0, 255]);
        panel.push(Shape::Rect {
            origin: Vec2::new(2.0, 2.0),
            size: Vec2::new(3.0, 3.0),
            color: [255, 0, 0],
        });
        panel.push(Shape::Line {
            from: Vec2::new(9.0, 9.0),
            to: Vec2::new(20.0, 20.0),
            width: 1.0,
            color: [0, 255, 0],
        });
        let mut figure = Canvas::new(Vec2::new(30.0, 20.0), [255; 3]);
        figure.place(panel, Vec2::new(15.0, 5.0));
        let image = figure.rasterize(2.0).expect("no text");
        assert_eq!(image.dimensions(), (60, 40));
        assert_eq!(image.get_pixel(0, 0).0, [255; 3]);
        assert_eq!(image.get_pixel(31, 11).0, [0, 0, 255]);
        assert_eq!(image.get_pixel(34, 14).0, [255, 0, 0]);
        assert_eq!(image.get_pixel(39, 19).0, [255, 0, 0]);
        assert_eq!(image.get_pixel(40, 20).0, [0, 0, 255]);
        assert_eq!(image.get_pixel(48, 28).0, [0, 255, 0]);
        assert_eq!(image.get_pixel(52, 32).0, [255; 3], "clipped to the panel");
    }
}
