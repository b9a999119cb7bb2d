//! Model contracts are checked at load, before any run; missing and broken models are
//! states of a model set; the provider report tells what really runs. Needs the ONNX
//! Runtime library (scripts/setup.sh).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test crate: a panic is a failed test, with its message"
)]

mod infer_support;

use std::path::Path;

use sharp_viewer::infer::{
    ActionModel, DepthModel, InferError, InferOptions, ModelKind, ModelPaths, ModelSet, ModelSlot,
    PoseModel, Provider, ProviderRequest, RunCancel, runtime,
};
use sharp_viewer::mask::ResizeKind;

use infer_support::{cpu_options, model, ok};

fn contract_error(error: InferError) -> (std::path::PathBuf, String) {
    let message = error.to_string();
    match error {
        InferError::Contract { path, .. } => (path, message),
        other => panic!("expected a contract error, got: {other}"),
    }
}

#[test]
fn the_runtime_is_found_by_itself() {
    let runtime = ok(runtime());
    assert!(
        runtime.library().is_file(),
        "{}",
        runtime.library().display()
    );
}

#[test]
fn a_pose_model_with_21_heatmaps_is_refused_with_both_shapes() {
    let path = model("pose_wrong_heatmap_shape.onnx");
    let error = PoseModel::load(&path, &cpu_options()).expect_err("wrong heatmap count");
    let (error_path, message) = contract_error(error);
    assert_eq!(error_path, path);
    assert!(
        message.starts_with(&path.display().to_string()),
        "{message}"
    );
    assert!(
        message.contains(
            "output `heatmaps` has shape [1, 21, 128, 128], expected [batch, 42, 128, 128]"
        ),
        "{message}"
    );
}

#[test]
fn a_depth_model_with_a_renamed_input_is_refused() {
    let path = model("depth_wrong_input_name.onnx");
    let (_, message) =
        contract_error(DepthModel::load(&path, &cpu_options()).expect_err("bad name"));
    assert!(
        message.contains(
            "input `pixel_values` [batch, 3, 384, 384] is missing (the model's inputs are `input`)"
        ),
        "{message}"
    );
    assert!(message.contains("unexpected input `input`"), "{message}");
}

#[test]
fn an_action_model_with_a_float64_input_is_refused() {
    let path = model("action_wrong_dtype.onnx");
    let (_, message) =
        contract_error(ActionModel::load(&path, &cpu_options()).expect_err("f64 input"));
    assert!(
        message.contains("input `positions` has element type f64, expected f32"),
        "{message}"
    );
}

#[test]
fn a_model_of_another_kind_is_named_as_such() {
    let path = model("pose_tiny.onnx");
    let (_, message) = contract_error(DepthModel::load(&path, &cpu_options()).expect_err("pose"));
    assert!(
        message.contains("this is a pose model (`sharp_viewer.contract` = `pose-v1`)"),
        "{message}"
    );
}

#[test]
fn a_file_that_is_not_onnx_is_a_load_error_naming_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("depth.onnx");
    std::fs::write(&path, b"not an onnx model").expect("write");
    match DepthModel::load(&path, &cpu_options()) {
        Err(error @ InferError::Load { .. }) => {
            assert!(
                error.to_string().contains(&path.display().to_string()),
                "{error}"
            );
        }
        Err(other) => panic!("expected a load error, got: {other}"),
        Ok(_) => panic!("a text file loaded as a model"),
    }
}

#[test]
fn good_models_report_preprocessing_provider_and_timings() {
    let depth = ok(DepthModel::load(&model("depth_tiny.onnx"), &cpu_options()));
    let preprocessing = depth.preprocessing();
    assert_eq!((preprocessing.width, preprocessing.height), (384, 384));
    assert_eq!(preprocessing.resize, ResizeKind::PilBicubic);
    assert_eq!(preprocessing.mean, [0.5; 3]);
    assert_eq!(preprocessing.rescale_factor, 1.0 / 255.0);
    let info = depth.info();
    assert_eq!(info.kind, ModelKind::Depth);
    assert!(
        info.source.contains("tiny contract fixture"),
        "{}",
        info.source
    );
    assert_eq!(info.provider.requested, ProviderRequest::Cpu);
    assert_eq!(info.provider.active, Provider::Cpu);
    assert_eq!(info.provider.fallback_reason, None);
    assert!(
        info.provider
            .placement
            .iter()
            .any(|entry| entry.provider == "CPUExecutionProvider" && entry.nodes > 0),
        "{}",
        info.provider
    );
    assert!(
        info.provider
            .placement
            .iter()
            .all(|entry| entry.provider != "CUDAExecutionProvider")
    );
    assert!(info.load_time.as_nanos() > 0 && info.warm_up_time.as_nanos() > 0);

    let pose = ok(PoseModel::load(&model("pose_tiny.onnx"), &cpu_options()));
    assert_eq!(pose.preprocessing().resize, ResizeKind::Cv2Linear);
    assert_eq!(
        (pose.preprocessing().width, pose.preprocessing().height),
        (512, 512)
    );
}

/// Every run is a batch of one, so the session fixes the exports' free dimension (`batch`) to
/// one at load and ONNX Runtime folds the shape computations away. A model whose free
/// dimension has another name keeps its shape read, runs every call, and says so.
#[test]
fn the_batch_is_fixed_at_load_so_shape_reads_fold_away() {
    let mut fixed = ok(PoseModel::load(&model("pose_tiny.onnx"), &cpu_options()));
    let mut free = ok(PoseModel::load(
        &model("pose_batch_called_n.onnx"),
        &cpu_options(),
    ));
    let fixed_report = fixed.info().provider.clone();
    let free_report = free.info().provider.clone();
    assert_eq!(fixed_report.shape_reads(), 0, "{fixed_report}");
    assert_eq!(free_report.shape_reads(), 1, "{free_report}");
    assert!(
        free_report
            .to_string()
            .contains("1 shape reads run every call"),
        "{free_report}"
    );
    let nodes = |report: &sharp_viewer::infer::ProviderReport| -> usize {
        report.placement.iter().map(|entry| entry.nodes).sum()
    };
    assert!(
        nodes(&fixed_report) < nodes(&free_report),
        "{fixed_report} / {free_report}"
    );

    // The same graph either way: folding changes nothing in the results.
    let input: Vec<f32> = (0..3 * 512 * 512)
        .map(|i| (i % 251) as f32 / 251.0)
        .collect();
    let (heatmaps, z) = {
        let raw = ok(fixed.run(&input));
        (raw.heatmaps.to_vec(), raw.z_mm)
    };
    let raw = ok(free.run(&input));
    assert_eq!(raw.heatmaps, heatmaps.as_slice());
    assert_eq!(raw.z_mm, z);
}

#[test]
fn an_input_of_the_wrong_size_is_an_error_not_a_crash() {
    let mut action = ok(ActionModel::load(
        &model("action_tiny.onnx"),
        &cpu_options(),
    ));
    let mut depth = ok(DepthModel::load(&model("depth_tiny.onnx"), &cpu_options()));
    let error = depth.run(&[0.0; 10]).expect_err("too short");
    assert!(
        error
            .to_string()
            .contains("the input has 10 values, expected 442368"),
        "{error}"
    );
    // The action input is typed, so only the depth and pose models can be misfed.
    assert!(action.run(&[[0.0; 135]; 20]).is_ok());
}

#[test]
fn auto_runs_on_the_cpu_here_and_says_why() {
    let options = InferOptions {
        provider: ProviderRequest::Auto,
        ..cpu_options()
    };
    let action = ok(ActionModel::load(&model("action_tiny.onnx"), &options));
    let report = &action.info().provider;
    eprintln!("auto: {report}");
    assert_eq!(report.requested, ProviderRequest::Auto);
    // On a machine with the onnxruntime-gpu library and the `cuda` feature this is CUDA.
    if report.active == Provider::Cpu {
        let reason = report
            .fallback_reason
            .as_deref()
            .expect("a reason for not using CUDA");
        assert!(reason.contains("CUDA"), "{reason}");
    }
}

#[cfg(not(feature = "cuda"))]
#[test]
fn requesting_cuda_without_the_cuda_feature_is_a_clear_error() {
    let options = InferOptions {
        provider: ProviderRequest::Cuda,
        ..cpu_options()
    };
    let error = ActionModel::load(&model("action_tiny.onnx"), &options).expect_err("no CUDA");
    assert_eq!(error, InferError::CudaNotCompiled);
    assert!(error.to_string().contains("--features cuda"), "{error}");
}

#[cfg(feature = "cuda")]
#[test]
fn requesting_cuda_never_falls_back_silently() {
    let options = InferOptions {
        provider: ProviderRequest::Cuda,
        ..cpu_options()
    };
    match ActionModel::load(&model("action_tiny.onnx"), &options) {
        Ok(action) => assert_eq!(action.info().provider.active, Provider::Cuda),
        Err(error @ InferError::Cuda { .. }) => {
            eprintln!("explicit CUDA: {error}");
            assert!(error.to_string().contains("CUDA"), "{error}");
        }
        Err(other) => panic!("expected CUDA or a CUDA error, got: {other}"),
    }
}

#[test]
fn a_model_set_reports_ready_invalid_and_missing_models() {
    let dir = tempfile::tempdir().expect("temp dir");
    let copy = |fixture: &str, name: &str| {
        std::fs::copy(model(fixture), dir.path().join(name)).expect("copy fixture");
    };
    copy("depth_tiny.onnx", "depth.onnx");
    copy("pose_wrong_heatmap_shape.onnx", "pose.onnx");
    let set = ModelSet::load(&ModelPaths::in_folder(dir.path()), &cpu_options());
    assert!(set.depth.ready().is_some(), "{:?}", set.depth);
    match &set.pose {
        ModelSlot::Invalid { path, error } => {
            assert_eq!(path, &dir.path().join("pose.onnx"));
            assert!(error.to_string().contains("`heatmaps`"), "{error}");
        }
        other => panic!("pose should be invalid: {other:?}"),
    }
    match &set.action {
        ModelSlot::Missing {
            expected_path,
            hint,
        } => {
            assert_eq!(expected_path, &dir.path().join("action.onnx"));
            assert!(hint.contains("models/export_onnx.py"), "{hint}");
        }
        other => panic!("action should be missing: {other:?}"),
    }
    assert!(Path::new(&ModelPaths::default().depth).ends_with("models/depth.onnx"));
}

#[test]
fn a_cancelled_model_stops_until_released_and_then_runs_as_before() {
    let mut depth = ok(DepthModel::load(&model("depth_tiny.onnx"), &cpu_options()));
    let input: Vec<f32> = (0..3 * 384 * 384).map(|i| (i % 97) as f32 / 97.0).collect();
    let before = ok(depth.run(&input));
    let cancel = RunCancel::new();
    depth.set_cancel(&cancel);
    cancel.cancel();
    assert!(cancel.is_cancelled());
    match depth.run(&input) {
        Err(InferError::Cancelled { kind }) => assert_eq!(kind, ModelKind::Depth),
        other => panic!("expected a stopped run, got {:?}", other.map(|_| ())),
    }
    cancel.release();
    assert_eq!(ok(depth.run(&input)), before);
}
