//! The FFmpeg video source on short videos generated here (MPEG-4 Part 2 with B-frames,
//! in Matroska and MP4; FFmpeg's built-in encoder, so no external codec library): frame
//! count and rate, sequential and random access with the right pixels, read-ahead
//! through the scrubber, and clean errors for files that are not video.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test crate: a panic is a failed test, with its message"
)]
#![cfg(feature = "video")]

use std::path::Path;

use ffmpeg::format::Pixel;
use ffmpeg::util::frame::video::Video as VideoFrame;
use ffmpeg_next as ffmpeg;
use sharp_viewer::source::{
    FrameSource, IntrinsicsChoice, Scrubber, SourceError, VideoError, VideoSource,
};

const WIDTH: u32 = 160;
const HEIGHT: u32 = 96;
const FRAMES: usize = 48;

/// The grey level frame `index` is painted with.
fn level(index: usize) -> u8 {
    (24 + index * 4) as u8
}

/// Encodes `FRAMES` flat grey frames (level by index), key frame every 12, 2 B-frames.
fn write_video(path: &Path) {
    ffmpeg::init().expect("ffmpeg");
    let mut output = ffmpeg::format::output(path).expect("output");
    let codec = ffmpeg::encoder::find(ffmpeg::codec::Id::MPEG4).expect("mpeg4 encoder");
    let global_header = output
        .format()
        .flags()
        .contains(ffmpeg::format::Flags::GLOBAL_HEADER);
    let mut stream = output.add_stream(codec).expect("stream");
    let mut encoder = ffmpeg::codec::context::Context::new_with_codec(codec)
        .encoder()
        .video()
        .expect("video encoder");
    encoder.set_width(WIDTH);
    encoder.set_height(HEIGHT);
    encoder.set_format(Pixel::YUV420P);
    encoder.set_time_base((1, 30));
    encoder.set_frame_rate(Some((30, 1)));
    encoder.set_gop(12);
    encoder.set_max_b_frames(2);
    encoder.set_bit_rate(4_000_000);
    if global_header {
        encoder.set_flags(ffmpeg::codec::Flags::GLOBAL_HEADER);
    }
    let mut encoder = encoder.open_as(codec).expect("open encoder");
    stream.set_parameters(&encoder);
    stream.set_time_base((1, 30));
    output.write_header().expect("header");
    let stream_time_base = output.stream(0).expect("stream").time_base();
    let write_packets = |encoder: &mut ffmpeg::encoder::Video,
                         output: &mut ffmpeg::format::context::Output| {
        let mut packet = ffmpeg::Packet::empty();
        while encoder.receive_packet(&mut packet).is_ok() {
            packet.set_stream(0);
            packet.rescale_ts((1, 30), stream_time_base);
            packet.write_interleaved(output).expect("write packet");
        }
    };
    for index in 0..FRAMES {
        let mut frame = VideoFrame::new(Pixel::YUV420P, WIDTH, HEIGHT);
        frame.data_mut(0).fill(level(index));
        frame.data_mut(1).fill(128);
        frame.data_mut(2).fill(128);
        frame.set_pts(Some(index as i64));
        encoder.send_frame(&frame).expect("send frame");
        write_packets(&mut encoder, &mut output);
    }
    encoder.send_eof().expect("eof");
    write_packets(&mut encoder, &mut output);
    output.write_trailer().expect("trailer");
}

/// Checks that `frame` shows frame `index`'s grey (BT.601 limited range to RGB).
fn assert_shows(rgb: &image::RgbImage, index: usize) {
    let expected = (298 * (i32::from(level(index)) - 16) + 128) >> 8;
    let got = i32::from(rgb.get_pixel(WIDTH / 2, HEIGHT / 2).0[1]);
    assert!(
        (got - expected).abs() <= 3,
        "frame {index}: grey {got}, expected about {expected}"
    );
}

fn open(path: &Path) -> VideoSource {
    VideoSource::open(path, &IntrinsicsChoice::H2oScaled).expect("opens")
}

#[test]
fn every_frame_is_found_in_order_and_out_of_order() {
    let dir = tempfile::tempdir().expect("temp dir");
    for name in ["walk.mkv", "walk.mp4"] {
        let path = dir.path().join(name);
        write_video(&path);
        let mut video = open(&path);
        let info = video.info().clone();
        assert_eq!(info.frame_count, FRAMES, "{name}");
        assert!((info.fps - 30.0).abs() < 0.01, "{name}: {}", info.fps);
        assert_eq!(
            (info.intrinsics.width, info.intrinsics.height),
            (WIDTH, HEIGHT)
        );
        assert!(
            info.intrinsics_origin
                .contains("scaled from 1280x720 to 160x96")
        );
        assert!(!info.live && !info.has_depth);
        for index in 0..FRAMES {
            let frame = video.read(index).expect("sequential read");
            assert_eq!(frame.position, index);
            assert_shows(&frame.rgb, index);
        }
        // Backwards, across key frames, within a GOP, to the ends.
        for index in [47, 0, 30, 29, 13, 11, 12, 46, 1, 35, 36, 24, 23] {
            let frame = video.read(index).expect("random read");
            assert_shows(&frame.rgb, index);
        }
        assert!(matches!(
            video.read(FRAMES),
            Err(SourceError::OutOfRange {
                position: 48,
                count: 48
            })
        ));
    }
}

#[test]
fn the_scrubber_reads_ahead_in_a_video() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("walk.mkv");
    write_video(&path);
    let mut scrubber = Scrubber::new(Box::new(open(&path)), 64 << 20, 4).expect("scrubber");
    assert_eq!(scrubber.stats().workers, 1, "a video is read by one thread");
    for target in [5, 6, 7, 40, 41, 2] {
        // Give read-ahead time, as a user looking at a frame does.
        std::thread::sleep(std::time::Duration::from_millis(200));
        for decoded in scrubber.results().try_iter().collect::<Vec<_>>() {
            let _ = scrubber.accept(decoded);
        }
        let frame = match scrubber.request(target).expect("in range") {
            Some(frame) => frame,
            None => loop {
                let decoded = scrubber
                    .results()
                    .recv_timeout(std::time::Duration::from_secs(10))
                    .expect("decoded");
                let (position, result) = scrubber.accept(decoded);
                if position == target {
                    break result.expect("frame");
                }
            },
        };
        assert_shows(&frame.rgb, target);
    }
    // 6, 7, 40 and 41 were read ahead; 5 is the first request and 2 lies behind.
    assert!(scrubber.stats().cache.hits >= 3, "{:?}", scrubber.stats());
}

#[test]
fn files_that_are_not_video_are_clean_errors() {
    let dir = tempfile::tempdir().expect("temp dir");
    let text = dir.path().join("notes.mp4");
    std::fs::write(&text, "not a video at all").expect("write");
    let error = VideoSource::open(&text, &IntrinsicsChoice::H2oScaled)
        .err()
        .expect("refused");
    assert!(matches!(error, VideoError::Open { .. }), "{error}");
    assert!(error.to_string().contains("notes.mp4"), "{error}");
    let missing = VideoSource::open(&dir.path().join("none.mkv"), &IntrinsicsChoice::H2oScaled)
        .err()
        .expect("refused");
    assert!(missing.to_string().contains("none.mkv"), "{missing}");

    // A file cut in half opens with the frames that are there, or is refused; never
    // panics. (Frames whose packets were cut are simply not on its timeline.)
    let whole = dir.path().join("whole.mkv");
    write_video(&whole);
    let bytes = std::fs::read(&whole).expect("read");
    let cut = dir.path().join("cut.mkv");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).expect("write");
    if let Ok(mut video) = VideoSource::open(&cut, &IntrinsicsChoice::H2oScaled) {
        let count = video.info().frame_count;
        assert!(count > 0 && count < FRAMES, "{count}");
        for index in (0..count).chain([count / 2, 0]) {
            // The last frames may be undecodable; they must fail cleanly.
            if let Ok(frame) = video.read(index) {
                assert_eq!(frame.rgb.dimensions(), (WIDTH, HEIGHT));
            }
        }
        assert_shows(&video.read(0).expect("the start decodes").rgb, 0);
    }
}
