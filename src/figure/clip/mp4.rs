//! mp4 clips through the FFmpeg libraries (`ffmpeg-next`): H.264 (libx264, constant
//! quality) where the library has it, else FFmpeg's own MPEG-4 part 2 encoder; frames
//! are converted from RGB to YUV 4:2:0, so sizes are rounded down to even numbers.

use std::path::{Path, PathBuf};

use ffmpeg::format::Pixel;
use ffmpeg::software::scaling::{Context as Scaler, Flags};
use ffmpeg::util::frame::video::Video as VideoFrame;
use ffmpeg::{Dictionary, Packet, Rational, codec, encoder, format};
use ffmpeg_next as ffmpeg;
use image::RgbImage;

use super::{ClipError, TemporaryFile, write_error};

/// An mp4 being written under its temporary name.
pub struct Mp4Clip {
    path: PathBuf,
    temporary: TemporaryFile,
    output: format::context::Output,
    encoder: encoder::Video,
    scaler: Scaler,
    stream: usize,
    frame_time_base: Rational,
    stream_time_base: Rational,
    next_pts: i64,
    codec: &'static str,
    /// The encoded (even) size.
    size: (u32, u32),
}

impl Mp4Clip {
    /// Starts `path` for frames of `size` at `fps`.
    pub fn create(path: &Path, size: (u32, u32), fps: u32) -> Result<Self, ClipError> {
        let error = |message: ffmpeg::Error| write_error(path, message);
        ffmpeg::init().map_err(error)?;
        // The encoder's own statistics would flood the terminal; errors still show.
        ffmpeg::util::log::set_level(ffmpeg::util::log::Level::Error);
        let (width, height) = (size.0 & !1, size.1 & !1);
        if width == 0 || height == 0 {
            return Err(write_error(path, "a video frame needs at least 2x2 pixels"));
        }
        let temporary = TemporaryFile::create(path)?;
        let mut output = format::output_as(temporary.path(), "mp4").map_err(error)?;
        let (codec, name) = match encoder::find(codec::Id::H264) {
            Some(codec) => (codec, "H.264"),
            None => (
                encoder::find(codec::Id::MPEG4)
                    .ok_or_else(|| write_error(path, "FFmpeg has no H.264 or MPEG-4 encoder"))?,
                "MPEG-4 part 2",
            ),
        };
        let global_header = output
            .format()
            .flags()
            .contains(format::Flags::GLOBAL_HEADER);
        let stream = output.add_stream(codec).map_err(error)?.index();
        let mut video = codec::context::Context::new_with_codec(codec)
            .encoder()
            .video()
            .map_err(error)?;
        let fps = i32::try_from(fps.max(1)).unwrap_or(i32::MAX);
        let frame_time_base = Rational(1, fps);
        video.set_width(width);
        video.set_height(height);
        video.set_format(Pixel::YUV420P);
        video.set_time_base(frame_time_base);
        video.set_frame_rate(Some(Rational(fps, 1)));
        if global_header {
            video.set_flags(codec::Flags::GLOBAL_HEADER);
        }
        let mut options = Dictionary::new();
        if name == "H.264" {
            // Visually lossless for figures; the default preset.
            options.set("crf", "18");
        } else {
            // MPEG-4 part 2: fixed quantiser 2 (FFmpeg's `-q:v 2`, its best usual quality).
            options.set("flags", "qscale");
            options.set("global_quality", "236");
        }
        let encoder = video.open_with(options).map_err(error)?;
        output
            .stream_mut(stream)
            .ok_or_else(|| write_error(path, "the video stream vanished"))?
            .set_parameters(&encoder);
        output.write_header().map_err(error)?;
        let stream_time_base = output
            .stream(stream)
            .ok_or_else(|| write_error(path, "the video stream vanished"))?
            .time_base();
        let scaler = Scaler::get(
            Pixel::RGB24,
            width,
            height,
            Pixel::YUV420P,
            width,
            height,
            Flags::BILINEAR,
        )
        .map_err(error)?;
        Ok(Self {
            path: path.to_owned(),
            temporary,
            output,
            encoder,
            scaler,
            stream,
            frame_time_base,
            stream_time_base,
            next_pts: 0,
            codec: name,
            size: (width, height),
        })
    }

    /// Encodes a frame (its last row or column dropped where the size is odd).
    pub fn push(&mut self, frame: &RgbImage) -> Result<(), ClipError> {
        let (width, height) = self.size;
        let mut rgb = VideoFrame::new(Pixel::RGB24, width, height);
        let stride = rgb.stride(0);
        let row_bytes = width as usize * 3;
        let source_row = frame.width() as usize * 3;
        let data = rgb.data_mut(0);
        for (row, source) in frame
            .as_raw()
            .chunks_exact(source_row)
            .take(height as usize)
            .enumerate()
        {
            data[row * stride..row * stride + row_bytes].copy_from_slice(&source[..row_bytes]);
        }
        let mut yuv = VideoFrame::empty();
        self.scaler
            .run(&rgb, &mut yuv)
            .map_err(|error| write_error(&self.path, error))?;
        yuv.set_pts(Some(self.next_pts));
        self.next_pts += 1;
        self.encoder
            .send_frame(&yuv)
            .map_err(|error| write_error(&self.path, error))?;
        self.write_packets()
    }

    /// Writes the packets the encoder has ready.
    fn write_packets(&mut self) -> Result<(), ClipError> {
        let mut packet = Packet::empty();
        while self.encoder.receive_packet(&mut packet).is_ok() {
            packet.set_stream(self.stream);
            packet.rescale_ts(self.frame_time_base, self.stream_time_base);
            packet
                .write_interleaved(&mut self.output)
                .map_err(|error| write_error(&self.path, error))?;
        }
        Ok(())
    }

    /// Flushes the encoder, writes the trailer and moves the file into place.
    pub fn finish(mut self) -> Result<String, ClipError> {
        self.encoder
            .send_eof()
            .map_err(|error| write_error(&self.path, error))?;
        self.write_packets()?;
        self.output
            .write_trailer()
            .map_err(|error| write_error(&self.path, error))?;
        let Self {
            path,
            temporary,
            output,
            codec,
            size,
            ..
        } = self;
        // Closes the file before it is renamed.
        drop(output);
        temporary.persist(&path)?;
        Ok(format!("{codec}, {}x{}", size.0, size.1))
    }
}
