//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use sharp_viewer::dataset::discover_takes;
use sharp_viewer::sample::{SampleOptions, generate_sample};

/// Generates a small sample dataset into `root/sample` and returns (root, first take).
pub fn small_sample(root: &Path, frames: usize, takes: usize) -> (PathBuf, PathBuf) {
    let dataset = root.join("sample");
    generate_sample(&dataset, &SampleOptions { frames, takes }, &mut |_| {})
        .expect("the generator writes a sample");
    let take = discover_takes(&dataset)
        .expect("the sample has takes")
        .remove(0);
    (dataset, take)
}
