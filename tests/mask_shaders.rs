//! Every `shaders/*.wgsl` parses and validates with naga (the front end wgpu uses), so a
//! broken shader fails here with a readable message instead of at run time.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test crate: a panic is a failed test, with its message"
)]

use std::path::PathBuf;

/// The entry points the Rust side looks up, per file.
const ENTRY_POINTS: [(&str, &[&str]); 3] = [
    ("mask.wgsl", &["mask_frame"]),
    ("resize_cv2.wgsl", &["cv2_linear_tensor"]),
    ("resize_pil.wgsl", &["pil_horizontal", "pil_vertical"]),
];

fn shader_files() -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("shaders");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|error| panic!("cannot list {}: {error}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "wgsl"))
        .collect();
    files.sort();
    files
}

#[test]
fn every_shader_parses_and_validates() {
    let files = shader_files();
    assert!(!files.is_empty(), "no shaders found");
    for path in files {
        let name = path.display().to_string();
        let source = std::fs::read_to_string(&path).expect("readable shader");
        let module = naga::front::wgsl::parse_str(&source)
            .unwrap_or_else(|error| panic!("{}", error.emit_to_string_with_path(&source, &name)));
        // No optional capabilities: the kernels use core WGSL only (u32/i32/f32 storage,
        // atomics, workgroup memory).
        let mut validator = naga::valid::Validator::new(
            naga::valid::ValidationFlags::all(),
            naga::valid::Capabilities::empty(),
        );
        if let Err(error) = validator.validate(&module) {
            panic!("{}", error.emit_to_string_with_path(&source, &name));
        }
    }
}

#[test]
fn every_shader_has_the_entry_points_the_engine_uses() {
    let files = shader_files();
    for (file, entry_points) in ENTRY_POINTS {
        let path = files
            .iter()
            .find(|path| path.file_name().is_some_and(|name| name == file))
            .unwrap_or_else(|| panic!("shaders/{file} is missing"));
        let source = std::fs::read_to_string(path).expect("readable shader");
        let module = naga::front::wgsl::parse_str(&source).expect("parses (see the other test)");
        for entry_point in entry_points {
            let found = module.entry_points.iter().find(|e| e.name == *entry_point);
            let found = found.unwrap_or_else(|| panic!("{file} has no entry point {entry_point}"));
            assert_eq!(
                found.stage,
                naga::ShaderStage::Compute,
                "{file}: {entry_point}"
            );
            assert_eq!(found.workgroup_size, [256, 1, 1], "{file}: {entry_point}");
        }
    }
}
