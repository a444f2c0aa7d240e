//! What the run found, as the printed report: a header naming the machine, one row per
//! figure, and notes with the evidence needed to read a miss (CPU use, memory split, errors).

use hdrhistogram::Histogram;

use crate::report::{self, Row, Unit};
use crate::stats::{self, CpuUse, ms};
use crate::{Baselines, Budget, Ours};

pub fn render(budget: &Budget, ours: &Ours, base: &Baselines) -> String {
    report::render(
        &header(budget, ours.leads_at_restart),
        &rows(ours, base),
        &notes(ours, base, budget),
    )
}

fn rows(ours: &Ours, base: &Baselines) -> Vec<Row> {
    let mut rows = create_rows(ours, base);
    rows.extend(read_rows(ours, base));
    rows.extend([
        Row::new("idle RSS", ours.memory.rss, Unit::MiB).target(40.0),
        Row::new("peak RSS (VmHWM)", ours.memory.peak, Unit::MiB),
        Row::new(
            "ready time after restart",
            ours.ready_in.as_secs_f64() * 1000.0,
            Unit::Ms,
        )
        .target(300.0),
    ]);
    rows
}

fn create_rows(ours: &Ours, base: &Baselines) -> Vec<Row> {
    let creates = &ours.creates.value;
    let fresh = &ours.freshness.value.latency;
    let per_row = &base.per_row.commit_latency;
    vec![
        Row::new(
            "preload creates (64 clients)",
            ours.preload.per_second(),
            Unit::PerSecond,
        ),
        Row::new(
            "create throughput (32 clients)",
            creates.per_second(),
            Unit::PerSecond,
        )
        .target(4_000.0)
        .baseline(base.grouped.per_second, "SQLite, 32 rows/commit"),
        Row::new(
            "create throughput vs one commit per row",
            creates.per_second(),
            Unit::PerSecond,
        )
        .baseline(base.per_row.per_second, "SQLite, 1 row/commit"),
        Row::new("create latency p50", ms(&creates.latency, 0.5), Unit::Ms)
            .baseline(ms(per_row, 0.5), "SQLite 1-row commit"),
        Row::new("create latency p99", ms(&creates.latency, 0.99), Unit::Ms)
            .target(25.0)
            .baseline(ms(per_row, 0.99), "SQLite 1-row commit"),
        Row::new(
            "search freshness p50 (4,000 creates/s)",
            ms(fresh, 0.5),
            Unit::Ms,
        ),
        Row::new(
            "search freshness p99 (4,000 creates/s)",
            ms(fresh, 0.99),
            Unit::Ms,
        )
        .target(100.0),
    ]
}

fn read_rows(ours: &Ours, base: &Baselines) -> Vec<Row> {
    let reads = &ours.reads;
    let searched = merged(reads.search.value.iter().map(|(_, o)| &o.latency));
    let baseline = merged(base.search.iter().map(|b| &b.latency));
    vec![
        Row::new(
            "GET /api/leads/{id} p99",
            ms(&reads.by_id.value.latency, 0.99),
            Unit::Ms,
        )
        .target(5.0),
        Row::new(
            "GET /api/leads (limit 50) p99",
            ms(&reads.list.value.latency, 0.99),
            Unit::Ms,
        )
        .target(10.0),
        Row::new("GET /api/leads?q= p50", ms(&searched, 0.5), Unit::Ms)
            .baseline(ms(&baseline, 0.5), "tantivy"),
        Row::new("GET /api/leads?q= p99", ms(&searched, 0.99), Unit::Ms)
            .target(15.0)
            .baseline(ms(&baseline, 0.99), "tantivy"),
    ]
}

fn merged<'a>(parts: impl Iterator<Item = &'a Histogram<u64>>) -> Histogram<u64> {
    let mut all = stats::histogram();
    for part in parts {
        // Same bounds everywhere (stats::histogram), so adding cannot fail.
        let _ = all.add(part);
    }
    all
}

fn notes(ours: &Ours, base: &Baselines, budget: &Budget) -> Vec<String> {
    let fresh = &ours.freshness.value;
    let mut notes = vec![
        format!(
            "Search freshness: {} probes, {} not found within 2 s (counted as 2 s); the paced background load achieved {:.0} creates/s.",
            fresh.latency.len(),
            fresh.misses,
            fresh.background.per_second()
        ),
        format!(
            "Search p99 by query, ours / raw tantivy (hits of {} leads): {}.",
            budget.leads,
            by_query(ours, base)
        ),
        format!(
            "Idle RSS {:.1} MiB = {:.1} MiB anonymous (heap, stacks) + {:.1} MiB file-backed (mapped index segments, the binary).",
            ours.memory.rss, ours.memory.anon, ours.memory.file
        ),
        cpu_note("sustained creates", &ours.creates.cpu),
        cpu_note("search freshness", &ours.freshness.cpu),
        cpu_note("GET /api/leads/{id}", &ours.reads.by_id.cpu),
        cpu_note("GET /api/leads", &ours.reads.list.cpu),
        cpu_note("GET /api/leads?q=", &ours.reads.search.cpu),
        format!(
            "Baselines: raw rusqlite inserts the lead row alone (the server also writes its search change-log and outbox rows) into a fresh database with the server's schema, WAL and synchronous=FULL, for {:.1} s each; raw tantivy indexes the same leads in one commit and answers the same searches (same analyzer and query shape) from the same number of threads as our HTTP clients, reading ids from stored fields, without HTTP or SQLite.",
            budget.baseline_for.as_secs_f64()
        ),
        format!(
            "Ready time: the server restarted on the same data dir, then holding about {} leads (every lead the bench created).",
            ours.leads_at_restart
        ),
    ];
    notes.extend(errors(ours));
    notes
}

fn by_query(ours: &Ours, base: &Baselines) -> String {
    let parts = ours
        .reads
        .search
        .value
        .iter()
        .zip(&base.search)
        .map(|((q, outcome), baseline)| {
            format!(
                "`{q}` {:.1} / {:.1} ms ({} hits)",
                ms(&outcome.latency, 0.99),
                ms(&baseline.latency, 0.99),
                baseline.hits
            )
        });
    parts.collect::<Vec<_>>().join(", ")
}

/// One line per phase that saw failed requests, with the first failure.
fn errors(ours: &Ours) -> Vec<String> {
    let fresh = &ours.freshness.value;
    let mut phases = vec![
        ("preload".to_owned(), &ours.preload),
        ("sustained creates".to_owned(), &ours.creates.value),
        ("GET by id".to_owned(), &ours.reads.by_id.value),
        ("list".to_owned(), &ours.reads.list.value),
        ("background load".to_owned(), &fresh.background),
    ];
    phases.extend(
        ours.reads
            .search
            .value
            .iter()
            .map(|(q, o)| (format!("search `{q}`"), o)),
    );
    let mut lines: Vec<String> = phases
        .into_iter()
        .filter_map(|(name, o)| {
            o.first_error
                .as_ref()
                .map(|err| format!("{name}: {} errors; first: {err}", o.errors))
        })
        .collect();
    if let Some(err) = &fresh.first_error {
        lines.push(format!("search freshness: first miss or error: {err}"));
    }
    lines
}

fn cpu_note(phase: &str, cpu: &CpuUse) -> String {
    let cores = cores();
    format!(
        "CPU during {phase}: server {:.0}%, bench {:.0}%, other processes {:.0}% (of {}% on {cores} cores).",
        cpu.server,
        cpu.bench,
        cpu.others,
        cores * 100
    )
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

fn header(budget: &Budget, leads_at_end: u64) -> String {
    let date = std::process::Command::new("date")
        .args(["-u", "+%Y-%m-%d %H:%M UTC"])
        .output()
        .ok()
        .and_then(|out| String::from_utf8(out.stdout).ok())
        .map_or_else(|| "date unknown".to_owned(), |d| d.trim().to_owned());
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            let line = info
                .lines()
                .find(|l| l.starts_with("model name"))?
                .to_owned();
            Some(line.split_once(':')?.1.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".to_owned());
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let load: Vec<&str> = load.split_whitespace().take(3).collect();
    let mode = if budget.quick { ", --quick" } else { "" };
    format!(
        "**Synaptiq bench** — {date} — nproc {} ({cpu}), load average {} at the end — {} leads preloaded, {leads_at_end} at the end{mode}",
        cores(),
        load.join(" "),
        budget.leads
    )
}
