//! How the scheduler treats each thread: background work must not delay requests, and
//! requests must not wait for the CPU behind anything else.

/// Lowers the calling thread's CPU priority to `niceness` (0 is the default, 19 the lowest):
/// when the cores are contended, the scheduler gives request threads the CPU whenever they
/// want it and this thread the rest, so on an idle machine the work is as fast as before.
/// The thread also gets the default time slice back, should it have inherited a request
/// thread's short one. Threads this one starts inherit both.
pub fn yield_to_requests(niceness: i32) {
    set_fair(niceness, 0);
}

/// Runs the calling thread only on CPU time nothing else wants (`SCHED_IDLE`): a request
/// thread that wakes takes its core at once. A niceness only lowers a thread's share, and
/// the scheduler (EEVDF) still lets it finish its time slice before a woken request thread
/// runs, so a GET took 3.6 ms at p99 (0.46 ms idle) while PDF pages were read at niceness
/// 10. For work that ends on its own; under load that never lets up it waits.
#[allow(unsafe_code)]
pub fn run_only_when_idle() {
    let param = libc::sched_param { sched_priority: 0 };
    // SAFETY: `param` is a valid sched_param for the call; pid 0 is the calling thread.
    let _ = unsafe { libc::sched_setscheduler(0, libc::SCHED_IDLE, &raw const param) };
}

/// The time slice asked for by threads that answer requests: the kernel's shortest.
const REQUEST_SLICE_NS: u64 = 100_000;

/// Asks for a short time slice for the calling thread (Linux 6.12+; older kernels ignore
/// it). The scheduler (EEVDF) lets a running thread finish its slice, 1.4 ms here by
/// default, before a thread that wakes takes its core, unless the woken one asked for a
/// shorter slice. Request threads wake, work for well under a millisecond and sleep again,
/// and each hand-off of a request between threads (worker, writer, blocking pool) could
/// wait behind whatever else held the core.
pub fn answer_requests_promptly() {
    set_fair(0, REQUEST_SLICE_NS);
}

/// The calling thread under the normal policy with `niceness` and a time slice of
/// `slice_ns` (0: the default). On Linux these are per thread (sched_setattr(2)).
#[allow(unsafe_code)]
fn set_fair(niceness: i32, slice_ns: u64) {
    let attr = libc::sched_attr {
        size: u32::try_from(std::mem::size_of::<libc::sched_attr>()).unwrap_or(48),
        sched_policy: u32::try_from(libc::SCHED_OTHER).unwrap_or(0),
        sched_flags: 0,
        sched_nice: niceness,
        sched_priority: 0,
        sched_runtime: slice_ns,
        sched_deadline: 0,
        sched_period: 0,
    };
    // SAFETY: `attr` is a valid, fully initialised sched_attr whose size field is its size;
    // pid 0 is the calling thread and flags must be 0.
    let _ = unsafe { libc::syscall(libc::SYS_sched_setattr, 0, &raw const attr, 0) };
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The calling thread's (slice asked for, niceness), as sched_getattr(2) reports them.
    #[allow(unsafe_code)]
    fn fair_params() -> (u64, i32) {
        let mut attr = libc::sched_attr {
            size: 0,
            sched_policy: 0,
            sched_flags: 0,
            sched_nice: 0,
            sched_priority: 0,
            sched_runtime: 0,
            sched_deadline: 0,
            sched_period: 0,
        };
        let size = u32::try_from(std::mem::size_of::<libc::sched_attr>()).unwrap();
        // SAFETY: `attr` is writable and `size` bytes long; pid 0 is the calling thread.
        let rc = unsafe { libc::syscall(libc::SYS_sched_getattr, 0, &raw mut attr, size, 0) };
        assert_eq!(rc, 0, "sched_getattr");
        (attr.sched_runtime, attr.sched_nice)
    }

    /// Linux 6.12 added time slices chosen per thread; older kernels report none.
    fn kernel_has_custom_slices() -> bool {
        let release = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap();
        let mut parts = release.trim().split(['.', '-']).map(str::parse::<u32>);
        let (Some(Ok(major)), Some(Ok(minor))) = (parts.next(), parts.next()) else {
            panic!("kernel release {release:?}");
        };
        (major, minor) >= (6, 12)
    }

    #[test]
    fn request_threads_ask_for_short_slices_and_background_threads_give_them_back() {
        let custom = kernel_has_custom_slices();
        std::thread::spawn(move || {
            answer_requests_promptly();
            let (slice, niceness) = fair_params();
            assert_eq!(niceness, 0);
            if custom {
                assert_eq!(slice, REQUEST_SLICE_NS);
            }
            // A background thread started from a request thread inherits its slice, and
            // gives it back for the default (1.4 ms here), which sched_getattr reports too.
            std::thread::spawn(move || {
                yield_to_requests(5);
                let (slice, niceness) = fair_params();
                assert_eq!(niceness, 5);
                if custom {
                    assert!(slice > REQUEST_SLICE_NS, "{slice}");
                }
            })
            .join()
            .unwrap();
        })
        .join()
        .unwrap();
    }
}
