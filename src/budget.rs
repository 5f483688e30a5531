//! One work budget per report, shared by every search that can blow up on
//! hostile input (the glued-digit split search and the joint resolution across
//! rows in `map`).
//!
//! Two limits, checked together by [`spend`]:
//!
//! - **search nodes** — deterministic: the same input always stops at the same
//!   place, so a report cut short by this limit still comes out byte-identical
//!   on every run and every thread count, with a finding saying what was not
//!   enumerated;
//! - **a deadline** — the per-file time limit (`--timeout`), for the in-process
//!   path (the library, `--in-process`); the report then becomes
//!   `status=error` ("timed out"). Worker processes are also killed by their
//!   parent at the same limit, which covers code that never calls [`spend`].
//!
//! The budget is installed for the current thread by [`run`] (the pipeline does
//! this for every report), so the searches deep in `map` need no extra
//! parameter. With no budget installed (a unit test calling a search directly)
//! [`spend`] never refuses; each search still has its own cap.

use std::cell::RefCell;
use std::time::{Duration, Instant};

/// Search nodes one report may spend in all its searches together. A node is
/// one candidate value tried (digit split) or one combination of readings
/// evaluated (joint resolution). Every report of both corpora needs under
/// 1,000. 2,000,000 is what one glued run could spend before (so any single run
/// that was read before is read now) and about four seconds of search in a
/// release build, so a hostile report (every table-3 row a long run of glued
/// digits: 51 s before) ends with `ambiguous_split` findings within that time.
pub const NODES_PER_REPORT: u64 = 2_000_000;

/// How often (in nodes) the clock is read: reading it on every node would cost
/// more than the search step itself.
const CLOCK_EVERY: u64 = 4096;

#[derive(Debug)]
struct State {
    nodes_left: u64,
    deadline: Option<Instant>,
    /// Set once the node limit ran out.
    exhausted: bool,
    /// Set once the deadline passed.
    timed_out: bool,
    since_clock: u64,
}

thread_local! {
    static CURRENT: RefCell<Option<State>> = const { RefCell::new(None) };
}

/// How a report's budget ended.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Outcome {
    /// Some search stopped because the node limit ran out.
    pub exhausted: bool,
    /// The deadline passed.
    pub timed_out: bool,
}

/// Runs `f` with a fresh budget of `nodes` search nodes and, when `limit` is not
/// zero, a deadline `limit` from now. Nested calls keep the outer budget.
pub fn run<R>(nodes: u64, limit: Duration, f: impl FnOnce() -> R) -> (R, Outcome) {
    let installed = CURRENT.with(|c| {
        let mut c = c.borrow_mut();
        if c.is_some() {
            return false;
        }
        *c = Some(State {
            nodes_left: nodes,
            deadline: (!limit.is_zero()).then(|| Instant::now() + limit),
            exhausted: false,
            timed_out: false,
            since_clock: 0,
        });
        true
    });
    // Uninstall even if `f` panics (the caller catches panics per report).
    struct Uninstall(bool);
    impl Drop for Uninstall {
        fn drop(&mut self) {
            if self.0 {
                CURRENT.with(|c| c.borrow_mut().take());
            }
        }
    }
    let guard = Uninstall(installed);
    let r = f();
    let outcome = CURRENT.with(|c| {
        c.borrow().as_ref().map_or(Outcome::default(), |s| Outcome {
            exhausted: s.exhausted,
            timed_out: s.timed_out,
        })
    });
    drop(guard);
    (r, outcome)
}

/// Takes `n` nodes from the current budget; false when it has run out (of nodes
/// or of time), and from then on for the rest of the report.
pub fn spend(n: u64) -> bool {
    CURRENT.with(|c| {
        let mut c = c.borrow_mut();
        let Some(s) = c.as_mut() else { return true };
        if s.exhausted || s.timed_out {
            return false;
        }
        if s.nodes_left < n {
            s.nodes_left = 0;
            s.exhausted = true;
            return false;
        }
        s.nodes_left -= n;
        s.since_clock += n;
        if s.since_clock >= CLOCK_EVERY {
            s.since_clock = 0;
            if s.deadline.is_some_and(|d| Instant::now() >= d) {
                s.timed_out = true;
                return false;
            }
        }
        true
    })
}

/// Whether the current report's time is up (checked now). Stages that do not
/// search call this between steps.
pub fn timed_out() -> bool {
    CURRENT.with(|c| {
        let mut c = c.borrow_mut();
        let Some(s) = c.as_mut() else { return false };
        if !s.timed_out && s.deadline.is_some_and(|d| Instant::now() >= d) {
            s.timed_out = true;
        }
        s.timed_out
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nodes_run_out_for_the_whole_report() {
        let (spent, out) = run(10, Duration::ZERO, || {
            let a = (0..6).filter(|_| spend(1)).count();
            let b = (0..6).filter(|_| spend(1)).count();
            (a, b)
        });
        assert_eq!(spent, (6, 4));
        assert_eq!(
            out,
            Outcome {
                exhausted: true,
                timed_out: false
            }
        );
        // Outside a budget nothing is limited, and the next report starts fresh.
        assert!(spend(1_000_000_000));
        let (_, out) = run(10, Duration::ZERO, || spend(5));
        assert_eq!(out, Outcome::default());
    }

    #[test]
    fn deadline_stops_searches() {
        let (n, out) = run(u64::MAX, Duration::from_millis(20), || {
            let mut n = 0u64;
            while spend(1) {
                n += 1;
                if n.is_multiple_of(CLOCK_EVERY) {
                    std::thread::sleep(Duration::from_millis(1));
                }
            }
            n
        });
        assert!(n > 0);
        assert!(out.timed_out && !out.exhausted);
    }
}
