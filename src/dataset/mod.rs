//! The H2O dataset on disk: take discovery, per-frame annotation parsers, splits and
//! class names.

pub mod classes;
