//! End-to-end checks of the synthetic sample generator: generate small samples into
//! temporary folders and read the written files back the way a user of H2O data would.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test crate: a panic is a failed test, with its message"
)]

use std::collections::BTreeMap;
use std::fs;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

use sharp_viewer::dataset::classes::verb_of_action;
use sharp_viewer::geometry::CameraIntrinsics;
use sharp_viewer::sample::{
    BOX_EDGES, SAMPLE_MARKER_FILE, SampleError, SampleOptions, SampleProgress, generate_sample,
    is_complete_sample, read_marker,
};

const W: usize = 1280;
const H: usize = 720;

// ---------------------------------------------------------------- reading helpers

fn numbers(path: &Path) -> Vec<f32> {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.split_whitespace()
        .map(|t| {
            t.parse::<f32>()
                .unwrap_or_else(|e| panic!("{}: {t:?}: {e}", path.display()))
        })
        .collect()
}

fn integer(path: &Path) -> u32 {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.trim()
        .parse()
        .unwrap_or_else(|e| panic!("{}: {text:?}: {e}", path.display()))
}

fn frame_file(cam4: &Path, folder: &str, frame: usize, ext: &str) -> PathBuf {
    cam4.join(folder).join(format!("{frame:06}.{ext}"))
}

struct Frame {
    rgb: Vec<u8>,
    depth: Vec<u16>,
}

impl Frame {
    fn load(cam4: &Path, frame: usize) -> Self {
        let rgb_image = image::open(frame_file(cam4, "rgb", frame, "png")).expect("rgb png");
        assert_eq!(rgb_image.color(), image::ColorType::Rgb8);
        assert_eq!(
            (rgb_image.width(), rgb_image.height()),
            (W as u32, H as u32)
        );
        let depth_image = image::open(frame_file(cam4, "depth", frame, "png")).expect("depth png");
        assert_eq!(
            depth_image.color(),
            image::ColorType::L16,
            "depth must be uint16"
        );
        assert_eq!(
            (depth_image.width(), depth_image.height()),
            (W as u32, H as u32)
        );
        Self {
            rgb: rgb_image.into_rgb8().into_raw(),
            depth: depth_image.into_luma16().into_raw(),
        }
    }

    fn rgb(&self, u: usize, v: usize) -> [u8; 3] {
        let i = (v * W + u) * 3;
        [self.rgb[i], self.rgb[i + 1], self.rgb[i + 2]]
    }

    fn depth(&self, u: usize, v: usize) -> u16 {
        self.depth[v * W + u]
    }
}

fn intrinsics(cam4: &Path) -> CameraIntrinsics {
    let k = numbers(&cam4.join("cam_intrinsics.txt"));
    assert_eq!(k.len(), 6, "fx fy cx cy width height");
    CameraIntrinsics {
        fx: k[0],
        fy: k[1],
        cx: k[2],
        cy: k[3],
        width: k[4] as u32,
        height: k[5] as u32,
    }
}

fn project(k: &CameraIntrinsics, p: [f32; 3]) -> (f32, f32) {
    (k.fx * p[0] / p[2] + k.cx, k.fy * p[1] / p[2] + k.cy)
}

/// Row-major 4x4 from 16 numbers, applied to a point.
fn transform(m: &[f32], p: [f32; 3]) -> [f32; 3] {
    let row = |r: usize| m[r * 4] * p[0] + m[r * 4 + 1] * p[1] + m[r * 4 + 2] * p[2] + m[r * 4 + 3];
    [row(0), row(1), row(2)]
}

/// Inverse of a rigid row-major 4x4 (rotation transposed).
fn rigid_inverse(m: &[f32]) -> Vec<f32> {
    let t = [m[3], m[7], m[11]];
    let mut out = vec![0.0; 16];
    for r in 0..3 {
        for c in 0..3 {
            out[r * 4 + c] = m[c * 4 + r];
        }
        out[r * 4 + 3] = -(0..3).map(|c| m[c * 4 + r] * t[c]).sum::<f32>();
    }
    out[15] = 1.0;
    out
}

fn assert_rigid(m: &[f32], what: &str) {
    assert_eq!(m.len(), 16, "{what}");
    assert_eq!(&m[12..16], &[0.0, 0.0, 0.0, 1.0], "{what}: bottom row");
    for a in 0..3 {
        for b in 0..3 {
            let dot: f32 = (0..3).map(|i| m[i * 4 + a] * m[i * 4 + b]).sum();
            let expected = if a == b { 1.0 } else { 0.0 };
            assert!((dot - expected).abs() < 1e-4, "{what}: not a rotation");
        }
    }
}

// ---------------------------------------------------------------- palette knowledge

/// Chromaticity of a pixel (g/r, b/r), if bright enough to judge.
fn chroma(c: [u8; 3]) -> Option<(f32, f32)> {
    (c[0] >= 50).then(|| (c[1] as f32 / c[0] as f32, c[2] as f32 / c[0] as f32))
}

/// The generator shades by scaling the albedo, so each hand keeps its skin's chromaticity
/// (left hand slightly more tanned than the right).
fn is_left_skin(c: [u8; 3]) -> bool {
    chroma(c).is_some_and(|(g, b)| (0.69..0.75).contains(&g) && (0.51..0.59).contains(&b))
}

fn is_right_skin(c: [u8; 3]) -> bool {
    chroma(c).is_some_and(|(g, b)| (0.75..0.81).contains(&g) && (0.61..0.69).contains(&b))
}

fn is_skin(c: [u8; 3]) -> bool {
    is_left_skin(c) || is_right_skin(c)
}

/// The wooden table top.
fn is_wood(c: [u8; 3]) -> bool {
    chroma(c).is_some_and(|(g, b)| (0.62..0.78).contains(&g) && (0.35..0.5).contains(&b))
}

// ---------------------------------------------------------------- generation helpers

const FRAMES: usize = 12;

fn generate(root: &Path, frames: usize, takes: usize) -> Vec<SampleProgress> {
    let mut reports = Vec::new();
    let summary = generate_sample(
        root,
        &SampleOptions {
            frames,
            takes,
            camera_noise: 0,
        },
        &mut |p| {
            reports.push(p);
            ControlFlow::Continue(())
        },
    )
    .unwrap_or_else(|e| panic!("generation failed: {e}"));
    assert_eq!(summary.frames_per_take, frames);
    assert_eq!(summary.takes.len(), takes);
    for (take, folder) in summary.takes.iter().enumerate() {
        assert_eq!(
            folder,
            &root.join("subject1").join("h1").join(take.to_string())
        );
        assert!(folder.join("cam4").is_dir());
    }
    reports
}

fn cam4(root: &Path, take: usize) -> PathBuf {
    root.join(format!("subject1/h1/{take}/cam4"))
}

fn no_partial_left(parent: &Path) {
    let leftovers: Vec<_> = fs::read_dir(parent)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains(".partial-"))
        .map(|e| e.path())
        .collect();
    assert!(
        leftovers.is_empty(),
        "temporary folders left: {leftovers:?}"
    );
}

// ---------------------------------------------------------------- the checks

/// Every frame has every file, with the right number of values.
fn check_layout(root: &Path, takes: usize) {
    for take in 0..takes {
        let cam4 = cam4(root, take);
        let k = intrinsics(&cam4);
        assert_eq!(k, CameraIntrinsics::H2O_CAM4_DEFAULT);
        for frame in 0..FRAMES {
            assert!(frame_file(&cam4, "rgb", frame, "png").is_file());
            assert!(frame_file(&cam4, "depth", frame, "png").is_file());
            assert_eq!(
                numbers(&frame_file(&cam4, "hand_pose", frame, "txt")).len(),
                128
            );
            assert_eq!(
                numbers(&frame_file(&cam4, "obj_pose", frame, "txt")).len(),
                64
            );
            assert_eq!(
                numbers(&frame_file(&cam4, "obj_pose_rt", frame, "txt")).len(),
                17
            );
            let cam_pose = numbers(&frame_file(&cam4, "cam_pose", frame, "txt"));
            assert_rigid(&cam_pose, "cam_pose");
            integer(&frame_file(&cam4, "action_label", frame, "txt"));
            integer(&frame_file(&cam4, "verb_label", frame, "txt"));
        }
        assert!(!frame_file(&cam4, "rgb", FRAMES, "png").exists());
    }
}

/// Joints project inside the image onto their own hand: depth within the joint sphere's
/// radius (at most 20.5 mm) + 10 mm, and skin of the right hand's tone.
fn check_hand_projection(root: &Path, takes: usize) {
    let (mut joints, mut depth_ok, mut skin_ok) = (0usize, 0usize, 0usize);
    for take in 0..takes {
        let cam4 = cam4(root, take);
        let k = intrinsics(&cam4);
        let mut left_absent = Vec::new();
        for frame in 0..FRAMES {
            let pose = numbers(&frame_file(&cam4, "hand_pose", frame, "txt"));
            let image = Frame::load(&cam4, frame);
            for (hand, block) in pose.chunks(64).enumerate() {
                let flag = block[0];
                assert!(flag == 0.0 || flag == 1.0, "flag {flag}");
                if flag == 0.0 {
                    assert!(block.iter().all(|&v| v == 0.0), "absent hand has values");
                    assert_eq!(hand, 0, "the right hand is always in view");
                    left_absent.push(frame);
                    // Out of view: not a single pixel of the left hand's skin.
                    let left_pixels = (0..H)
                        .step_by(2)
                        .flat_map(|v| (0..W).step_by(2).map(move |u| (u, v)))
                        .filter(|&(u, v)| is_left_skin(image.rgb(u, v)))
                        .count();
                    assert_eq!(
                        left_pixels, 0,
                        "take {take} frame {frame}: left hand visible"
                    );
                    continue;
                }
                let own_skin = if hand == 0 {
                    is_left_skin
                } else {
                    is_right_skin
                };
                let own_pixels = (0..H)
                    .step_by(2)
                    .flat_map(|v| (0..W).step_by(2).map(move |u| (u, v)))
                    .filter(|&(u, v)| own_skin(image.rgb(u, v)))
                    .count();
                assert!(
                    own_pixels > 200,
                    "take {take} frame {frame}: hand {hand} not drawn"
                );
                for joint in block[1..].chunks(3) {
                    let p = [joint[0], joint[1], joint[2]];
                    assert!((0.25..0.8).contains(&p[2]), "joint depth {} m", p[2]);
                    let (u, v) = project(&k, p);
                    assert!(
                        u >= 0.0 && v >= 0.0 && u < W as f32 && v < H as f32,
                        "take {take} frame {frame}: joint outside the image at ({u}, {v})"
                    );
                    let (u, v) = (u as usize, v as usize);
                    joints += 1;
                    let measured = image.depth(u, v) as f32;
                    if (measured - p[2] * 1000.0).abs() <= 20.5 + 10.0 {
                        depth_ok += 1;
                    }
                    if own_skin(image.rgb(u, v)) {
                        skin_ok += 1;
                    }
                }
            }
        }
        // The left hand comes in after the first ~11% of the take and stays.
        assert!(
            !left_absent.is_empty(),
            "take {take}: left hand never absent"
        );
        assert_eq!(left_absent, (0..left_absent.len()).collect::<Vec<_>>());
        assert!(left_absent.len() < FRAMES / 2);
    }
    let depth_share = depth_ok as f32 / joints as f32;
    let skin_share = skin_ok as f32 / joints as f32;
    assert!(
        depth_share >= 0.95,
        "only {depth_share} of joints match the depth"
    );
    assert!(
        skin_share >= 0.95,
        "only {skin_share} of joints land on their hand's skin"
    );
}

/// Oracle depth masking keeps the hands and drops the background.
fn check_masking(root: &Path, takes: usize) {
    for take in 0..takes {
        let cam4 = cam4(root, take);
        for frame in 0..FRAMES {
            let image = Frame::load(&cam4, frame);
            let mut skin = 0;
            for v in (0..H).step_by(2) {
                for u in (0..W).step_by(2) {
                    if is_skin(image.rgb(u, v)) {
                        skin += 1;
                        let d = image.depth(u, v);
                        assert!(
                            d > 0 && d < 800,
                            "take {take} frame {frame}: skin at ({u}, {v}) is {d} mm away"
                        );
                    }
                }
            }
            assert!(
                skin > 1000,
                "take {take} frame {frame}: only {skin} skin pixels"
            );
            let top = &image.depth[..W * H / 3];
            let far = top.iter().filter(|&&d| d > 1500).count() as f32 / top.len() as f32;
            let far_or_none =
                top.iter().filter(|&&d| d > 1500 || d == 0).count() as f32 / top.len() as f32;
            assert!(
                far > 0.85,
                "take {take} frame {frame}: top third only {far} far"
            );
            assert!(
                far_or_none > 0.95,
                "take {take} frame {frame}: {far_or_none}"
            );
            let none = image.depth.iter().filter(|&&d| d == 0).count();
            assert!(none > 100, "take {take} frame {frame}: no depth-0 pixels");
            // Range masking at SHARP-like settings: everything beyond 800 mm (or unmeasured)
            // goes; next to nothing of the top third survives.
            let kept_top = top.iter().filter(|&&d| d > 0 && d <= 800).count();
            assert!(
                kept_top * 20 < top.len(),
                "take {take} frame {frame}: {kept_top}"
            );
        }
    }
}

/// obj_pose is the documented box transformed by obj_pose_rt, and it projects onto the
/// object in the images.
fn check_object(root: &Path, takes: usize) {
    let expected_classes = [5.0, 8.0, 2.0];
    let (mut points_seen, mut on_object) = (0, 0);
    for take in 0..takes {
        let cam4 = cam4(root, take);
        let k = intrinsics(&cam4);
        for frame in 0..FRAMES {
            let pose = numbers(&frame_file(&cam4, "obj_pose", frame, "txt"));
            let rt = numbers(&frame_file(&cam4, "obj_pose_rt", frame, "txt"));
            assert_eq!(pose[0], expected_classes[take % 3]);
            assert_eq!(rt[0], pose[0]);
            let m = &rt[1..];
            assert_rigid(m, "obj_pose_rt");
            let inverse = rigid_inverse(m);
            let points: Vec<[f32; 3]> = pose[1..].chunks(3).map(|c| [c[0], c[1], c[2]]).collect();
            let local: Vec<[f32; 3]> = points.iter().map(|p| transform(&inverse, *p)).collect();
            // Corners (+-hx, +-hy, +-hz) in bit order, centre at the origin, edge midpoints.
            let half = local[7];
            assert!(half.iter().all(|&h| (0.02..0.2).contains(&h)), "{half:?}");
            for (i, corner) in local.iter().take(8).enumerate() {
                for axis in 0..3 {
                    let sign = if i & (1 << axis) == 0 { -1.0 } else { 1.0 };
                    assert!(
                        (corner[axis] - sign * half[axis]).abs() < 1e-4,
                        "corner {i}"
                    );
                }
            }
            assert!(local[8].iter().all(|c| c.abs() < 1e-4), "centre");
            for (e, (a, b)) in BOX_EDGES.iter().enumerate() {
                for (axis, value) in local[9 + e].iter().enumerate() {
                    let mid = (local[*a][axis] + local[*b][axis]) * 0.5;
                    assert!((value - mid).abs() < 1e-4, "edge {e}");
                }
            }
            // Projection onto the rendered object.
            let image = Frame::load(&cam4, frame);
            let zs: Vec<f32> = points[..8].iter().map(|p| p[2] * 1000.0).collect();
            let z_min = zs.iter().cloned().fold(f32::INFINITY, f32::min);
            let z_max = zs.iter().cloned().fold(0.0, f32::max);
            let pixels: Vec<(f32, f32)> = points.iter().map(|p| project(&k, *p)).collect();
            let on_object_before = on_object;
            let centroid = pixels[..8]
                .iter()
                .fold((0.0, 0.0), |acc, p| (acc.0 + p.0 / 8.0, acc.1 + p.1 / 8.0));
            for (u, v) in pixels {
                // A few pixels inwards, so that corners and edges land inside the silhouette.
                let (du, dv) = (centroid.0 - u, centroid.1 - v);
                let length = (du * du + dv * dv).sqrt().max(1e-3);
                let step = length.min(4.0);
                let (u, v) = (u + du / length * step, v + dv / length * step);
                assert!(u >= 0.0 && v >= 0.0 && u < W as f32 && v < H as f32);
                let (u, v) = (u as usize, v as usize);
                let d = image.depth(u, v) as f32;
                let c = image.rgb(u, v);
                points_seen += 1;
                let in_box = d >= z_min - 5.0 && d <= z_max + 5.0 && !is_skin(c) && !is_wood(c);
                // Behind a hand or the sleeve.
                let occluded = is_skin(c) || (d > 0.0 && d < z_min - 5.0);
                assert!(
                    in_box || occluded,
                    "take {take} frame {frame}: object point at ({u}, {v}) shows {d} mm {c:?}, box spans {z_min}-{z_max} mm"
                );
                if in_box {
                    on_object += 1;
                }
            }
            let visible = on_object - on_object_before;
            eprintln!("take {take} frame {frame}: {visible}/21 object points visible");
            if frame == 0 {
                // Before the hand gets there the whole box is in view.
                assert_eq!(visible, 21, "take {take} frame 0");
            }
        }
    }
    let share = on_object as f32 / points_seen as f32;
    assert!(
        share >= 0.55,
        "only {share} of object points are visibly on the object"
    );
}

fn split_of(take: usize) -> &'static str {
    ["val", "test", "train"][take % 3]
}

/// Per-frame labels, verbs, and the split files that summarise them.
fn check_labels_and_splits(root: &Path, takes: usize) {
    let mut expected_pose: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    let mut expected_action: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for split in ["val", "test", "train"] {
        expected_pose.insert(split, Vec::new());
        expected_action.insert(split, Vec::new());
    }
    for take in 0..takes {
        let cam4 = cam4(root, take);
        let labels: Vec<u32> = (0..FRAMES)
            .map(|f| integer(&frame_file(&cam4, "action_label", f, "txt")))
            .collect();
        for (frame, &label) in labels.iter().enumerate() {
            let verb = integer(&frame_file(&cam4, "verb_label", frame, "txt"));
            assert_eq!(Some(verb), verb_of_action(label), "frame {frame}");
        }
        assert_eq!(labels[0], 0, "take {take} starts with background");
        assert_eq!(labels[FRAMES - 1], 0, "take {take} ends with background");
        let mut distinct: Vec<u32> = labels.iter().copied().filter(|&l| l != 0).collect();
        distinct.dedup();
        assert!(distinct.len() >= 3, "take {take}: labels {labels:?}");
        let verbs: Vec<u32> = distinct
            .iter()
            .map(|&a| verb_of_action(a).unwrap())
            .collect();
        assert_eq!(verbs[0], 1, "the take starts by grabbing");

        let split = split_of(take);
        let relative = format!("subject1/h1/{take}");
        for frame in 0..FRAMES {
            let line = format!("{relative}/cam4/rgb/{frame:06}.png");
            assert!(root.join(&line).is_file());
            expected_pose.get_mut(split).unwrap().push(line);
        }
        let mut start = 0;
        while start < FRAMES {
            let label = labels[start];
            let mut end = start;
            while end + 1 < FRAMES && labels[end + 1] == label {
                end += 1;
            }
            if label != 0 {
                let rows = expected_action.get_mut(split).unwrap();
                let id = rows.len() + 1;
                let last = FRAMES - 1;
                rows.push(if split == "test" {
                    format!("{id} {relative} {start} {end} 0 {last}")
                } else {
                    format!("{id} {relative} {label} {start} {end} 0 {last}")
                });
            }
            start = end + 1;
        }
    }
    for split in ["val", "test", "train"] {
        let pose = fs::read_to_string(root.join(format!("pose_{split}.txt"))).unwrap();
        let lines: Vec<String> = pose.lines().map(str::to_owned).collect();
        assert_eq!(lines, expected_pose[split], "pose_{split}.txt");
        let action = fs::read_to_string(root.join(format!("action_{split}.txt"))).unwrap();
        let mut lines = action.lines();
        let header = lines.next().expect("header");
        if split == "test" {
            assert_eq!(header, "id path start_act end_act start_frame end_frame");
        } else {
            assert_eq!(
                header,
                "id path action_label start_act end_act start_frame end_frame"
            );
        }
        let rows: Vec<String> = lines.map(str::to_owned).collect();
        assert_eq!(rows, expected_action[split], "action_{split}.txt");
    }
}

fn check_marker(root: &Path, frames: usize, takes: usize) {
    assert!(root.join(SAMPLE_MARKER_FILE).is_file());
    let marker = read_marker(root).unwrap().expect("marker present");
    assert!(marker.synthetic);
    assert!(is_complete_sample(root));
    assert_eq!(
        marker.options,
        SampleOptions {
            frames,
            takes,
            camera_noise: 0
        }
    );
    assert_eq!(marker.takes.len(), takes);
}

// ---------------------------------------------------------------- tests

#[test]
fn generated_takes_are_consistent_with_their_images() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("nested").join("sample");
    let takes = 3;
    let reports = generate(&root, FRAMES, takes);
    let expected: Vec<SampleProgress> = (0..takes)
        .flat_map(|take| {
            (0..FRAMES).map(move |frame| SampleProgress {
                take,
                frame,
                frames_total: FRAMES,
            })
        })
        .collect();
    assert_eq!(reports, expected, "one progress report per frame, in order");
    no_partial_left(root.parent().unwrap());

    check_layout(&root, takes);
    check_hand_projection(&root, takes);
    check_masking(&root, takes);
    check_object(&root, takes);
    check_labels_and_splits(&root, takes);
    check_marker(&root, FRAMES, takes);
}

fn files_under(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let bytes = fs::read(&path).unwrap();
                out.insert(path.strip_prefix(root).unwrap().to_path_buf(), bytes);
            }
        }
    }
    out
}

#[test]
fn same_options_give_byte_identical_files() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a");
    let b = dir.path().join("b");
    // An existing empty folder is fine as a root.
    fs::create_dir(&b).unwrap();
    generate(&a, FRAMES, 1);
    generate(&b, FRAMES, 1);
    let (fa, fb) = (files_under(&a), files_under(&b));
    assert_eq!(
        fa.keys().collect::<Vec<_>>(),
        fb.keys().collect::<Vec<_>>(),
        "same file names"
    );
    assert!(fa.len() > 8 * FRAMES);
    for (path, bytes) in &fa {
        assert!(
            bytes == &fb[path],
            "{} differs between runs",
            path.display()
        );
    }
    no_partial_left(dir.path());
}

#[test]
fn refuses_a_non_empty_root_without_touching_it() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("taken");
    fs::create_dir(&root).unwrap();
    fs::write(root.join("keep.txt"), "precious").unwrap();
    let mut calls = 0;
    let error = generate_sample(&root, &SampleOptions::default(), &mut |_| {
        calls += 1;
        ControlFlow::Continue(())
    })
    .expect_err("must refuse");
    assert!(
        matches!(error, SampleError::RootNotEmpty { .. }),
        "{error:?}"
    );
    assert!(error.to_string().contains("taken"), "{error}");
    assert_eq!(calls, 0);
    let entries: Vec<_> = fs::read_dir(&root).unwrap().collect();
    assert_eq!(entries.len(), 1);
    assert_eq!(
        fs::read_to_string(root.join("keep.txt")).unwrap(),
        "precious"
    );
    no_partial_left(dir.path());

    // A file in the way is refused too.
    let file = dir.path().join("file");
    fs::write(&file, "x").unwrap();
    let error = generate_sample(&file, &SampleOptions::default(), &mut |_| {
        ControlFlow::Continue(())
    })
    .unwrap_err();
    assert!(
        matches!(error, SampleError::RootNotEmpty { .. }),
        "{error:?}"
    );
    assert_eq!(fs::read_to_string(&file).unwrap(), "x");
}

#[test]
fn stops_when_the_progress_callback_asks_and_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("sample");
    let mut reports = 0;
    let error = generate_sample(
        &root,
        &SampleOptions {
            frames: FRAMES,
            takes: 2,
            camera_noise: 0,
        },
        &mut |_| {
            reports += 1;
            if reports == 3 {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        },
    )
    .expect_err("stopped");
    assert!(
        matches!(&error, SampleError::Stopped { root: named } if *named == root),
        "{error:?}"
    );
    assert!(error.to_string().contains("sample"), "{error}");
    assert_eq!(reports, 3, "no frame is rendered after the stop");
    assert!(!root.exists());
    no_partial_left(dir.path());
    // Nothing stale blocks the next run.
    generate(&root, FRAMES, 1);
}

#[test]
fn rejects_options_it_cannot_honour() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("sample");
    let error = generate_sample(
        &root,
        &SampleOptions {
            frames: 5,
            takes: 1,
            camera_noise: 0,
        },
        &mut |_| ControlFlow::Continue(()),
    )
    .unwrap_err();
    assert!(
        matches!(error, SampleError::TooFewFrames { frames: 5, .. }),
        "{error:?}"
    );
    assert!(error.to_string().contains("sample"), "{error}");
    let error = generate_sample(
        &root,
        &SampleOptions {
            frames: 90,
            takes: 0,
            camera_noise: 0,
        },
        &mut |_| ControlFlow::Continue(()),
    )
    .unwrap_err();
    assert!(matches!(error, SampleError::NoTakes { .. }), "{error:?}");
    assert!(!root.exists());
    assert_eq!(
        SampleOptions::default(),
        SampleOptions {
            frames: 90,
            takes: 1,
            camera_noise: 0,
        }
    );
}

#[test]
fn read_marker_is_none_for_real_data() {
    let dir = tempfile::tempdir().unwrap();
    assert!(read_marker(dir.path()).unwrap().is_none());
    assert!(!is_complete_sample(dir.path()));
    fs::write(dir.path().join(SAMPLE_MARKER_FILE), "not json").unwrap();
    assert!(matches!(
        read_marker(dir.path()),
        Err(SampleError::Marker { .. })
    ));
}

/// Full-size run for timing, size and a visual check (release build recommended):
/// `cargo test --release --test sample_generator -- --ignored --nocapture`
/// Writes /tmp/sample_preview_rgb.png and /tmp/sample_preview_depth.png.
#[test]
#[ignore]
fn full_take_timing_size_and_preview() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("sample");
    let options = SampleOptions::default();
    let start = std::time::Instant::now();
    generate_sample(&root, &options, &mut |_| ControlFlow::Continue(())).unwrap();
    let elapsed = start.elapsed();
    let files = files_under(&root);
    let bytes: usize = files.values().map(Vec::len).sum();
    let png = |folder: &str| -> usize {
        files
            .iter()
            .filter(|(p, _)| p.to_string_lossy().contains(&format!("/{folder}/")))
            .map(|(_, b)| b.len())
            .sum()
    };
    eprintln!(
        "{} frames: {:.2} s, {} files, {:.1} MB (rgb {:.1} MB, depth {:.1} MB)",
        options.frames,
        elapsed.as_secs_f32(),
        files.len(),
        bytes as f32 / 1e6,
        png("rgb") as f32 / 1e6,
        png("depth") as f32 / 1e6,
    );
    assert!(bytes < 150_000_000);

    let frame = std::env::var("SAMPLE_PREVIEW_FRAME")
        .ok()
        .and_then(|f| f.parse().ok())
        .unwrap_or(45);
    let cam4 = cam4(&root, 0);
    fs::copy(
        frame_file(&cam4, "rgb", frame, "png"),
        "/tmp/sample_preview_rgb.png",
    )
    .unwrap();
    let image = Frame::load(&cam4, frame);
    let colours: Vec<u8> = image
        .depth
        .iter()
        .flat_map(|&d| {
            if d == 0 {
                return [0, 0, 0];
            }
            // Near = red, 1.5 m = green, 3 m = blue.
            let t = ((d as f32 - 300.0) / 2700.0).clamp(0.0, 1.0);
            [
                (255.0 * (1.0 - 2.0 * t).max(0.0)) as u8,
                (255.0 * (1.0 - (2.0 * t - 1.0).abs())) as u8,
                (255.0 * (2.0 * t - 1.0).max(0.0)) as u8,
            ]
        })
        .collect();
    image::save_buffer(
        "/tmp/sample_preview_depth.png",
        &colours,
        W as u32,
        H as u32,
        image::ExtendedColorType::Rgb8,
    )
    .unwrap();
}

/// `--camera-noise` adds seeded sensor noise to the images and nothing else: every value
/// stays within the amplitude of the clean render, unmeasured depth stays 0, the
/// annotations are the same, the PNGs grow to camera-like sizes and the marker records it.
#[test]
fn camera_noise_changes_only_the_pixels_and_within_its_amplitude() {
    let clean_dir = tempfile::tempdir().expect("temp dir");
    let noisy_dir = tempfile::tempdir().expect("temp dir");
    let (clean_root, noisy_root) = (clean_dir.path().join("s"), noisy_dir.path().join("s"));
    let amplitude = 12u8;
    let options = |camera_noise| SampleOptions {
        frames: FRAMES,
        takes: 1,
        camera_noise,
    };
    generate_sample(&clean_root, &options(0), &mut |_| ControlFlow::Continue(()))
        .expect("clean sample");
    generate_sample(&noisy_root, &options(amplitude), &mut |_| {
        ControlFlow::Continue(())
    })
    .expect("noisy sample");
    let marker = read_marker(&noisy_root).expect("marker").expect("present");
    assert_eq!(marker.options, options(amplitude));

    let cam4 = |root: &Path| root.join("subject1/h1/0/cam4");
    for frame in [0, FRAMES - 1] {
        let clean = Frame::load(&cam4(&clean_root), frame);
        let noisy = Frame::load(&cam4(&noisy_root), frame);
        let rgb_moves: Vec<u8> = clean
            .rgb
            .iter()
            .zip(&noisy.rgb)
            .map(|(a, b)| a.abs_diff(*b))
            .collect();
        assert!(rgb_moves.iter().all(|&d| d <= amplitude));
        let moved = rgb_moves.iter().filter(|&&d| d > 0).count();
        assert!(
            moved > rgb_moves.len() * 8 / 10,
            "{moved} of {}",
            rgb_moves.len()
        );
        for (a, b) in clean.depth.iter().zip(&noisy.depth) {
            assert_eq!(*a == 0, *b == 0, "unmeasured depth stays unmeasured");
            assert!(a.abs_diff(*b) <= u16::from(amplitude));
        }
        for (folder, ext) in [
            ("hand_pose", "txt"),
            ("obj_pose", "txt"),
            ("cam_pose", "txt"),
        ] {
            assert_eq!(
                fs::read(frame_file(&cam4(&clean_root), folder, frame, ext)).expect("clean"),
                fs::read(frame_file(&cam4(&noisy_root), folder, frame, ext)).expect("noisy"),
                "{folder}"
            );
        }
        let size = |root: &Path| {
            fs::metadata(frame_file(&cam4(root), "rgb", frame, "png"))
                .expect("rgb png")
                .len()
        };
        assert!(
            size(&noisy_root) > 1_000_000 && size(&noisy_root) > 4 * size(&clean_root),
            "noisy {} B, clean {} B",
            size(&noisy_root),
            size(&clean_root)
        );
    }
}
