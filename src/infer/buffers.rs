//! A model's input and output tensors, allocated once at load and bound to the session, so a
//! run allocates nothing.
//!
//! Two residences:
//! - **host**: the tensors live in host memory; ONNX Runtime copies the input to the
//!   provider when it is bound and the outputs back after the run;
//! - **provider**: the bound tensors live in the provider's memory at fixed addresses (what
//!   CUDA graphs need: a captured graph replays with the same pointers), with host twins;
//!   the input is copied over before each run and the outputs back after it.

use ort::memory::{AllocationDevice, Allocator, AllocatorType, MemoryInfo, MemoryType};
use ort::session::{IoBinding, Session};
use ort::value::Tensor;

use super::contract::ModelKind;

/// An ONNX Runtime call on the bound tensors failed.
#[derive(Debug, thiserror::Error)]
#[error("{what}: {source}")]
pub(crate) struct BufferError {
    /// Which tensor or step.
    what: String,
    /// ONNX Runtime's error.
    #[source]
    source: ort::Error,
}

impl BufferError {
    /// A `map_err` adapter naming the tensor or step that failed.
    fn ort(what: impl Into<String>) -> impl FnOnce(ort::Error) -> Self {
        let what = what.into();
        move |source| Self { what, source }
    }
}

/// Where the bound tensors live.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Residence {
    /// Host memory; ONNX Runtime copies at bind and run time.
    Host,
    /// The provider's own memory (`AllocationDevice::CUDA` for CUDA graphs), copied
    /// explicitly before and after each run.
    Provider(AllocationDevice<'static>),
}

/// The provider-memory tensors bound to the session in the [`Residence::Provider`] case.
struct ProviderTensors {
    input: Tensor<f32>,
    outputs: Vec<Tensor<f32>>,
}

/// The I/O binding of one session with its input and output tensors, in contract order.
pub(crate) struct BoundBuffers {
    binding: IoBinding,
    input_name: &'static str,
    host_input: Tensor<f32>,
    host_outputs: Vec<Tensor<f32>>,
    provider: Option<ProviderTensors>,
}

impl BoundBuffers {
    /// Allocates the tensors of a batch of one for `kind` and binds them to `session`.
    /// (CUDA's page-locked host allocator would spare a staging copy, but onnxruntime-gpu
    /// 1.31 fails such bound outputs with "dst_data != src_data", so host tensors use the
    /// default allocator.)
    pub fn new(
        kind: ModelKind,
        session: &Session,
        residence: Residence,
    ) -> Result<Self, BufferError> {
        let spec = kind.spec();
        let host = Allocator::default();
        let mut binding = session
            .create_binding()
            .map_err(BufferError::ort("could not create the I/O binding"))?;
        let host_input = Tensor::<f32>::new(&host, spec.inputs[0].batch_of_one())
            .map_err(BufferError::ort("input"))?;
        let mut host_outputs = Vec::with_capacity(spec.outputs.len());
        for output in spec.outputs {
            host_outputs.push(
                Tensor::<f32>::new(&host, output.batch_of_one())
                    .map_err(BufferError::ort(format!("output `{}`", output.name)))?,
            );
        }
        let provider = match residence {
            Residence::Host => {
                for (output, tensor) in spec.outputs.iter().zip(&mut host_outputs) {
                    binding
                        .bind_output(output.name, tensor)
                        .map_err(BufferError::ort(format!("output `{}`", output.name)))?;
                }
                None
            }
            Residence::Provider(device) => {
                let device_name = device.as_str().to_owned();
                let memory = MemoryInfo::new(device, 0, AllocatorType::Device, MemoryType::Default)
                    .map_err(BufferError::ort(format!("{device_name} memory")))?;
                let allocator = Allocator::new(session, memory)
                    .map_err(BufferError::ort(format!("no {device_name} allocator")))?;
                let input = Tensor::<f32>::new(&allocator, spec.inputs[0].batch_of_one())
                    .map_err(BufferError::ort("provider input"))?;
                binding
                    .bind_input(spec.inputs[0].name, &input)
                    .map_err(BufferError::ort(format!("input `{}`", spec.inputs[0].name)))?;
                let mut outputs = Vec::with_capacity(spec.outputs.len());
                for output in spec.outputs {
                    let mut tensor = Tensor::<f32>::new(&allocator, output.batch_of_one())
                        .map_err(BufferError::ort(format!("output `{}`", output.name)))?;
                    binding
                        .bind_output(output.name, &mut tensor)
                        .map_err(BufferError::ort(format!("output `{}`", output.name)))?;
                    outputs.push(tensor);
                }
                Some(ProviderTensors { input, outputs })
            }
        };
        Ok(Self {
            binding,
            input_name: spec.inputs[0].name,
            host_input,
            host_outputs,
            provider,
        })
    }

    /// Puts `input` (already checked to have the contract's size) where the next run reads
    /// it.
    pub fn stage_input(&mut self, input: &[f32]) -> Result<(), BufferError> {
        self.host_input
            .extract_tensor_mut()
            .1
            .copy_from_slice(input);
        match &mut self.provider {
            // Bound again each run: binding is when ONNX Runtime copies a host input to the
            // provider.
            None => self
                .binding
                .bind_input(self.input_name, &self.host_input)
                .map_err(BufferError::ort("could not bind the input")),
            Some(provider) => self
                .host_input
                .copy_into(&mut provider.input)
                .map_err(BufferError::ort("could not copy the input to the provider")),
        }
    }

    /// The binding a run uses.
    pub fn binding(&self) -> &IoBinding {
        &self.binding
    }

    /// After a run: the outputs in host memory, in contract order.
    pub fn collect_outputs(&mut self) -> Result<&[Tensor<f32>], BufferError> {
        if let Some(provider) = &self.provider {
            for (index, (from, to)) in provider
                .outputs
                .iter()
                .zip(&mut self.host_outputs)
                .enumerate()
            {
                from.copy_into(to).map_err(BufferError::ort(format!(
                    "could not copy output {index} back"
                )))?;
            }
        }
        Ok(&self.host_outputs)
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::infer::providers::{InferOptions, ProviderRequest, create_session};

    /// The pose fixture's session with buffers in `residence`.
    fn pose_session(residence: Residence) -> (Session, BoundBuffers) {
        let path =
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/models/pose_tiny.onnx");
        let options = InferOptions {
            provider: ProviderRequest::Cpu,
            ..InferOptions::default()
        };
        let (session, _) = create_session(&path, &options).expect("fixture loads");
        let buffers = BoundBuffers::new(ModelKind::Pose, &session, residence).expect("buffers");
        (session, buffers)
    }

    fn run(session: &mut Session, buffers: &mut BoundBuffers, input: &[f32]) -> Vec<f32> {
        buffers.stage_input(input).expect("stage");
        session.run_binding(buffers.binding()).expect("run");
        let outputs = buffers.collect_outputs().expect("collect");
        outputs
            .iter()
            .flat_map(|tensor| tensor.extract_tensor().1.to_vec())
            .collect()
    }

    /// Provider-resident buffers (in CPU memory here, as CUDA graphs use them in GPU memory)
    /// give exactly the results of host-bound ones, run after run: the input really is
    /// copied over before each run and every output back after it.
    #[test]
    fn provider_resident_buffers_carry_input_and_outputs_like_host_ones() {
        let (mut host_session, mut host) = pose_session(Residence::Host);
        let (mut resident_session, mut resident) =
            pose_session(Residence::Provider(AllocationDevice::CPU));
        let size = ModelKind::Pose.spec().inputs[0].len();
        let mut previous: Option<Vec<f32>> = None;
        for seed in [1usize, 7, 31] {
            let input: Vec<f32> = (0..size).map(|i| ((i * seed) % 97) as f32 / 97.0).collect();
            let expected = run(&mut host_session, &mut host, &input);
            let found = run(&mut resident_session, &mut resident, &input);
            assert!(expected.iter().any(|&value| value != 0.0));
            assert_eq!(found, expected, "seed {seed}");
            assert_ne!(
                previous.as_ref(),
                Some(&found),
                "seed {seed}: stale outputs"
            );
            previous = Some(found);
        }
    }
}
