//! Background work that must not delay requests runs at a lower CPU priority.

/// Lowers the calling thread's CPU priority to `niceness` (0 is the default, 19 the lowest):
/// when the cores are contended, the scheduler gives request threads the CPU whenever they
/// want it and this thread the rest, so on an idle machine the work is as fast as before.
/// On Linux the niceness is per thread (setpriority(2), NPTL), and threads this one starts
/// inherit it.
#[allow(unsafe_code)]
pub fn yield_to_requests(niceness: i32) {
    // SAFETY: setpriority takes no pointers; `who` 0 is the calling thread.
    let _ = unsafe { libc::setpriority(libc::PRIO_PROCESS, 0, niceness) };
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
