//! The H2O reader on real files written by the sample generator, and on broken copies
//! of them: every defect is named with its file and what was expected, and the take
//! still opens with what is good.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test crate: a panic is a failed test, with its message"
)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use sharp_viewer::dataset::{
    FrameKind, InspectOptions, IntrinsicsSource, Split, Splits, Take, discover_takes, inspect,
};
use sharp_viewer::source::{FrameSource, TakeSource};

fn frame_file(take: &Path, kind: FrameKind, number: u32) -> PathBuf {
    take.join("cam4")
        .join(kind.folder())
        .join(kind.file_name(number))
}

fn problems_of(path: &Path) -> Vec<String> {
    let report = inspect(path, InspectOptions { deep: true }, &mut |_, _| {}).expect("inspectable");
    report
        .takes
        .iter()
        .flat_map(|take| take.problems.iter().cloned())
        .chain(report.problems.iter().cloned())
        .collect()
}

#[test]
fn a_generated_sample_reads_back_without_problems() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (root, _) = common::small_sample(dir.path(), 12, 3);
    let takes = discover_takes(&root).expect("takes");
    assert_eq!(takes.len(), 3);
    let report =
        inspect(&root, InspectOptions { deep: true }, &mut |_, _| {}).expect("inspectable");
    assert_eq!(report.problem_count(), 0, "{report}");
    assert_eq!(report.split_root.as_deref(), Some(root.as_path()));
    let splits: Vec<Vec<Split>> = report
        .takes
        .iter()
        .map(|take| take.pose_splits.clone())
        .collect();
    assert_eq!(
        splits,
        vec![vec![Split::Val], vec![Split::Test], vec![Split::Train]]
    );
    assert!(
        report.takes.iter().all(|take| take.action_segments >= 3),
        "{report}"
    );

    let take = Take::open(&takes[0]).expect("opens");
    assert_eq!(take.frame_count(), 12);
    assert_eq!(take.intrinsics_source, IntrinsicsSource::TakeFile);
    for kind in [
        FrameKind::Rgb,
        FrameKind::Depth,
        FrameKind::HandPose,
        FrameKind::ObjectPose,
        FrameKind::ActionLabel,
    ] {
        assert!(take.has(kind), "{kind:?}");
    }
    let annotations = take.read_annotations(6);
    assert!(
        annotations.problems.is_empty(),
        "{:?}",
        annotations.problems
    );
    assert!(annotations.hands.and_then(|hands| hands.right).is_some());
    assert_eq!(annotations.object.map(|object| object.class_id), Some(5));
    let (labels, errors) = take.read_action_labels();
    assert!(errors.is_empty());
    assert_eq!(labels.len(), 12);
    assert_eq!(
        labels.first().copied().flatten(),
        Some(0),
        "background first"
    );

    let (splits, problems) = Splits::load(&root);
    assert!(problems.is_empty(), "{problems:?}");
    let take_name = "subject1/h1/0";
    assert!(
        splits
            .segments_of(take_name)
            .all(|(_, segment)| segment.start_act <= segment.end_act)
    );
}

#[test]
fn broken_annotation_files_are_named_and_the_take_still_opens() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (root, take_dir) = common::small_sample(dir.path(), 12, 1);

    let short = frame_file(&take_dir, FrameKind::HandPose, 2);
    let text = std::fs::read_to_string(&short).expect("read");
    let mut numbers: Vec<&str> = text.split_whitespace().collect();
    numbers.pop();
    std::fs::write(&short, numbers.join(" ")).expect("write");
    std::fs::write(
        frame_file(&take_dir, FrameKind::ObjectPose, 4),
        "5 0.1 oops",
    )
    .expect("write");
    std::fs::write(frame_file(&take_dir, FrameKind::ActionLabel, 5), "23 23").expect("write");
    std::fs::remove_file(take_dir.join("cam4/cam_intrinsics.txt")).expect("remove");

    let problems = problems_of(&root);
    let expect = |needle: &str| {
        assert!(
            problems.iter().any(|p| p.contains(needle)),
            "no problem mentions {needle:?}: {problems:#?}"
        );
    };
    expect("hand_pose/000002.txt: H2O hand_pose: file too short: expected 128 numbers, found 127");
    expect("obj_pose/000004.txt: H2O obj_pose: value 3 `oops` is not a number");
    expect("action_label/000005.txt: H2O action_label: expected one integer, found 2 values");
    expect("cam_intrinsics.txt: missing; using SHARP's fixed cam4 intrinsics");

    let take = Take::open(&take_dir).expect("a take with broken files still opens");
    assert_eq!(take.intrinsics_source, IntrinsicsSource::SharpDefault);
    let annotations = take.read_annotations(2);
    assert!(annotations.hands.is_none());
    assert!(
        annotations.object.is_some(),
        "the good files of the frame still read"
    );
    assert_eq!(annotations.problems.len(), 1, "{:?}", annotations.problems);
    assert!(take.read_annotations(3).problems.is_empty());
}

#[test]
fn gaps_missing_folders_and_bad_images_are_reported() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (root, take_dir) = common::small_sample(dir.path(), 12, 1);

    std::fs::remove_file(frame_file(&take_dir, FrameKind::Rgb, 5)).expect("remove");
    std::fs::remove_dir_all(take_dir.join("cam4").join(FrameKind::VerbLabel.folder()))
        .expect("remove");
    let corrupt = frame_file(&take_dir, FrameKind::Rgb, 3);
    let bytes = std::fs::read(&corrupt).expect("read");
    std::fs::write(&corrupt, &bytes[..bytes.len() / 3]).expect("truncate");
    image::RgbImage::new(64, 32)
        .save(frame_file(&take_dir, FrameKind::Depth, 7))
        .expect("write a wrong depth image");
    std::fs::write(
        root.join("pose_val.txt"),
        "subject1/h1/0/cam4/rgb/000000.png\nnot a path\n",
    )
    .expect("write");

    let problems = problems_of(&root);
    let expect = |needle: &str| {
        assert!(
            problems.iter().any(|p| p.contains(needle)),
            "no problem mentions {needle:?}: {problems:#?}"
        );
    };
    expect("rgb: frame gap: 1 missing (000005); expected 000000..000011 without gaps");
    expect("depth: 1 file(s) without an RGB frame (000005)");
    expect("rgb/000003.png: cannot decode image");
    expect("depth/000007.png: expected a 1280x720 image, found 64x32");
    expect("pose_val.txt: line 2: `not a path` is not a frame path");
    assert!(
        !problems.iter().any(|p| p.contains("verb_label")),
        "an absent folder is not a problem: {problems:#?}"
    );

    let mut source = TakeSource::open(&take_dir).expect("opens");
    assert_eq!(source.info().frame_count, 11);
    let error = source
        .read(3)
        .expect_err("the corrupt frame cannot be read")
        .to_string();
    assert!(
        error.contains("000003.png") && error.contains("cannot decode"),
        "{error}"
    );
    let after_gap = source.read(5).expect("frames after the gap still read");
    assert_eq!(after_gap.number, 6);
    let wrong_depth = source
        .read(6)
        .expect("a frame with a bad depth map still reads");
    assert!(wrong_depth.depth_mm.is_none());
    assert!(
        wrong_depth
            .annotations
            .problems
            .iter()
            .any(|p| p.contains("expected a 1280x720 image"))
    );
}

#[test]
fn inspect_exits_non_zero_only_when_there_are_problems() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (root, take_dir) = common::small_sample(dir.path(), 12, 1);
    let run = |path: &Path| {
        Command::new(env!("CARGO_BIN_EXE_sharp-viewer"))
            .arg("inspect")
            .arg(path)
            .output()
            .expect("the binary runs")
    };
    let clean = run(&root);
    let stdout = String::from_utf8_lossy(&clean.stdout);
    assert!(clean.status.success(), "{stdout}");
    assert!(
        stdout.contains("take subject1/h1/0 (12 frames)") && stdout.contains("0 problem(s)"),
        "{stdout}"
    );

    std::fs::write(frame_file(&take_dir, FrameKind::HandPose, 1), "1 2 3").expect("write");
    let broken = run(&take_dir);
    let stdout = String::from_utf8_lossy(&broken.stdout);
    assert_eq!(broken.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("PROBLEM") && stdout.contains("hand_pose/000001.txt"),
        "{stdout}"
    );

    let missing = run(&dir.path().join("nowhere"));
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("nowhere"));
}

/// `inspect --deep` flags everything plain `inspect` flags: a grayscale PNG in the RGB
/// folder decodes fine, but it is not an H2O colour frame.
#[test]
fn deep_inspection_flags_what_the_header_check_flags() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (_, take) = common::small_sample(dir.path(), 12, 1);
    let path = frame_file(&take, FrameKind::Rgb, 2);
    let gray = image::open(&path).expect("a frame").to_luma8();
    gray.save(&path).expect("write a grayscale frame");
    for deep in [false, true] {
        let report = inspect(&take, InspectOptions { deep }, &mut |_, _| {}).expect("inspectable");
        let problems: Vec<&String> = report
            .takes
            .iter()
            .flat_map(|take| take.problems.iter())
            .collect();
        assert!(
            problems
                .iter()
                .any(|problem| problem.contains("000002.png") && problem.contains("8-bit RGB")),
            "deep {deep}: {problems:?}"
        );
    }
}
