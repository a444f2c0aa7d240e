//! The results file: every run's figures as JSON under `bench/results/`, named by when it
//! ended (`2026-11-25T16-00-00Z.json`; `-quick`, `-mixed`, `-growth` mark the kind of run),
//! with the machine it ran on and the commit it measured, so runs can be compared. Quick
//! runs are ignored by git; the others can be committed.

use std::path::PathBuf;
use std::process::Command;

use anyhow::{Context, Result};
use serde_json::{Value, json};

use crate::args::Budget;

/// The machine and the code a run measured.
pub struct Machine {
    pub cores: usize,
    pub cpu: String,
    /// The 1, 5 and 15 minute load averages when the run ended.
    pub load: [f64; 3],
    /// `git rev-parse HEAD`, with `-dirty` if the work tree has changes.
    pub commit: String,
    /// UTC, `2026-11-25 16:00`.
    pub date: String,
    /// UTC, `2026-11-25T16-00-00Z`: a file name on every system.
    pub stamp: String,
}

impl Machine {
    pub fn read() -> Self {
        let cpu = std::fs::read_to_string("/proc/cpuinfo")
            .ok()
            .and_then(|info| {
                let line = info.lines().find(|l| l.starts_with("model name"))?;
                Some(line.split_once(':')?.1.trim().to_owned())
            })
            .unwrap_or_else(|| "unknown CPU".to_owned());
        let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
        let mut averages = load.split_whitespace().map(|v| v.parse().unwrap_or(0.0));
        let load = [(); 3].map(|()| averages.next().unwrap_or(0.0));
        let dirty = output("git", &["status", "--porcelain"]).is_some_and(|s| !s.is_empty());
        let commit = output("git", &["rev-parse", "HEAD"]).map_or_else(
            || "unknown".to_owned(),
            |c| if dirty { format!("{c}-dirty") } else { c },
        );
        Self {
            cores: std::thread::available_parallelism().map_or(1, usize::from),
            cpu,
            load,
            commit,
            date: output("date", &["-u", "+%Y-%m-%d %H:%M UTC"])
                .unwrap_or_else(|| "date unknown".to_owned()),
            stamp: output("date", &["-u", "+%Y-%m-%dT%H-%M-%SZ"])
                .unwrap_or_else(|| "undated".to_owned()),
        }
    }

    pub fn json(&self) -> Value {
        json!({
            "cores": self.cores,
            "cpu": self.cpu,
            "load_average": self.load,
            "commit": self.commit,
            "date": self.date,
        })
    }

    /// "nproc 2 (CPU), load average 1.2 0.9 0.8 at the end, commit abc123".
    pub fn describe(&self) -> String {
        format!(
            "nproc {} ({}), load average {:.2} {:.2} {:.2} at the end, commit {}",
            self.cores,
            self.cpu,
            self.load[0],
            self.load[1],
            self.load[2],
            self.commit.get(..12).unwrap_or(&self.commit)
        )
    }
}

/// A command's trimmed stdout, run from the repository, if it succeeded.
fn output(program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(program)
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// Writes `figures` (with the machine and the arguments) to `bench/results/<stamp>.json`.
pub fn write(budget: &Budget, machine: &Machine, figures: &Value) -> Result<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("results");
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let mut name = machine.stamp.clone();
    for (on, mark) in [
        (budget.quick, "-quick"),
        (budget.mixed.is_some(), "-mixed"),
        (budget.growth, "-growth"),
    ] {
        if on {
            name.push_str(mark);
        }
    }
    let path = dir.join(format!("{name}.json"));
    let document = json!({
        "machine": machine.json(),
        "args": budget.args,
        "quick": budget.quick,
        "results": figures,
    });
    let text = serde_json::to_string_pretty(&document)?;
    std::fs::write(&path, text + "\n").with_context(|| format!("writing {}", path.display()))?;
    eprintln!("bench: results written to {}", path.display());
    Ok(path)
}
