//! Running PDF libraries safely: panics become errors and time is bounded.
//!
//! pdf-extract and lopdf panic on some inputs (unsupported encodings,
//! `expect` on malformed objects). A panic must not take the batch down, and
//! its message must not be printed by the default hook as if the program had
//! crashed. Extraction also runs in a worker thread so that a pathological
//! file can be abandoned after a time limit.

use super::IngestError;
use std::any::Any;
use std::cell::Cell;
use std::panic::{self, AssertUnwindSafe};
use std::sync::{mpsc, Once};
use std::thread;
use std::time::Duration;

thread_local! {
    /// Set while this thread runs code whose panics are caught and reported as values.
    static QUIET: Cell<bool> = const { Cell::new(false) };
}

static INSTALL_HOOK: Once = Once::new();

/// Installs, once per process, a panic hook that stays silent on threads that
/// set [`QUIET`] and defers to the previous hook everywhere else, so panics in
/// unrelated threads are still reported normally.
fn install_quiet_hook() {
    INSTALL_HOOK.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if !QUIET.with(Cell::get) {
                previous(info);
            }
        }));
    });
}

/// Runs `f`, turning a panic into `IngestError::Pdf` with the panic message.
/// The default panic output is suppressed for this call only.
pub fn catch_quietly<T>(f: impl FnOnce() -> Result<T, IngestError>) -> Result<T, IngestError> {
    install_quiet_hook();
    let was_quiet = QUIET.with(|q| q.replace(true));
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    QUIET.with(|q| q.set(was_quiet));
    result.unwrap_or_else(|payload| {
        Err(IngestError::Pdf(format!(
            "PDF library panicked: {}",
            panic_message(&payload)
        )))
    })
}

fn panic_message(payload: &Box<dyn Any + Send>) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic".to_string()
    }
}

/// Runs `f` on a worker thread and waits at most `limit` for it (no limit if
/// `limit` is zero).
///
/// Rust threads cannot be killed: on timeout the worker is left running
/// (leaked) until it finishes on its own, and its result is dropped. A batch
/// run therefore keeps making progress, at the cost of one busy core per
/// abandoned file until that file's extraction ends.
pub fn run_with_limit<T, F>(limit: Duration, f: F) -> Result<T, IngestError>
where
    T: Send + 'static,
    F: FnOnce() -> Result<T, IngestError> + Send + 'static,
{
    let (tx, rx) = mpsc::sync_channel(1);
    let spawned = thread::Builder::new()
        .name("nianbao-pdf".to_string())
        // lopdf and pdf-extract recurse into nested objects and forms.
        .stack_size(16 * 1024 * 1024)
        .spawn(move || {
            // lopdf is built without its rayon feature: nothing here uses the
            // global pool, whose worker (the caller) is blocked below.
            let result = catch_quietly(f);
            // The receiver may be gone after a timeout; nothing to do then.
            let _ = tx.send(result);
        });
    if let Err(e) = spawned {
        return Err(IngestError::Io(format!("cannot start PDF worker: {e}")));
    }
    let received = if limit.is_zero() {
        rx.recv().map_err(|_| mpsc::RecvTimeoutError::Disconnected)
    } else {
        rx.recv_timeout(limit)
    };
    match received {
        Ok(result) => result,
        Err(mpsc::RecvTimeoutError::Timeout) => Err(IngestError::Timeout(limit.as_secs())),
        Err(mpsc::RecvTimeoutError::Disconnected) => {
            Err(IngestError::Pdf("PDF worker thread stopped".to_string()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panic_becomes_error() {
        let r: Result<(), _> = catch_quietly(|| panic!("unsupported encoding GBK-EUC-H"));
        assert_eq!(
            r,
            Err(IngestError::Pdf(
                "PDF library panicked: unsupported encoding GBK-EUC-H".to_string()
            ))
        );
        assert!(!QUIET.with(Cell::get));
    }

    #[test]
    fn worker_result_and_timeout() {
        let ok = run_with_limit(Duration::from_secs(5), || Ok(7));
        assert_eq!(ok, Ok(7));
        let slow = run_with_limit(Duration::from_millis(50), || {
            thread::sleep(Duration::from_millis(500));
            Ok(())
        });
        assert_eq!(slow, Err(IngestError::Timeout(0)));
        let boom: Result<(), _> = run_with_limit(Duration::ZERO, || panic!("boom"));
        assert!(matches!(boom, Err(IngestError::Pdf(m)) if m.ends_with("boom")));
    }
}
