//! The `sharp-viewer` executable: parses the command line and hands over to
//! [`sharp_viewer::cli::run`] (the viewer, or one of the batch, eval and bench commands).

use std::process::ExitCode;

use clap::Parser;
use sharp_viewer::cli::{Cli, run};

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| {
                tracing_subscriber::EnvFilter::new(
                    "info,wgpu=warn,naga=warn,eframe=warn,egui_wgpu=warn",
                )
            }),
        )
        .with_writer(std::io::stderr)
        .init();
    match run(Cli::parse()) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}
