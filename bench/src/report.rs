//! The printed result: a Markdown table of figures against targets and baselines, with notes.

use std::fmt::Write as _;

#[derive(Clone, Copy)]
pub enum Unit {
    Ms,
    PerSecond,
    MiB,
    /// Megabytes (10^6 bytes) per second.
    MBps,
    Seconds,
}

impl Unit {
    fn format(self, value: f64) -> String {
        match self {
            Self::Ms if value < 10.0 => format!("{value:.2} ms"),
            Self::Ms => format!("{value:.1} ms"),
            Self::PerSecond => format!("{}/s", thousands(value)),
            Self::MiB => format!("{value:.1} MiB"),
            Self::MBps => format!("{value:.1} MB/s"),
            Self::Seconds => format!("{value:.2} s"),
        }
    }

    fn higher_is_better(self) -> bool {
        matches!(self, Self::PerSecond | Self::MBps)
    }
}

/// A figure measured from outside the server, with what it should be and what the bare
/// library does.
pub struct Row {
    metric: String,
    ours: f64,
    unit: Unit,
    target: Option<f64>,
    baseline: Option<(f64, String)>,
}

impl Row {
    pub fn new(metric: &str, ours: f64, unit: Unit) -> Self {
        Self {
            metric: metric.to_owned(),
            ours,
            unit,
            target: None,
            baseline: None,
        }
    }

    /// At most `target` (latency, memory) or at least it (throughput), as the unit says.
    pub fn target(mut self, target: f64) -> Self {
        self.target = Some(target);
        self
    }

    pub fn baseline(mut self, value: f64, what: &str) -> Self {
        self.baseline = Some((value, what.to_owned()));
        self
    }

    fn cells(&self) -> [String; 6] {
        let bound = if self.unit.higher_is_better() {
            "≥"
        } else {
            "≤"
        };
        let target = self
            .target
            .map_or_else(dash, |t| format!("{bound} {}", self.unit.format(t)));
        let baseline = self.baseline.as_ref().map_or_else(dash, |(value, what)| {
            format!("{} ({what})", self.unit.format(*value))
        });
        [
            self.metric.clone(),
            self.unit.format(self.ours),
            target,
            baseline,
            self.ratio(),
            self.verdict(),
        ]
    }

    /// Our overhead: how many times the bare library's cost ours is (> 1 means slower).
    fn ratio(&self) -> String {
        let Some((base, _)) = self.baseline else {
            return dash();
        };
        let ratio = if self.unit.higher_is_better() {
            base / self.ours
        } else {
            self.ours / base
        };
        if ratio.is_finite() {
            format!("{ratio:.1}×")
        } else {
            dash()
        }
    }

    fn verdict(&self) -> String {
        let Some(target) = self.target else {
            return dash();
        };
        let met = if self.unit.higher_is_better() {
            self.ours >= target
        } else {
            self.ours <= target
        };
        if met { "pass" } else { "**FAIL**" }.to_owned()
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

/// Renders the header line, the table and the notes below it.
pub fn render(header: &str, rows: &[Row], notes: &[String]) -> String {
    let mut out = format!("{header}\n\n");
    out.push_str("| metric | ours | target | baseline | ratio | pass/fail |\n");
    out.push_str("|---|---|---|---|---|---|\n");
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
        let row = Row::new("creates", 5000.0, Unit::PerSecond)
            .target(4000.0)
            .baseline(20_000.0, "raw");
        let cells = row.cells();
        assert_eq!(cells[4], "4.0×");
        assert_eq!(cells[5], "pass");
    }

    #[test]
    fn a_missed_latency_target_fails() {
        let row = Row::new("p99", 30.0, Unit::Ms).target(25.0);
        assert_eq!(row.cells()[5], "**FAIL**");
    }
}
