//! Issue #11's growth series: the lead figures at 10,000, 100,000 and 1,000,000 leads in
//! the measured tenant (1,000 / 10,000 / 100,000 with `--quick`), on one server whose data
//! dir grows between the stages (each stage seeds only the difference, across the three
//! tenants as the main run does), printed as a table of each figure per stage and how much
//! it grew per 10× leads.

use std::fmt::Write as _;
use std::time::Duration;

use anyhow::Result;
use serde_json::{Value, json};

use crate::args::Budget;
use crate::client;
use crate::load::Outcome;
use crate::phases::{self, Measured, Seqs, observe};
use crate::report::{Unit, thousands};
use crate::results::Machine;
use crate::seed::{self, Tenants};
use crate::server::{self, Launcher};
use crate::stats::{self, ms};
use crate::{Reads, measure_reads};

const STAGES: [u64; 3] = [10_000, 100_000, 1_000_000];
const QUICK_STAGES: [u64; 3] = [1_000, 10_000, 100_000];

pub struct Stage {
    /// Leads in the measured tenant when the stage was measured.
    pub leads: u64,
    pub seed: Outcome,
    pub reads: Reads,
    pub creates: Measured<Outcome>,
    /// After `phases::IDLE` without requests.
    pub idle: stats::Memory,
    /// Restart on this stage's data dir until /api/health answers.
    pub ready_in: Duration,
}

pub async fn run(launcher: &Launcher, budget: &Budget) -> Result<Vec<Stage>> {
    let http = client::http()?;
    let mut server = launcher.start(&http).await?;
    let mut tenants = Tenants::create(launcher, &http, &server.url).await?;
    let seqs = Seqs::default();
    let mut ids = Vec::new();
    // Leads the measured tenant holds: the seeded ones and each stage's creates.
    let mut held = 0;
    let mut stages = Vec::with_capacity(STAGES.len());
    for leads in if budget.quick { QUICK_STAGES } else { STAGES } {
        eprintln!(
            "bench: growth: seeding up to {} leads…",
            thousands(leads as f64)
        );
        let seeded = seed::leads(&tenants, &seqs, leads.saturating_sub(held)).await?;
        held += seeded.ids.len() as u64;
        ids.extend(seeded.ids);
        let stage_leads = held;
        eprintln!("bench: growth: reads at {} leads…", thousands(held as f64));
        let reads = measure_reads(tenants.main(), server.pid, &ids, budget.reads).await?;
        let creates = phases::sustained_creates(tenants.main(), &seqs, budget.creates_for);
        let creates = observe(server.pid, creates).await?;
        held += creates.value.ok;
        tokio::time::sleep(phases::IDLE).await;
        let idle = server.memory()?;
        server.stop().await?;
        let (ready_in, restarted) = launcher.restart(&http).await?;
        server = restarted;
        tenants = tenants.at(&server.url);
        stages.push(Stage {
            leads: stage_leads,
            seed: seeded.outcome,
            reads,
            creates,
            idle,
            ready_in,
        });
    }
    server.stop().await?;
    Ok(stages)
}

/// One figure per stage: its name, unit and value; `None` where the stage had nothing to
/// measure (no seeding when the stage before, with its creates, already held enough leads).
fn figures(stage: &Stage) -> Vec<(String, Unit, Option<f64>)> {
    let r = &stage.reads;
    let n = phases::read_clients();
    let merged = |runs: &[(&'static str, Outcome)]| {
        let mut all = stats::histogram();
        for (_, o) in runs {
            // Same bounds everywhere (stats::histogram), so adding cannot fail.
            let _ = all.add(&o.latency);
        }
        ms(&all, 0.99)
    };
    let slowest = r
        .analytics
        .value
        .iter()
        .map(|(_, o)| ms(&o.latency, 0.99))
        .fold(0.0, f64::max);
    let seeded = (stage.seed.ok > 0).then(|| stage.seed.per_second());
    let figures = vec![
        (
            "create throughput (32 clients)".to_owned(),
            Unit::PerSecond,
            stage.creates.value.per_second(),
        ),
        (
            "create p99 (32 clients)".to_owned(),
            Unit::Ms,
            ms(&stage.creates.value.latency, 0.99),
        ),
        (
            format!("GET /api/leads/{{id}} p99 ({n} clients)"),
            Unit::Ms,
            ms(&r.by_id.value.latency, 0.99),
        ),
        (
            format!("GET /api/leads (limit 50) p99 ({n} clients)"),
            Unit::Ms,
            ms(&r.list.value.latency, 0.99),
        ),
        (
            format!("GET /api/leads?q= p99 ({n} clients)"),
            Unit::Ms,
            merged(&r.search.value),
        ),
        (
            format!("analytics p99, slowest endpoint ({n} clients)"),
            Unit::Ms,
            slowest,
        ),
        ("idle RSS".to_owned(), Unit::MiB, stage.idle.rss),
        (
            "idle RSS, anonymous (heap)".to_owned(),
            Unit::MiB,
            stage.idle.anon,
        ),
        (
            format!("ready after restart (median of {})", server::RESTARTS),
            Unit::Ms,
            stage.ready_in.as_secs_f64() * 1000.0,
        ),
    ];
    std::iter::once((
        "seed creates (64 clients)".to_owned(),
        Unit::PerSecond,
        seeded,
    ))
    .chain(
        figures
            .into_iter()
            .map(|(name, unit, value)| (name, unit, Some(value))),
    )
    .collect()
}

/// The growth table: each figure at each stage, and the factor between consecutive stages.
pub fn render(stages: &[Stage], machine: &Machine) -> String {
    let mut out = format!(
        "**Synaptiq bench, growth** — {} — {}\n\n| figure |",
        machine.date,
        machine.describe()
    );
    for stage in stages {
        let _ = write!(out, " {} leads |", thousands(stage.leads as f64));
    }
    for pair in stages.windows(2) {
        let _ = write!(out, " {}→{} |", short(pair[0].leads), short(pair[1].leads));
    }
    let columns = 1 + stages.len() + stages.len().saturating_sub(1);
    let _ = write!(out, "\n|{}\n", "---|".repeat(columns));
    let table: Vec<Vec<(String, Unit, Option<f64>)>> = stages.iter().map(figures).collect();
    for (i, (name, unit, _)) in table.first().into_iter().flatten().enumerate() {
        let _ = write!(out, "| {name} |");
        for figures in &table {
            let shown = figures[i]
                .2
                .map_or_else(|| "—".to_owned(), |v| unit.format(v));
            let _ = write!(out, " {shown} |");
        }
        for pair in table.windows(2) {
            let factor = match (pair[0][i].2, pair[1][i].2) {
                (Some(before), Some(after)) => format!("×{:.2}", after / before),
                _ => "—".to_owned(),
            };
            let _ = write!(out, " {factor} |");
        }
        out.push('\n');
    }
    out.push_str(
        "\nEach stage adds leads to the same data dir (the measured tenant's count is shown; the two other tenants hold a tenth as many each) and measures reads, then 32-client creates, then idle memory after 12 s without requests, then three restarts (the median ready time is shown). The factor columns divide a figure by the one at the stage before: ×1 is O(1), about ×1.2-1.5 per 10× leads is O(log n), ×10 is O(n).\n",
    );
    out
}

/// "10k", "1M".
fn short(n: u64) -> String {
    match n {
        n if n >= 1_000_000 && n % 1_000_000 == 0 => format!("{}M", n / 1_000_000),
        n if n >= 1_000 && n % 1_000 == 0 => format!("{}k", n / 1_000),
        n => thousands(n as f64),
    }
}

pub fn json(stages: &[Stage]) -> Value {
    let stages: Vec<Value> = stages
        .iter()
        .map(|stage| {
            let figures: Vec<Value> = figures(stage)
                .into_iter()
                .map(|(name, unit, value)| {
                    let shown = value.map(|v| unit.format(v));
                    json!({ "figure": name, "value": value, "unit": shown })
                })
                .collect();
            json!({ "leads": stage.leads, "figures": figures })
        })
        .collect();
    json!({ "growth": stages })
}
