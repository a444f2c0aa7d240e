//! Latency histograms, and the CPU and memory a process used over a phase, read from /proc.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use hdrhistogram::Histogram;

/// Latencies in microseconds, from 1 µs to one minute at 3 significant figures.
pub fn histogram() -> Histogram<u64> {
    match Histogram::new_with_bounds(1, 60_000_000, 3) {
        Ok(h) => h,
        Err(err) => unreachable!("constant histogram bounds are valid: {err}"),
    }
}

pub fn record(h: &mut Histogram<u64>, elapsed: Duration) {
    h.saturating_record(u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX));
}

/// The latency at quantile `q` (0.5, 0.99) in milliseconds.
pub fn ms(h: &Histogram<u64>, q: f64) -> f64 {
    h.value_at_quantile(q) as f64 / 1000.0
}

/// CPU seconds (user + system) a process has used so far.
fn cpu_seconds(pid: &str) -> Result<f64> {
    // utime and stime are fields 14 and 15.
    stat_seconds(pid, [11, 12])
}

/// CPU seconds (user + system) the bench's exited children have used so far: a CLI command
/// run to completion adds its own, which nothing else can read once it has exited.
pub fn children_cpu_seconds() -> Result<f64> {
    // cutime and cstime are fields 16 and 17.
    stat_seconds("self", [13, 14])
}

/// Two tick counts of /proc/<pid>/stat summed, in seconds; `wanted` count from field 3 (the
/// one after the command name).
fn stat_seconds(pid: &str, wanted: [usize; 2]) -> Result<f64> {
    let path = format!("/proc/{pid}/stat");
    let stat = std::fs::read_to_string(&path).with_context(|| format!("reading {path}"))?;
    // The command name (field 2) may hold spaces, so count fields after its closing paren.
    let after_name = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest)
        .unwrap_or_default();
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let ticks = |i: usize| -> Result<f64> {
        let field = fields.get(i).with_context(|| format!("short {path}"))?;
        Ok(field
            .parse::<u64>()
            .with_context(|| format!("{path}: {field:?}"))? as f64)
    };
    // USER_HZ is 100 on every Linux the bench targets.
    Ok((ticks(wanted[0])? + ticks(wanted[1])?) / 100.0)
}

/// CPU seconds the whole machine spent busy, summed over its cores, from /proc/stat.
fn machine_busy_seconds() -> Result<f64> {
    let stat = std::fs::read_to_string("/proc/stat").context("reading /proc/stat")?;
    let line = stat.lines().next().context("empty /proc/stat")?;
    let ticks: Vec<u64> = line
        .split_whitespace()
        .skip(1)
        .filter_map(|t| t.parse().ok())
        .collect();
    // user nice system idle iowait irq softirq steal: idle and iowait are the idle time.
    let all: u64 = ticks.iter().take(8).sum();
    let idle = ticks.get(3).copied().unwrap_or(0) + ticks.get(4).copied().unwrap_or(0);
    Ok(all.saturating_sub(idle) as f64 / 100.0)
}

/// How busy the server, the load generator and everything else were during one phase.
pub struct CpuWatch {
    /// `None` while no server runs (the baselines): then all but the bench is "others".
    server_pid: Option<String>,
    started: Instant,
    server: f64,
    bench: f64,
    machine: f64,
}

/// Percent of one core, so 200% is both cores of a 2-core machine. `others` is what the
/// rest of the machine used meanwhile (a build or test run beside the bench skews it).
#[derive(Clone)]
pub struct CpuUse {
    pub server: f64,
    pub bench: f64,
    pub others: f64,
}

impl CpuWatch {
    pub fn start(server_pid: Option<u32>) -> Result<Self> {
        let server_pid = server_pid.map(|pid| pid.to_string());
        Ok(Self {
            server: server_pid.as_deref().map_or(Ok(0.0), cpu_seconds)?,
            bench: cpu_seconds("self")?,
            machine: machine_busy_seconds()?,
            server_pid,
            started: Instant::now(),
        })
    }

    pub fn finish(&self) -> Result<CpuUse> {
        let wall = self.started.elapsed().as_secs_f64().max(1e-6);
        let percent = |now: f64, then: f64| (now - then) / wall * 100.0;
        let server_now = self.server_pid.as_deref().map_or(Ok(0.0), cpu_seconds)?;
        let server = percent(server_now, self.server);
        let bench = percent(cpu_seconds("self")?, self.bench);
        let machine = percent(machine_busy_seconds()?, self.machine);
        Ok(CpuUse {
            server,
            bench,
            others: (machine - server - bench).max(0.0),
        })
    }
}

/// Resident memory in MiB: now, at its peak, and now split into heap-like (anonymous) pages
/// and mapped files (the tantivy segments, SQLite's mmap if any, the binary itself).
pub struct Memory {
    pub rss: f64,
    pub peak: f64,
    pub anon: f64,
    pub file: f64,
}

/// Resident memory of `pid` from /proc/<pid>/status.
pub fn memory(pid: u32) -> Result<Memory> {
    let path = format!("/proc/{pid}/status");
    let status = std::fs::read_to_string(&path).with_context(|| format!("reading {path}"))?;
    let mib = |key: &str| -> Result<f64> {
        let line = status.lines().find(|l| l.starts_with(key));
        let value = line.and_then(|l| l.split_whitespace().nth(1));
        let value = value.with_context(|| format!("{key} missing from {path}"))?;
        let kib: f64 = value
            .parse()
            .with_context(|| format!("{path}: {key} {value}"))?;
        Ok(kib / 1024.0)
    };
    Ok(Memory {
        rss: mib("VmRSS:")?,
        peak: mib("VmHWM:")?,
        anon: mib("RssAnon:")?,
        file: mib("RssFile:")?,
    })
}

/// How often resident memory is sampled during a phase.
const RSS_EVERY: Duration = Duration::from_millis(100);

/// The largest resident memory of a process seen during a phase, sampled every 100 ms by a
/// task of its own (VmHWM would be the peak since start, not the phase's).
pub struct RssWatch {
    max_kib: Arc<AtomicU64>,
    sampler: tokio::task::JoinHandle<()>,
    pid: u32,
}

impl RssWatch {
    pub fn start(pid: u32) -> Self {
        let max_kib = Arc::new(AtomicU64::new(0));
        let max = Arc::clone(&max_kib);
        let sampler = tokio::spawn(async move {
            let mut tick = tokio::time::interval(RSS_EVERY);
            loop {
                tick.tick().await;
                if let Ok(memory) = memory(pid) {
                    max.fetch_max(kib(memory.rss), Ordering::Relaxed);
                }
            }
        });
        Self {
            max_kib,
            sampler,
            pid,
        }
    }

    /// The largest resident memory seen in MiB, the last sample taken now.
    pub fn finish(self) -> Result<f64> {
        self.sampler.abort();
        let now = kib(memory(self.pid)?.rss);
        Ok(self.max_kib.load(Ordering::Relaxed).max(now) as f64 / 1024.0)
    }
}

fn kib(mib: f64) -> u64 {
    (mib * 1024.0) as u64
}
