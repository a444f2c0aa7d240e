//! Background work that must not delay requests runs at a lower CPU priority.

/// Runs the calling thread, and the threads it starts, only on CPU time nothing else wants
/// (`SCHED_IDLE`), because a niceness only lowers a thread's share and the scheduler still
/// lets it finish its time slice before a woken request thread runs. Under load that never
/// leaves a core idle the work waits: it gets a token share only.
#[allow(unsafe_code)]
pub fn run_only_when_idle() {
    let param = libc::sched_param { sched_priority: 0 };
    // SAFETY: `param` is a valid sched_param for the call; pid 0 is the calling thread.
    let _ = unsafe { libc::sched_setscheduler(0, libc::SCHED_IDLE, &raw const param) };
}
