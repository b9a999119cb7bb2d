//! The single sink for every asynchronous wgpu failure: uncaptured errors and device loss.

use std::sync::{Arc, Mutex, PoisonError};

use super::error::GpuError;

/// The first failure reported by wgpu for one device, shared with its callbacks. Once
/// set it stays set: the device is no longer used.
#[derive(Clone, Debug, Default)]
pub(crate) struct Fault(Arc<Mutex<Option<String>>>);

impl Fault {
    /// Installs this sink as `device`'s uncaptured-error handler and device-lost callback.
    pub(crate) fn watch(&self, device: &wgpu::Device) {
        let errors = self.clone();
        device.on_uncaptured_error(Arc::new(move |error: wgpu::Error| {
            errors.record(format!("wgpu error: {error}"));
        }));
        let lost = self.clone();
        device.set_device_lost_callback(move |reason, message| {
            let detail = if message.is_empty() {
                String::new()
            } else {
                format!(": {message}")
            };
            lost.record(format!("GPU device lost ({reason:?}){detail}"));
        });
    }

    /// Records `message` unless a failure is already recorded.
    pub(crate) fn record(&self, message: String) {
        let mut slot = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if slot.is_none() {
            tracing::error!("GPU masking: {message}");
            *slot = Some(message);
        }
    }

    /// `Err` with the recorded failure, if any.
    pub(crate) fn check(&self) -> Result<(), GpuError> {
        let slot = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        match slot.as_ref() {
            Some(message) => Err(GpuError::Fault(message.clone())),
            None => Ok(()),
        }
    }
}
