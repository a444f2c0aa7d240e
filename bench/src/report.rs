//! The printed result: a Markdown table with one row per operation (concurrency, throughput,
//! latency percentiles, the server's CPU and resident memory meanwhile), its target and
//! whether it was met, and a baseline measured in the same run with our ratio to it; then
//! notes. The same rows are written as JSON (`Row::json`).

use std::fmt::Write as _;

use hdrhistogram::Histogram;
use serde_json::{Value, json};

use crate::load::Outcome;
use crate::phases::Measured;
use crate::stats::ms;

#[derive(Clone, Copy)]
pub enum Unit {
    Ms,
    PerSecond,
    MiB,
    /// Megabytes (10^6 bytes) per second.
    MBps,
    Seconds,
    KiB,
    Percent,
    /// A memory trend: its sign matters, its target bounds it both ways.
    MiBPerMin,
    Count,
}

impl Unit {
    pub fn format(self, value: f64) -> String {
        match self {
            Self::Ms if value < 10.0 => format!("{value:.2} ms"),
            Self::Ms => format!("{value:.1} ms"),
            Self::PerSecond => format!("{}/s", thousands(value)),
            Self::MiB => format!("{value:.1} MiB"),
            Self::MBps => format!("{value:.1} MB/s"),
            Self::Seconds => format!("{value:.2} s"),
            Self::KiB => format!("{value:.1} KiB"),
            Self::Percent => format!("{value:.2} %"),
            Self::MiBPerMin => format!("{value:+.2} MiB/min"),
            Self::Count => thousands(value),
        }
    }

    fn name(self) -> &'static str {
        match self {
            Self::Ms => "ms",
            Self::PerSecond => "/s",
            Self::MiB => "MiB",
            Self::MBps => "MB/s",
            Self::Seconds => "s",
            Self::KiB => "KiB",
            Self::Percent => "%",
            Self::MiBPerMin => "MiB/min",
            Self::Count => "",
        }
    }
}

/// Which of a row's figures a target or a baseline is about.
#[derive(Clone, Copy)]
pub enum Figure {
    Throughput,
    P99,
    Rss,
    /// The row's figure of its own (`Row::value`).
    Value,
}

impl Figure {
    fn label(self) -> &'static str {
        match self {
            Self::Throughput | Self::Value => "",
            Self::P99 => "p99 ",
            Self::Rss => "RSS ",
        }
    }

    fn name(self) -> &'static str {
        match self {
            Self::Throughput => "throughput",
            Self::P99 => "p99",
            Self::Rss => "rss",
            Self::Value => "value",
        }
    }
}

/// One operation measured from outside the server.
pub struct Row {
    operation: String,
    concurrency: Option<String>,
    throughput: Option<(f64, Unit)>,
    /// p50, p99 and p99.9 in milliseconds.
    latency: Option<[f64; 3]>,
    /// The server's CPU, percent of one core.
    cpu: Option<f64>,
    /// The server's largest resident memory during the operation, MiB.
    rss: Option<f64>,
    /// A figure that fits no column (a ready time, a size, an error rate).
    value: Option<(f64, Unit)>,
    targets: Vec<(Figure, f64)>,
    baseline: Option<(Figure, f64, String)>,
}

impl Row {
    pub fn new(operation: &str) -> Self {
        Self {
            operation: operation.to_owned(),
            concurrency: None,
            throughput: None,
            latency: None,
            cpu: None,
            rss: None,
            value: None,
            targets: Vec::new(),
            baseline: None,
        }
    }

    pub fn clients(self, clients: usize) -> Self {
        self.concurrency(&clients.to_string())
    }

    pub fn concurrency(mut self, what: &str) -> Self {
        self.concurrency = Some(what.to_owned());
        self
    }

    /// Requests per second and latency percentiles of a load run.
    pub fn outcome(self, outcome: &Outcome) -> Self {
        self.throughput(outcome.per_second(), Unit::PerSecond)
            .latency(&outcome.latency)
    }

    pub fn latency(mut self, h: &Histogram<u64>) -> Self {
        self.latency = Some([ms(h, 0.5), ms(h, 0.99), ms(h, 0.999)]);
        self
    }

    pub fn throughput(mut self, value: f64, unit: Unit) -> Self {
        self.throughput = Some((value, unit));
        self
    }

    /// The server's CPU and largest resident memory while the phase ran.
    pub fn watched<T>(mut self, phase: &Measured<T>) -> Self {
        self.cpu = Some(phase.cpu.server);
        self.rss = Some(phase.rss);
        self
    }

    pub fn rss(mut self, mib: f64) -> Self {
        self.rss = Some(mib);
        self
    }

    pub fn value(mut self, value: f64, unit: Unit) -> Self {
        self.value = Some((value, unit));
        self
    }

    /// At least `bound` (throughput), within ±`bound` (a trend) or at most it (the rest);
    /// a row may have several targets.
    pub fn target(mut self, figure: Figure, bound: f64) -> Self {
        self.targets.push((figure, bound));
        self
    }

    pub fn baseline(mut self, figure: Figure, value: f64, what: &str) -> Self {
        self.baseline = Some((figure, value, what.to_owned()));
        self
    }

    /// The figure's value and unit, if the row has it.
    fn figure(&self, figure: Figure) -> Option<(f64, Unit)> {
        match figure {
            Figure::Throughput => self.throughput,
            Figure::P99 => self.latency.map(|l| (l[1], Unit::Ms)),
            Figure::Rss => self.rss.map(|r| (r, Unit::MiB)),
            Figure::Value => self.value,
        }
    }

    /// Whether one target was met; `None` without its figure.
    fn meets(&self, (figure, bound): (Figure, f64)) -> Option<bool> {
        let (ours, unit) = self.figure(figure)?;
        Some(match (figure, unit) {
            (Figure::Throughput, _) => ours >= bound,
            (_, Unit::MiBPerMin) => ours.abs() <= bound,
            _ => ours <= bound,
        })
    }

    /// Whether every target was met; `None` without targets.
    fn met(&self) -> Option<bool> {
        if self.targets.is_empty() {
            return None;
        }
        Some(self.targets.iter().all(|&t| self.meets(t) == Some(true)))
    }

    fn target_text(&self, (figure, bound): (Figure, f64)) -> String {
        let unit = self.figure(figure).map_or(Unit::Count, |(_, u)| u);
        let bound_text = unit.format(bound);
        match (figure, unit) {
            (Figure::Throughput, _) => format!("≥ {bound_text}"),
            (_, Unit::MiBPerMin) => format!("within ±{}", bound_text.trim_start_matches('+')),
            _ => format!("{}≤ {bound_text}", figure.label()),
        }
    }

    /// "pass", or "FAIL" naming the missed targets when the row has several.
    fn verdict(&self) -> Option<String> {
        let met = self.met()?;
        if met {
            return Some("pass".to_owned());
        }
        if self.targets.len() == 1 {
            return Some("**FAIL**".to_owned());
        }
        let missed: Vec<&str> = self
            .targets
            .iter()
            .filter(|&&t| self.meets(t) != Some(true))
            .map(|(figure, _)| figure.name())
            .collect();
        Some(format!("**FAIL** ({})", missed.join(", ")))
    }

    /// Our overhead: how many times the baseline's cost ours is (> 1 means slower).
    fn ratio(&self) -> Option<f64> {
        let (figure, base, _) = self.baseline.as_ref()?;
        let (ours, _) = self.figure(*figure)?;
        let ratio = match figure {
            Figure::Throughput => base / ours,
            _ => ours / base,
        };
        ratio.is_finite().then_some(ratio)
    }

    fn cells(&self) -> [String; 12] {
        let latency = |i: usize| self.latency.map_or_else(dash, |l| Unit::Ms.format(l[i]));
        let target = if self.targets.is_empty() {
            dash()
        } else {
            let texts: Vec<String> = self.targets.iter().map(|&t| self.target_text(t)).collect();
            texts.join("; ")
        };
        let verdict = self.verdict();
        let value = self.value.map(|(v, unit)| unit.format(v));
        let result = match (value, verdict) {
            (Some(value), Some(verdict)) => format!("{value}, {verdict}"),
            (Some(only), None) | (None, Some(only)) => only,
            (None, None) => dash(),
        };
        let baseline = self
            .baseline
            .as_ref()
            .map_or_else(dash, |(figure, value, what)| {
                let unit = self.figure(*figure).map_or(Unit::Count, |(_, u)| u);
                format!("{}{} ({what})", figure.label(), unit.format(*value))
            });
        [
            self.operation.clone(),
            self.concurrency.clone().unwrap_or_else(dash),
            self.throughput
                .map_or_else(dash, |(value, unit)| unit.format(value)),
            latency(0),
            latency(1),
            latency(2),
            self.cpu.map_or_else(dash, |cpu| format!("{cpu:.0}%")),
            self.rss.map_or_else(dash, |rss| Unit::MiB.format(rss)),
            target,
            result,
            baseline,
            self.ratio().map_or_else(dash, |r| format!("{r:.1}×")),
        ]
    }

    /// The row as JSON, every figure a number in the unit its key names.
    pub fn json(&self) -> Value {
        let with_unit = |f: Option<(f64, Unit)>| {
            f.map(|(value, unit)| json!({ "value": value, "unit": unit.name() }))
        };
        json!({
            "operation": self.operation,
            "concurrency": self.concurrency,
            "throughput": with_unit(self.throughput),
            "p50_ms": self.latency.map(|l| l[0]),
            "p99_ms": self.latency.map(|l| l[1]),
            "p999_ms": self.latency.map(|l| l[2]),
            "server_cpu_percent": self.cpu,
            "rss_mib": self.rss,
            "value": with_unit(self.value),
            "targets": self.targets.iter().map(|&(figure, bound)| json!({
                "figure": figure.name(),
                "bound": bound,
                "unit": self.figure(figure).map(|(_, u)| u.name()),
                "pass": self.meets((figure, bound)),
            })).collect::<Vec<_>>(),
            "pass": self.met(),
            "baseline": self.baseline.as_ref().map(|(figure, value, what)| json!({
                "figure": figure.name(),
                "value": value,
                "what": what,
            })),
            "ratio": self.ratio(),
        })
    }
}

fn dash() -> String {
    "—".to_owned()
}

/// 12345.6 → "12,346".
pub fn thousands(value: f64) -> String {
    let digits = format!("{:.0}", value.max(0.0));
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

const COLUMNS: [&str; 12] = [
    "operation",
    "concurrency",
    "throughput",
    "p50",
    "p99",
    "p99.9",
    "server CPU",
    "server RSS",
    "target",
    "result",
    "baseline",
    "ratio",
];

/// Renders the header line, the table and the notes below it.
pub fn render(header: &str, rows: &[Row], notes: &[String]) -> String {
    let mut out = format!("{header}\n\n");
    let _ = writeln!(out, "| {} |", COLUMNS.join(" | "));
    let _ = writeln!(out, "|{}", "---|".repeat(COLUMNS.len()));
    for row in rows {
        let _ = writeln!(out, "| {} |", row.cells().join(" | "));
    }
    if !notes.is_empty() {
        out.push('\n');
        for note in notes {
            let _ = writeln!(out, "- {note}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(thousands(0.4), "0");
        assert_eq!(thousands(999.0), "999");
        assert_eq!(thousands(1234.0), "1,234");
        assert_eq!(thousands(27_000_123.0), "27,000,123");
    }

    #[test]
    fn throughput_overhead_is_baseline_over_ours() {
        let row = Row::new("creates")
            .throughput(5000.0, Unit::PerSecond)
            .target(Figure::Throughput, 4000.0)
            .baseline(Figure::Throughput, 20_000.0, "raw");
        let cells = row.cells();
        assert_eq!(cells[8], "≥ 4,000/s");
        assert_eq!(cells[9], "pass");
        assert_eq!(cells[11], "4.0×");
    }

    #[test]
    fn a_row_with_two_targets_names_the_missed_one() {
        let mut latency = crate::stats::histogram();
        crate::stats::record(&mut latency, std::time::Duration::from_millis(30));
        let row = Row::new("creates")
            .throughput(5000.0, Unit::PerSecond)
            .latency(&latency)
            .target(Figure::Throughput, 4000.0)
            .target(Figure::P99, 25.0);
        assert_eq!(row.cells()[8], "≥ 4,000/s; p99 ≤ 25.0 ms");
        assert_eq!(row.cells()[9], "**FAIL** (p99)");
    }

    #[test]
    fn a_missed_latency_target_fails() {
        let mut latency = crate::stats::histogram();
        crate::stats::record(&mut latency, std::time::Duration::from_millis(30));
        let row = Row::new("get").latency(&latency).target(Figure::P99, 25.0);
        assert_eq!(row.cells()[8], "p99 ≤ 25.0 ms");
        assert_eq!(row.cells()[9], "**FAIL**");
        assert_eq!(row.json()["pass"], json!(false));
    }

    #[test]
    fn a_trend_is_bounded_both_ways() {
        let falling = Row::new("trend")
            .value(-3.0, Unit::MiBPerMin)
            .target(Figure::Value, 1.0);
        assert_eq!(falling.cells()[8], "within ±1.00 MiB/min");
        assert_eq!(falling.cells()[9], "-3.00 MiB/min, **FAIL**");
        let flat = Row::new("trend")
            .value(0.2, Unit::MiBPerMin)
            .target(Figure::Value, 1.0);
        assert_eq!(flat.cells()[9], "+0.20 MiB/min, pass");
    }
}
