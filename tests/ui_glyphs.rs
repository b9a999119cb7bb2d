//! Every character the viewer can put on screen exists in the fonts it ships (egui's
//! bundled defaults), so no label, button or message renders as an empty box.
//!
//! The source files are scanned rather than the running window: a button that only shows
//! in one state (a live camera, a recording) is checked too. Comments are skipped; every
//! other non-ASCII character in `src/` is checked, since error and status messages from the
//! library end up in the window as well.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test crate: a panic is a failed test, with its message"
)]

use std::path::{Path, PathBuf};

use egui::epaint::text::{Fonts, TextOptions};
use egui::{FontDefinitions, FontId};

/// `line` without a trailing `//` comment (a `//` inside a string literal is kept).
fn code_part(line: &str) -> &str {
    let mut in_string = false;
    let mut escaped = false;
    let mut previous_slash = false;
    for (index, c) in line.char_indices() {
        if in_string {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                previous_slash = false;
            }
            '/' if previous_slash => return &line[..index - 1],
            '/' => previous_slash = true,
            _ => previous_slash = false,
        }
    }
    line
}

fn rust_files(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            found.push(path);
        }
    }
}

/// Each non-ASCII character outside comments, with the first `file:line` that uses it.
fn screen_characters(src: &Path) -> Vec<(char, String)> {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    files.sort();
    let mut found: Vec<(char, String)> = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for (number, line) in text.lines().enumerate() {
            for c in code_part(line).chars().filter(|c| !c.is_ascii()) {
                if !found.iter().any(|(seen, _)| *seen == c) {
                    let place = format!("{}:{}", file.display(), number + 1);
                    found.push((c, place));
                }
            }
        }
    }
    found
}

#[test]
fn every_character_the_viewer_shows_is_in_the_bundled_fonts() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let characters = screen_characters(&src);
    assert!(
        characters.iter().any(|(c, _)| *c == '…'),
        "the scan finds the ellipsis of the Open… menu items: {characters:?}"
    );
    let mut fonts = Fonts::new(TextOptions::default(), FontDefinitions::default());
    let missing: Vec<String> = characters
        .iter()
        .filter(|(c, _)| {
            !fonts.has_glyph(&FontId::proportional(14.0), *c)
                || !fonts.has_glyph(&FontId::monospace(14.0), *c)
        })
        .map(|(c, place)| format!("{c:?} (U+{:04X}) at {place}", *c as u32))
        .collect();
    assert!(
        missing.is_empty(),
        "characters without a glyph in the bundled fonts (they render as empty boxes):\n{}",
        missing.join("\n")
    );
}

#[test]
fn the_font_check_tells_present_from_missing_glyphs() {
    let mut fonts = Fonts::new(TextOptions::default(), FontDefinitions::default());
    let font = FontId::proportional(14.0);
    assert!(fonts.has_glyph(&font, 'a'));
    assert!(fonts.has_glyph(&font, '…'));
    // A CJK ideograph: none of egui's default fonts covers it.
    assert!(!fonts.has_glyph(&font, '漢'));
}

#[test]
fn comments_are_skipped_but_strings_with_slashes_are_kept() {
    assert_eq!(code_part("let a = 1; // ⟳ note"), "let a = 1; ");
    assert_eq!(
        code_part(r#"ui.label("see https://x ⟳"); // c"#),
        r#"ui.label("see https://x ⟳"); "#
    );
    assert_eq!(
        code_part(r#"let s = "a \" // b";"#),
        r#"let s = "a \" // b";"#
    );
    assert_eq!(code_part("/// doc ⟳"), "");
}
