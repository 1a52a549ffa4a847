//! Work of a capture or an export on a thread of its own: its CPU work (drawing a frame,
//! rasterising, encoding) neither takes a slot of the async compute pool, where live
//! layers evaluate, nor of the I/O pool, where scenes and shaders load and files are
//! written. The future it returns waits without holding a thread.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

/// The result slot shared by the thread and the future.
type Slot<T> = Arc<Mutex<(Option<T>, Option<Waker>)>>;

/// Runs `work` on a new thread; the future resolves to its result.
pub(super) fn offload<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> impl Future<Output = T> {
    let slot: Slot<T> = Arc::new(Mutex::new((None, None)));
    let theirs = Arc::clone(&slot);
    let spawned = std::thread::Builder::new()
        .name("graft capture".into())
        .spawn(move || {
            let value = work();
            let mut s = theirs.lock().unwrap_or_else(|e| e.into_inner());
            s.0 = Some(value);
            if let Some(waker) = s.1.take() {
                waker.wake();
            }
        });
    Offloaded {
        slot,
        failed: spawned.is_err(),
    }
}

struct Offloaded<T> {
    slot: Slot<T>,
    /// The thread could not be started: the future never resolves on its own, so it
    /// panics instead of hanging (the caller's task reports the failure).
    failed: bool,
}

impl<T> Future for Offloaded<T> {
    type Output = T;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        assert!(!self.failed, "the system refused a new thread");
        let mut s = self.slot.lock().unwrap_or_else(|e| e.into_inner());
        match s.0.take() {
            Some(value) => Poll::Ready(value),
            None => {
                s.1 = Some(cx.waker().clone());
                Poll::Pending
            }
        }
    }
}
