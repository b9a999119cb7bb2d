//! Dataset discovery for the browser on a generated H2O tree with broken and incomplete
//! takes added: structure and order, frame counts, health with reasons, split
//! membership, path classification, and timeline labels from the split files.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test crate: a panic is a failed test, with its message"
)]

use std::fs;
use std::ops::ControlFlow;
use std::path::Path;

use sharp_viewer::dataset::Split;
use sharp_viewer::sample::{SampleOptions, generate_sample};
use sharp_viewer::source::{
    DatasetCatalog, FrameSource, PathKind, TakeHealth, TakeSource, classify_path,
};

fn copy_frames(from: &Path, to: &Path, count: usize) {
    fs::create_dir_all(to).expect("mkdir");
    for frame in 0..count {
        let name = format!("{frame:06}.png");
        fs::copy(from.join(&name), to.join(&name)).expect("copy frame");
    }
}

/// A sample of three takes (val, test, train) plus broken and incomplete takes.
fn dataset() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("h2o");
    generate_sample(
        &root,
        &SampleOptions {
            frames: 12,
            takes: 3,
            camera_noise: 0,
        },
        &mut |_| ControlFlow::Continue(()),
    )
    .expect("sample");
    let good_rgb = root.join("subject1/h1/0/cam4/rgb");
    // No cam4 at all.
    fs::create_dir_all(root.join("subject1/h1/10/cam1")).expect("mkdir");
    // cam4 without rgb.
    fs::create_dir_all(root.join("subject2/k1/0/cam4/depth")).expect("mkdir");
    // rgb with no frame files, only junk.
    fs::create_dir_all(root.join("subject2/k1/1/cam4/rgb")).expect("mkdir");
    fs::write(root.join("subject2/k1/1/cam4/rgb/readme.txt"), "x").expect("write");
    // Four RGB frames and nothing else, listed in the action train split.
    copy_frames(&good_rgb, &root.join("subject3/o1/0/cam4/rgb"), 4);
    let mut action_train = fs::read_to_string(root.join("action_train.txt")).expect("split");
    action_train.push_str("999 subject3/o1/0 5 1 2 0 3\n");
    fs::write(root.join("action_train.txt"), action_train).expect("write");
    // Not a subject: ignored.
    fs::create_dir_all(root.join("notes/h1/0/cam4/rgb")).expect("mkdir");
    dir
}

#[test]
fn the_catalog_lists_every_take_in_order_with_health_and_splits() {
    let dir = dataset();
    let root = dir.path().join("h2o");
    let catalog = DatasetCatalog::scan(&root).expect("scan");
    assert!(catalog.synthetic);
    assert_eq!(catalog.split_files.len(), 6, "{:?}", catalog.split_files);
    assert!(catalog.problems.is_empty(), "{:?}", catalog.problems);
    let names: Vec<&str> = catalog.takes().map(|take| take.relative.as_str()).collect();
    assert_eq!(
        names,
        vec![
            "subject1/h1/0",
            "subject1/h1/1",
            "subject1/h1/2",
            "subject1/h1/10",
            "subject2/k1/0",
            "subject2/k1/1",
            "subject3/o1/0",
        ]
    );
    let take = |relative: &str| {
        catalog
            .takes()
            .find(|take| take.relative == relative)
            .unwrap_or_else(|| panic!("{relative} missing"))
    };

    let val = take("subject1/h1/0");
    assert_eq!(val.frames, 12);
    assert_eq!(val.health, TakeHealth::Complete);
    assert_eq!(val.pose_splits, vec![Split::Val]);
    assert!(!val.action_segments.is_empty());
    assert!(
        val.action_segments
            .iter()
            .all(|(split, action)| { *split == Split::Val && action.is_some() })
    );
    assert!(val.split_summary().starts_with("pose: val · action: val ("));

    let test = take("subject1/h1/1");
    assert_eq!(test.pose_splits, vec![Split::Test]);
    assert!(
        test.action_segments
            .iter()
            .all(|(split, action)| { *split == Split::Test && action.is_none() })
    );
    assert_eq!(take("subject1/h1/2").pose_splits, vec![Split::Train]);

    assert_eq!(
        take("subject1/h1/10").health,
        TakeHealth::Broken("no cam4 folder".into())
    );
    assert_eq!(
        take("subject2/k1/0").health,
        TakeHealth::Broken("no cam4/rgb folder".into())
    );
    assert_eq!(
        take("subject2/k1/1").health,
        TakeHealth::Broken("no NNNNNN.png frames in cam4/rgb".into())
    );
    assert_eq!(take("subject2/k1/1").split_summary(), "in no split");

    let bare = take("subject3/o1/0");
    assert_eq!(bare.frames, 4);
    let TakeHealth::Incomplete(notes) = &bare.health else {
        panic!("{:?}", bare.health)
    };
    assert!(
        notes.iter().any(|note| note.contains("cam_intrinsics.txt")),
        "{notes:?}"
    );
    assert!(
        notes.iter().any(|note| note == "no depth folder"),
        "{notes:?}"
    );
    assert!(
        !notes.iter().any(|note| note.contains("action_label")),
        "labels come from the split file: {notes:?}"
    );
    assert_eq!(bare.action_segments, vec![(Split::Train, Some(5))]);
}

#[test]
fn a_take_without_label_files_gets_its_timeline_from_the_split_file() {
    let dir = dataset();
    let take = dir.path().join("h2o/subject3/o1/0");
    let source = TakeSource::open(&take).expect("opens with RGB only");
    let info = source.info();
    assert_eq!(info.frame_count, 4);
    assert_eq!(info.action_labels, vec![Some(0), Some(5), Some(5), Some(0)]);
    assert!(!info.has_depth);
    assert!(
        info.intrinsics_origin.contains("SHARP"),
        "{}",
        info.intrinsics_origin
    );
}

#[test]
fn folders_that_are_not_datasets_are_refused_with_a_reason() {
    let dir = tempfile::tempdir().expect("temp dir");
    let error = DatasetCatalog::scan(dir.path()).unwrap_err().to_string();
    assert!(error.contains("no subject* folders"), "{error}");
    let error = DatasetCatalog::scan(&dir.path().join("missing"))
        .unwrap_err()
        .to_string();
    assert!(error.contains("not a folder"), "{error}");
}

#[test]
fn paths_are_classified_for_the_command_line_and_drag_and_drop() {
    let dir = dataset();
    let root = dir.path().join("h2o");
    assert_eq!(classify_path(&root), PathKind::DatasetRoot);
    assert_eq!(classify_path(&root.join("subject1/h1/0")), PathKind::Take);
    assert_eq!(
        classify_path(&root.join("subject1/h1/0/cam4")),
        PathKind::Take
    );
    assert_eq!(classify_path(&root.join("pose_val.txt")), PathKind::Unknown);
    fs::write(dir.path().join("walk.mkv"), b"").expect("write");
    assert_eq!(classify_path(&dir.path().join("walk.mkv")), PathKind::Video);
}
