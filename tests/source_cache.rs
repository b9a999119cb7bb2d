//! The frame cache and read-ahead under random and sequential seeks: every delivered
//! frame is the one asked for, memory stays within the budget, sequential access is
//! served from the cache, broken frames are not retried forever, and the pipeline ends
//! on the newest seek with the right pixels.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test crate: a panic is a failed test, with its message"
)]

mod common;

use std::ops::ControlFlow;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use image::RgbImage;
use sharp_viewer::dataset::discover_takes;
use sharp_viewer::geometry::CameraIntrinsics;
use sharp_viewer::pipeline::{Pipeline, PipelineEvent, SourceGeneration, SourceSpec};
use sharp_viewer::sample::{SampleOptions, generate_sample};
use sharp_viewer::source::{
    Frame, FrameSource, Scrubber, SourceError, SourceInfo, TakeSource, frame_bytes,
};

const WAIT: Duration = Duration::from_secs(10);

/// Frames whose first pixel encodes their position; counts reads per position.
struct CountingSource {
    info: Arc<SourceInfo>,
    reads: Arc<Vec<AtomicU32>>,
    broken: Option<usize>,
}

impl CountingSource {
    fn new(frame_count: usize, broken: Option<usize>) -> Self {
        Self {
            info: Arc::new(SourceInfo {
                name: "counting".into(),
                kind: sharp_viewer::source::SourceKind::Take,
                frame_count,
                fps: 30.0,
                intrinsics: CameraIntrinsics::H2O_CAM4_DEFAULT,
                intrinsics_origin: "test".into(),
                synthetic: true,
                live: false,
                has_depth: false,
                action_labels: Vec::new(),
                problems: Vec::new(),
            }),
            reads: Arc::new((0..frame_count).map(|_| AtomicU32::new(0)).collect()),
            broken,
        }
    }
}

impl FrameSource for CountingSource {
    fn info(&self) -> &SourceInfo {
        &self.info
    }

    fn split_reader(&self) -> Option<Box<dyn FrameSource>> {
        Some(Box::new(Self {
            info: Arc::clone(&self.info),
            reads: Arc::clone(&self.reads),
            broken: self.broken,
        }))
    }

    fn read(&mut self, position: usize) -> Result<Frame, SourceError> {
        self.reads[position].fetch_add(1, Ordering::Relaxed);
        std::thread::sleep(Duration::from_millis(1));
        if Some(position) == self.broken {
            return Err(SourceError::Panicked { position });
        }
        let mut rgb = RgbImage::new(32, 16);
        rgb.put_pixel(0, 0, image::Rgb([position as u8, (position >> 8) as u8, 7]));
        Ok(Frame {
            position,
            number: position as u32,
            rgb: Arc::new(rgb),
            depth_mm: None,
            annotations: Default::default(),
            intrinsics: CameraIntrinsics::H2O_CAM4_DEFAULT,
            read_time: Duration::ZERO,
        })
    }
}

fn position_in(frame: &Frame) -> usize {
    let [low, high, _] = frame.rgb.get_pixel(0, 0).0;
    usize::from(low) | usize::from(high) << 8
}

/// Takes the finished decodes into the cache, as the source thread does.
fn drain(scrubber: &mut Scrubber) {
    for decoded in scrubber.results().try_iter().collect::<Vec<_>>() {
        let _ = scrubber.accept(decoded);
    }
}

/// Asks for `position` and waits until it is delivered (or fails).
fn fetch(scrubber: &mut Scrubber, position: usize) -> Result<Frame, String> {
    drain(scrubber);
    if let Some(frame) = scrubber.request(position).map_err(|e| e.to_string())? {
        return Ok(frame);
    }
    let deadline = Instant::now() + WAIT;
    loop {
        let decoded = scrubber
            .results()
            .recv_deadline(deadline)
            .map_err(|_| format!("frame {position} never arrived"))?;
        let (at, result) = scrubber.accept(decoded);
        if at == position {
            return result.map_err(|e| e.to_string());
        }
    }
}

struct XorShift(u64);

impl XorShift {
    fn below(&mut self, bound: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % bound as u64) as usize
    }
}

fn one_frame_bytes() -> usize {
    let mut source = CountingSource::new(1, None);
    frame_bytes(&source.read(0).expect("frame"))
}

#[test]
fn random_seeks_always_deliver_the_frame_asked_for_within_the_budget() {
    let budget = 20 * one_frame_bytes();
    let mut scrubber =
        Scrubber::new(Box::new(CountingSource::new(200, None)), budget, 2).expect("scrubber");
    assert_eq!(scrubber.stats().workers, 2);
    let mut rng = XorShift(42);
    for _ in 0..300 {
        let position = rng.below(200);
        let frame = fetch(&mut scrubber, position).expect("frame");
        assert_eq!(frame.position, position);
        assert_eq!(position_in(&frame), position, "pixels of another frame");
        let stats = scrubber.stats();
        assert!(stats.cache.bytes <= budget, "{stats:?}");
    }
    let random = scrubber.stats();
    assert!(
        random.cache.evictions > 0,
        "a small cache must evict: {random:?}"
    );

    // Playback-like sweep: read-ahead keeps up, nearly everything is a hit.
    for position in 0..200 {
        let frame = fetch(&mut scrubber, position).expect("frame");
        assert_eq!(position_in(&frame), position);
        std::thread::sleep(Duration::from_millis(4));
    }
    let sweep = scrubber.stats();
    let hits = sweep.cache.hits - random.cache.hits;
    let misses = sweep.cache.misses - random.cache.misses;
    assert!(
        hits as f64 / (hits + misses) as f64 > 0.9,
        "sequential hit rate {hits}/{}",
        hits + misses
    );
    assert!(sweep.cache.bytes <= budget);
}

#[test]
fn dragging_backwards_reads_ahead_backwards() {
    let mut scrubber = Scrubber::new(
        Box::new(CountingSource::new(100, None)),
        40 * one_frame_bytes(),
        2,
    )
    .expect("scrubber");
    fetch(&mut scrubber, 90).expect("frame");
    fetch(&mut scrubber, 89).expect("frame");
    std::thread::sleep(Duration::from_millis(300));
    let before = scrubber.stats().cache.hits;
    for position in (70..89).rev() {
        let frame = fetch(&mut scrubber, position).expect("frame");
        assert_eq!(position_in(&frame), position);
    }
    assert_eq!(scrubber.stats().cache.hits - before, 19, "all read ahead");
}

#[test]
fn a_broken_frame_is_reported_and_not_retried_by_read_ahead() {
    let source = CountingSource::new(60, Some(30));
    let reads = Arc::clone(&source.reads);
    let mut scrubber =
        Scrubber::new(Box::new(source), 60 * one_frame_bytes(), 2).expect("scrubber");
    let error = fetch(&mut scrubber, 30).unwrap_err();
    assert!(error.contains("frame 30"), "{error}");
    for position in [29, 31, 28, 32, 27] {
        fetch(&mut scrubber, position).expect("neighbours are fine");
    }
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(
        reads[30].load(Ordering::Relaxed),
        1,
        "read ahead skips known failures"
    );
    // Asking for it again tries again (the file may have been fixed).
    assert!(fetch(&mut scrubber, 30).is_err());
    assert_eq!(reads[30].load(Ordering::Relaxed), 2);
    assert!(matches!(
        scrubber.request(60),
        Err(SourceError::OutOfRange {
            position: 60,
            count: 60
        })
    ));
}

#[test]
fn the_pipeline_shows_the_newest_seek_with_the_right_pixels() {
    let root = tempfile::tempdir().expect("temp dir");
    let dataset = root.path().join("sample");
    generate_sample(
        &dataset,
        &SampleOptions {
            frames: 24,
            takes: 1,
            camera_noise: 0,
        },
        &mut |_| ControlFlow::Continue(()),
    )
    .expect("sample");
    let take = discover_takes(&dataset).expect("takes").remove(0);
    let pipeline = common::pipeline_without_models();
    pipeline.set_cache_budget(8 * 1280 * 720 * 5);
    assert_eq!(open(&pipeline, &take), 24);
    let mut rng = XorShift(7);
    for _ in 0..40 {
        pipeline.seek(rng.below(24));
    }
    let last = 17;
    pipeline.seek(last);
    let deadline = Instant::now() + WAIT;
    let shown = loop {
        assert!(Instant::now() < deadline, "the newest seek was never shown");
        if let Some(result) = pipeline.try_result()
            && result.frame.position == last
        {
            break result;
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    let mut direct = TakeSource::open(&take).expect("take");
    let expected = direct.read(last).expect("frame");
    assert_eq!(shown.frame.rgb.as_raw(), expected.rgb.as_raw());
    assert!(shown.frame.depth_mm.is_some());
    let stats = pipeline.scrub_stats();
    assert!(stats.cache.bytes <= stats.cache.budget, "{stats:?}");
}

#[test]
fn dropping_the_pipeline_stops_a_sample_being_generated() {
    let root = tempfile::tempdir().expect("temp dir");
    let dir = root.path().join("sample");
    let pipeline = common::pipeline_without_models();
    // About a minute of rendering on two cores: far longer than the drop may take.
    pipeline.open(SourceSpec::Sample {
        dir: dir.clone(),
        options: SampleOptions {
            frames: 600,
            takes: 1,
            camera_noise: 0,
        },
    });
    let deadline = Instant::now() + WAIT;
    while !pipeline
        .events()
        .iter()
        .any(|event| matches!(event, PipelineEvent::Generating { .. }))
    {
        assert!(Instant::now() < deadline, "generation never started");
        std::thread::sleep(Duration::from_millis(5));
    }
    let (done_tx, done_rx) = crossbeam_channel::bounded(1);
    std::thread::spawn(move || {
        drop(pipeline);
        let _ = done_tx.send(());
    });
    done_rx
        .recv_timeout(WAIT)
        .expect("the drop returns without waiting for the whole sample");
    assert!(!dir.exists(), "a stopped sample leaves nothing at its root");
    let leftovers: Vec<_> = std::fs::read_dir(root.path())
        .expect("list")
        .map(|entry| entry.expect("entry").file_name())
        .collect();
    assert!(leftovers.is_empty(), "left behind: {leftovers:?}");
}

/// Opens `take` in `pipeline` and waits for it; returns its frame count.
fn open(pipeline: &Pipeline, take: &Path) -> usize {
    open_generation(pipeline, take).0
}

/// Opens `take` in `pipeline` and waits until its opening is read (acknowledged);
/// returns its frame count and generation.
fn open_generation(pipeline: &Pipeline, take: &Path) -> (usize, SourceGeneration) {
    pipeline.open(SourceSpec::Take(take.to_path_buf()));
    let deadline = Instant::now() + WAIT;
    loop {
        assert!(Instant::now() < deadline, "did not open");
        if let Some(PipelineEvent::Opened { info, generation }) = pipeline
            .events()
            .into_iter()
            .find(|event| matches!(event, PipelineEvent::Opened { .. }))
        {
            return (info.frame_count, generation);
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Take A's frame is analysed and its result and preview wait, untaken, when the viewer
/// switches to take B: once B's opening is read, neither comes out, and every result
/// and preview after it is B's (its generation, its pixels read directly from B).
#[test]
fn results_in_flight_from_the_old_source_are_dropped_after_a_switch() {
    let root = tempfile::tempdir().expect("temp dir");
    let (_, take_a) = common::small_sample(root.path(), 12, 2);
    let take_b = take_a.parent().expect("scene folder").join("1");
    let mut direct_a = TakeSource::open(&take_a).expect("take A");
    let mut direct_b = TakeSource::open(&take_b).expect("take B");
    let frame_b = |position: usize, direct_b: &mut TakeSource| {
        direct_b.read(position).expect("B's frame").rgb
    };
    assert_ne!(
        direct_a.read(3).expect("A's frame").rgb.as_raw(),
        frame_b(3, &mut direct_b).as_raw(),
        "the two takes differ"
    );
    let pipeline = common::pipeline_without_models();
    let (_, generation_a) = open_generation(&pipeline, &take_a);
    pipeline.seek(3);
    let deadline = Instant::now() + WAIT;
    while !pipeline.result_waiting() {
        assert!(Instant::now() < deadline, "A's frame 3 was never analysed");
        std::thread::sleep(Duration::from_millis(2));
    }

    let (_, generation_b) = open_generation(&pipeline, &take_b);
    assert_ne!(generation_a, generation_b);
    // B serves nothing before a seek: whatever comes out now was in flight from A.
    if let Some(result) = pipeline.try_result() {
        panic!(
            "a result of source {} (frame {}) came after the switch to source {}",
            result.generation.number(),
            result.frame.position,
            generation_b.number()
        );
    }
    if let Some(preview) = pipeline.try_preview() {
        panic!(
            "a preview of source {} came after the switch to source {}",
            preview.generation.number(),
            generation_b.number()
        );
    }

    for position in [3, 5] {
        pipeline.seek(position);
        let preview = wait_for("preview", position, || {
            pipeline.try_preview().map(|p| (p.frame.position, p))
        });
        assert_eq!(preview.generation, generation_b);
        assert_eq!(
            preview.frame.rgb.as_raw(),
            frame_b(position, &mut direct_b).as_raw()
        );
        let result = wait_for("result", position, || {
            pipeline.try_result().map(|r| (r.frame.position, r))
        });
        assert_eq!(result.generation, generation_b);
        assert_eq!(
            result.frame.rgb.as_raw(),
            frame_b(position, &mut direct_b).as_raw()
        );
    }
}

/// Polls `poll` until it yields a frame at `position`.
fn wait_for<T>(what: &str, position: usize, mut poll: impl FnMut() -> Option<(usize, T)>) -> T {
    let deadline = Instant::now() + WAIT;
    loop {
        assert!(Instant::now() < deadline, "no {what} for frame {position}");
        if let Some((at, item)) = poll()
            && at == position
        {
            return item;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}

#[test]
fn held_analysis_still_shows_frames_and_analyses_the_one_the_drag_stops_on() {
    let root = tempfile::tempdir().expect("temp dir");
    let (_, take) = common::small_sample(root.path(), 16, 1);
    let pipeline = common::pipeline_without_models();
    open(&pipeline, &take);
    pipeline.seek(0);
    wait_for("result", 0, || {
        pipeline.try_result().map(|r| (r.frame.position, ()))
    });

    pipeline.hold_analysis(true);
    for position in [3, 7, 11] {
        pipeline.seek(position);
        let preview = wait_for("preview", position, || {
            pipeline.try_preview().map(|p| (p.frame.position, p))
        });
        assert_eq!(preview.frame.position, position);
    }
    std::thread::sleep(Duration::from_millis(300));
    if let Some(result) = pipeline.try_result() {
        panic!(
            "frame {} was analysed while analysis was held",
            result.frame.position
        );
    }

    pipeline.hold_analysis(false);
    let analysed = wait_for("result", 11, || {
        pipeline.try_result().map(|r| (r.frame.position, r))
    });
    let mut direct = TakeSource::open(&take).expect("take");
    assert_eq!(
        analysed.frame.rgb.as_raw(),
        direct.read(11).expect("frame 11").rgb.as_raw()
    );
}

#[test]
fn fifty_quick_range_changes_cost_at_most_two_analyses() {
    use sharp_viewer::mask::DepthRange;
    let root = tempfile::tempdir().expect("temp dir");
    let (_, take) = common::small_sample(root.path(), 12, 1);
    let models = common::fixture_models(root.path());
    let pipeline = common::pipeline_with_models(&models);
    open(&pipeline, &take);
    pipeline.seek(5);
    wait_for("result", 5, || {
        pipeline.try_result().map(|r| (r.frame.position, ()))
    });
    let dropped_before = pipeline.dropped_results();

    // A slider dragged from 100 to 149 mm: 50 settings sent faster than one analysis.
    let mut settings = common::unmasked_settings();
    for far in 100..150 {
        settings.mask.range = Some(DepthRange::new(1.0, far as f32));
        pipeline.set_settings(settings);
    }
    let last = settings;

    let mut received = Vec::new();
    let deadline = Instant::now() + WAIT;
    while received
        .last()
        .is_none_or(|r: &sharp_viewer::pipeline::FrameResult| r.settings != last)
    {
        assert!(
            Instant::now() < deadline,
            "the last range was never analysed"
        );
        if let Some(result) = pipeline.try_result() {
            received.push(result);
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    // Anything still queued would show up now.
    std::thread::sleep(Duration::from_millis(500));
    received.extend(pipeline.try_result());
    let analyses = received.len() as u64 + pipeline.dropped_results() - dropped_before;
    assert!(
        analyses <= 2,
        "50 range changes ran {analyses} analyses (received {}, replaced unread {})",
        received.len(),
        pipeline.dropped_results() - dropped_before
    );
    assert!(received.iter().all(|r| r.frame.position == 5));
}
