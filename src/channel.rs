//! A one-slot channel where the newest item replaces an unread older one, so a slow
//! consumer always gets the latest frame and never a backlog.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use crossbeam_channel::{Receiver, RecvTimeoutError, Sender, TrySendError};

/// Creates a latest-wins channel.
pub fn latest<T>() -> (LatestSender<T>, LatestReceiver<T>) {
    let (sender, receiver) = crossbeam_channel::bounded(1);
    let replaced = Arc::new(AtomicU64::new(0));
    (
        LatestSender {
            sender,
            drain: receiver.clone(),
            replaced: Arc::clone(&replaced),
        },
        LatestReceiver { receiver, replaced },
    )
}

/// Sending half: `send` never blocks.
pub struct LatestSender<T> {
    sender: Sender<T>,
    drain: Receiver<T>,
    replaced: Arc<AtomicU64>,
}

impl<T> LatestSender<T> {
    /// Puts `item` in the slot, dropping an unread older item.
    pub fn send(&self, mut item: T) {
        loop {
            match self.sender.try_send(item) {
                Ok(()) => return,
                Err(TrySendError::Full(returned)) => {
                    if self.drain.try_recv().is_ok() {
                        self.replaced.fetch_add(1, Ordering::Relaxed);
                    }
                    item = returned;
                }
                // Unreachable while `drain` lives, but harmless: nobody can read it.
                Err(TrySendError::Disconnected(_)) => return,
            }
        }
    }
}

/// Receiving half.
pub struct LatestReceiver<T> {
    receiver: Receiver<T>,
    replaced: Arc<AtomicU64>,
}

impl<T> LatestReceiver<T> {
    /// The item in the slot, if any.
    pub fn try_recv(&self) -> Option<T> {
        self.receiver.try_recv().ok()
    }

    /// Waits up to `timeout` for an item; `Err(true)` when every sender is gone.
    pub fn recv_timeout(&self, timeout: std::time::Duration) -> Result<T, bool> {
        self.receiver
            .recv_timeout(timeout)
            .map_err(|error| error == RecvTimeoutError::Disconnected)
    }

    /// The underlying receiver, for `crossbeam_channel::select!`.
    pub fn as_receiver(&self) -> &Receiver<T> {
        &self.receiver
    }

    /// How many items were replaced before being read.
    pub fn replaced_count(&self) -> u64 {
        self.replaced.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn newest_item_replaces_an_unread_one() {
        let (sender, receiver) = latest();
        sender.send(1);
        sender.send(2);
        sender.send(3);
        assert_eq!(receiver.try_recv(), Some(3));
        assert_eq!(receiver.try_recv(), None);
        assert_eq!(receiver.replaced_count(), 2);
    }

    #[test]
    fn receiver_sees_disconnection_when_the_sender_goes() {
        let (sender, receiver) = latest::<u8>();
        drop(sender);
        assert_eq!(receiver.recv_timeout(Duration::from_millis(10)), Err(true));
    }

    #[test]
    fn a_consumer_on_another_thread_ends_with_the_last_item() {
        let (sender, receiver) = latest();
        let producer = std::thread::spawn(move || {
            for i in 0..10_000 {
                sender.send(i);
            }
        });
        let mut last = None;
        loop {
            match receiver.recv_timeout(Duration::from_secs(5)) {
                Ok(item) => last = Some(item),
                Err(true) => break,
                Err(false) => panic!("producer stalled"),
            }
        }
        producer.join().expect("producer");
        assert_eq!(last, Some(9_999));
    }
}
