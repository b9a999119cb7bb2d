//! `sharp-viewer bench-mask`: times masking plus the pose-network input at 1280x720 on
//! the GPU (compute pass by timestamp queries, and the whole round trip) and on the CPU.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Context;
use image::{GrayImage, Luma, Rgb, RgbImage};

use crate::dataset::images::DepthMillimetres;
use crate::mask::{
    DepthInput, DepthUnit, MaskBackend, MaskEngine, MaskError, MaskPreference, RangePreset,
    TensorSpec, cpu,
};

/// Untimed calls before measuring (pipeline warm-up, first allocations).
const WARM_UP: usize = 3;
const WIDTH: u32 = 1280;
const HEIGHT: u32 = 720;

/// Runs the benchmark with `iterations` timed calls per case and prints a table.
pub fn run(iterations: usize) -> anyhow::Result<ExitCode> {
    let iterations = iterations.max(1);
    let mut engine = MaskEngine::with_gpu_timing(MaskPreference::Gpu);
    println!("masking backend: {}", engine.backend());
    let on_gpu = matches!(engine.backend(), MaskBackend::Gpu { .. });
    if on_gpu && !engine.has_gpu_timing() {
        println!(
            "GPU timestamps: not supported by this adapter (no TIMESTAMP_QUERY); dispatch time not measured"
        );
    }
    let frame = synthetic_frame();
    let ground_truth = synthetic_millimetres();
    let pseudo = synthetic_inverse_depth();
    let pose = TensorSpec::sharp_pose();
    let cases = [
        (
            "GT mm 1280x720, keep 1..700",
            DepthInput::Millimetres(&ground_truth),
            RangePreset::OracleGroundTruth.range(DepthUnit::Millimetres),
        ),
        (
            "pseudo 384x384, keep 120..255",
            DepthInput::Inverse8(&pseudo),
            RangePreset::Sharp120.range(DepthUnit::InverseDepth8),
        ),
    ];
    println!(
        "{iterations} iterations, {WIDTH}x{HEIGHT} frame, mask + pose input ({}x{} {:?}); median / p90 in ms",
        pose.width, pose.height, pose.resize
    );
    println!(
        "{:<32} {:>20} {:>20} {:>20}",
        "case", "GPU pass", "GPU round trip", "CPU"
    );
    for (name, depth, range) in cases {
        let cpu_result = cpu::mask(&frame, depth, Some(range), Some(&pose))?;
        let gpu_result = engine.mask(&frame, depth, Some(range), Some(&pose))?;
        if on_gpu && gpu_result != cpu_result {
            println!("{name}: GPU and CPU results DIFFER");
        }
        let (pass, round_trip) = time_gpu(&mut engine, iterations, |engine| {
            engine
                .mask(&frame, depth, Some(range), Some(&pose))
                .map(drop)
        })?;
        let cpu_times = time(iterations, || {
            cpu::mask(&frame, depth, Some(range), Some(&pose)).map(drop)
        })?;
        print_row(name, &pass, &round_trip, &cpu_times, on_gpu);
    }
    let depth_spec = TensorSpec::dpt_hybrid();
    let (pass, round_trip) = time_gpu(&mut engine, iterations, |engine| {
        engine.frame_tensor(&frame, &depth_spec).map(drop)
    })?;
    let cpu_times = time(iterations, || cpu::tensor(&frame, &depth_spec).map(drop))?;
    print_row(
        "depth input 384x384 (PIL bicubic)",
        &pass,
        &round_trip,
        &cpu_times,
        on_gpu,
    );
    if !matches!(engine.backend(), MaskBackend::Gpu { .. }) && on_gpu {
        println!("the GPU failed during the run: {}", engine.backend());
    }
    Ok(ExitCode::SUCCESS)
}

/// Times `call` on the engine: GPU pass times (when measured) and round trips.
fn time_gpu(
    engine: &mut MaskEngine,
    iterations: usize,
    mut call: impl FnMut(&mut MaskEngine) -> Result<(), MaskError>,
) -> anyhow::Result<(Vec<Duration>, Vec<Duration>)> {
    let mut pass = Vec::with_capacity(iterations);
    let mut round_trip = Vec::with_capacity(iterations);
    for index in 0..WARM_UP + iterations {
        let started = Instant::now();
        call(engine).context("GPU call")?;
        if index >= WARM_UP {
            round_trip.push(started.elapsed());
            pass.extend(engine.last_gpu_pass_time());
        }
    }
    Ok((pass, round_trip))
}

/// Times `call` `iterations` times after the warm-up.
fn time<E: std::error::Error + Send + Sync + 'static>(
    iterations: usize,
    mut call: impl FnMut() -> Result<(), E>,
) -> anyhow::Result<Vec<Duration>> {
    let mut times = Vec::with_capacity(iterations);
    for index in 0..WARM_UP + iterations {
        let started = Instant::now();
        call()?;
        if index >= WARM_UP {
            times.push(started.elapsed());
        }
    }
    Ok(times)
}

fn print_row(
    name: &str,
    pass: &[Duration],
    round_trip: &[Duration],
    cpu: &[Duration],
    on_gpu: bool,
) {
    let gpu_cell = |times: &[Duration]| {
        if on_gpu {
            super::median_p90_cell(times, "not measured")
        } else {
            "n/a (CPU backend)".to_owned()
        }
    };
    println!(
        "{name:<32} {:>20} {:>20} {:>20}",
        gpu_cell(pass),
        gpu_cell(round_trip),
        super::median_p90_cell(cpu, "not measured")
    );
}

/// A frame with gradients and texture (the content does not change the timing much).
fn synthetic_frame() -> RgbImage {
    RgbImage::from_fn(WIDTH, HEIGHT, |x, y| {
        let texture = ((x * 7 + y * 13) % 29) as u8;
        Rgb([(x / 5) as u8 ^ texture, (y / 3) as u8, (x + y) as u8])
    })
}

/// Ground-truth-like depth: hands near (400-800 mm) in the lower middle, background
/// far, and rectangular holes.
fn synthetic_millimetres() -> DepthMillimetres {
    DepthMillimetres::from_fn(WIDTH, HEIGHT, |x, y| {
        let hole = (x / 40 + y / 30) % 11 == 0;
        let hand = (300..980).contains(&x) && y > 380;
        Luma([if hole {
            0
        } else if hand {
            (400 + (y - 380) + x % 50) as u16
        } else {
            (1500 + x + y) as u16
        }])
    })
}

/// Pseudo-depth-like inverse depth at SHARP's stored size.
fn synthetic_inverse_depth() -> GrayImage {
    GrayImage::from_fn(384, 384, |x, y| {
        Luma([((x + 2 * y) * 255 / (3 * 383)) as u8])
    })
}
