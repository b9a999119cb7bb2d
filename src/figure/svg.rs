//! A [`Canvas`] as an SVG document: lines, discs, rectangles and text stay vectors (the
//! skeleton and 3D panels, legends, annotations); pictures (the frame, the depth map, the
//! colour bar) are embedded as PNG.

use std::io::Cursor;
use std::path::Path;

use base64::Engine as _;
use image::{ImageEncoder, RgbImage};
use svg::node::element::{Circle, Image, Line, Rectangle, SVG, Text};
use svg::{Document, Node};

use super::FigureError;
use super::canvas::{Canvas, Shape};
use super::font::{self, FontError};

/// `rgb(r, g, b)`.
fn color(rgb: [u8; 3]) -> String {
    format!("rgb({},{},{})", rgb[0], rgb[1], rgb[2])
}

/// A PNG data URL of `image`.
fn png_data_url(image: &RgbImage) -> Result<String, image::ImageError> {
    let mut png = Vec::new();
    image::codecs::png::PngEncoder::new(Cursor::new(&mut png)).write_image(
        image.as_raw(),
        image.width(),
        image.height(),
        image::ExtendedColorType::Rgb8,
    )?;
    Ok(format!(
        "data:image/png;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(png)
    ))
}

/// Why a canvas could not become SVG.
#[derive(Debug, thiserror::Error)]
pub enum SvgError {
    /// Text metrics failed.
    #[error(transparent)]
    Font(#[from] FontError),
    /// An embedded picture could not be encoded.
    #[error("cannot encode an embedded picture: {0}")]
    Picture(#[from] image::ImageError),
}

/// The SVG document of `canvas`, one user unit per figure unit, `scale` times as large
/// on the page.
pub fn to_svg(canvas: &Canvas, scale: f32) -> Result<String, SvgError> {
    let mut document = Document::new()
        .set("width", canvas.size.x * scale)
        .set("height", canvas.size.y * scale)
        .set("viewBox", (0.0, 0.0, canvas.size.x, canvas.size.y));
    append_canvas(&mut document, canvas)?;
    Ok(document.to_string())
}

/// Appends `canvas`'s background and shapes to `parent`.
fn append_canvas(parent: &mut impl Node, canvas: &Canvas) -> Result<(), SvgError> {
    parent.append(
        Rectangle::new()
            .set("width", canvas.size.x)
            .set("height", canvas.size.y)
            .set("fill", color(canvas.background)),
    );
    for shape in &canvas.shapes {
        match shape {
            Shape::Image {
                origin,
                size,
                image,
            } => parent.append(
                Image::new()
                    .set("x", origin.x)
                    .set("y", origin.y)
                    .set("width", size.x)
                    .set("height", size.y)
                    .set("preserveAspectRatio", "none")
                    .set("href", png_data_url(image)?),
            ),
            Shape::Rect {
                origin,
                size,
                color: fill,
            } => parent.append(
                Rectangle::new()
                    .set("x", origin.x)
                    .set("y", origin.y)
                    .set("width", size.x)
                    .set("height", size.y)
                    .set("fill", color(*fill)),
            ),
            Shape::Line {
                from,
                to,
                width,
                color: stroke,
            } => parent.append(
                Line::new()
                    .set("x1", from.x)
                    .set("y1", from.y)
                    .set("x2", to.x)
                    .set("y2", to.y)
                    .set("stroke", color(*stroke))
                    .set("stroke-width", *width)
                    .set("stroke-linecap", "round"),
            ),
            Shape::Disc {
                centre,
                radius,
                color: fill,
            } => parent.append(
                Circle::new()
                    .set("cx", centre.x)
                    .set("cy", centre.y)
                    .set("r", *radius)
                    .set("fill", color(*fill)),
            ),
            Shape::Nested { origin, canvas } => {
                // A nested <svg> clips its content to its own box, as the PNG does.
                let mut nested = SVG::new()
                    .set("x", origin.x)
                    .set("y", origin.y)
                    .set("width", canvas.size.x)
                    .set("height", canvas.size.y)
                    .set("viewBox", (0.0, 0.0, canvas.size.x, canvas.size.y));
                append_canvas(&mut nested, canvas)?;
                parent.append(nested);
            }
            Shape::Text {
                origin,
                size,
                color: fill,
                text,
            } => parent.append(
                Text::new(text.as_str())
                    .set("x", origin.x)
                    .set("y", origin.y + font::ascent(*size)?)
                    .set("font-family", "Ubuntu, sans-serif")
                    .set("font-weight", 300)
                    .set("font-size", *size)
                    .set("xml:space", "preserve")
                    .set("fill", color(*fill)),
            ),
        }
    }
    Ok(())
}

/// Writes `canvas` to `path` as SVG, atomically.
pub fn write_svg(path: &Path, canvas: &Canvas, scale: f32) -> Result<(), FigureError> {
    let write_error = |source: std::io::Error| FigureError::Write {
        path: path.to_owned(),
        source,
    };
    let text = to_svg(canvas, scale).map_err(|error| match error {
        SvgError::Font(error) => FigureError::Font(error),
        SvgError::Picture(error) => write_error(std::io::Error::other(error)),
    })?;
    crate::atomic_file::write_atomic_with(path, |writer| {
        std::io::Write::write_all(writer, text.as_bytes())
    })
    .map_err(write_error)
}
