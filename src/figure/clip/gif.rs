//! Animated GIF clips through the `gif` crate (NeuQuant colour quantisation per frame).

use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use image::RgbImage;

use super::{ClipError, TemporaryFile, write_error};

/// Quantisation speed (1 best .. 30 fastest): 10 is the crate's recommended trade-off.
const SPEED: i32 = 10;

/// A GIF being written under its temporary name.
pub struct GifClip {
    path: PathBuf,
    temporary: TemporaryFile,
    writer: Option<BufWriter<File>>,
    encoder: Option<gif::Encoder<BufWriter<File>>>,
    /// Hundredths of a second per frame.
    delay: u16,
}

impl GifClip {
    /// Starts `path` (written under a temporary name until finished).
    pub fn create(path: &Path, fps: u32) -> Result<Self, ClipError> {
        let temporary = TemporaryFile::create(path)?;
        let file = File::create(temporary.path()).map_err(|error| write_error(path, error))?;
        Ok(Self {
            path: path.to_owned(),
            temporary,
            writer: Some(BufWriter::new(file)),
            encoder: None,
            delay: (100 / fps.max(1)).clamp(2, u32::from(u16::MAX)) as u16,
        })
    }

    /// Appends a frame.
    pub fn push(&mut self, frame: &RgbImage) -> Result<(), ClipError> {
        let too_big = || write_error(&self.path, "a GIF frame is at most 65535 pixels a side");
        let width = u16::try_from(frame.width()).map_err(|_| too_big())?;
        let height = u16::try_from(frame.height()).map_err(|_| too_big())?;
        let encoder = match (&mut self.encoder, self.writer.take()) {
            (Some(encoder), _) => encoder,
            (None, Some(writer)) => {
                let mut encoder = gif::Encoder::new(writer, width, height, &[])
                    .map_err(|error| write_error(&self.path, error))?;
                encoder
                    .set_repeat(gif::Repeat::Infinite)
                    .map_err(|error| write_error(&self.path, error))?;
                self.encoder.insert(encoder)
            }
            (None, None) => return Err(write_error(&self.path, "the GIF encoder failed before")),
        };
        let mut gif_frame = gif::Frame::from_rgb_speed(width, height, frame.as_raw(), SPEED);
        gif_frame.delay = self.delay;
        encoder
            .write_frame(&gif_frame)
            .map_err(|error| write_error(&self.path, error))
    }

    /// Writes the trailer, flushes the file and renames it into place.
    pub fn finish(self) -> Result<String, ClipError> {
        let path = self.path;
        let Some(encoder) = self.encoder else {
            return Err(write_error(&path, "no frame to write"));
        };
        let file = encoder
            .into_inner()
            .map_err(|error| write_error(&path, error))?
            .into_inner()
            .map_err(|error| write_error(&path, error.into_error()))?;
        file.sync_all().map_err(|error| write_error(&path, error))?;
        self.temporary.persist(&path)?;
        Ok(format!("GIF, {} ms a frame", u32::from(self.delay) * 10))
    }
}
