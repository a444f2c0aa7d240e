//! The real `synaptiq` binary as a child process: for what an in-process server cannot show
//! (`kill -9`, file descriptors and memory of its own).

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

pub const BIN: &str = env!("CARGO_BIN_EXE_synaptiq");
pub const BIN_ADMIN_TOKEN: &str = "process-test-admin-token-0123456789";

/// `synaptiq ARGS` with a clean environment, a known admin token and `env` on top.
pub fn binary(args: &[&str], env: &[(&str, &str)]) -> Command {
    let mut command = Command::new(BIN);
    command
        .env_clear()
        .env("SYNAPTIQ_LOG", "warn")
        .env("SYNAPTIQ_ADMIN_TOKEN", BIN_ADMIN_TOKEN)
        .envs(env.iter().copied())
        .args(args);
    command
}

/// `synaptiq keys create` on a data dir (safe while a server runs): the new key.
pub fn create_key(dir: &Path) -> String {
    let out = binary(
        &[
            "keys",
            "create",
            "--name",
            "x",
            "--tier",
            "enterprise",
            "--data-dir",
            dir.to_str().unwrap(),
        ],
        &[],
    )
    .output()
    .unwrap();
    assert!(
        out.status.success(),
        "keys create: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let key = String::from_utf8(out.stdout).unwrap().trim().to_owned();
    assert!(key.starts_with("sq_"), "{key}");
    key
}

/// `synaptiq serve` on a data dir; SIGKILLed when dropped.
pub struct Serving {
    pub child: Child,
    pub url: String,
    pub stderr: Arc<Mutex<String>>,
}

impl Serving {
    pub fn start(dir: &Path, env: &[(&str, &str)]) -> Self {
        Self::try_start(dir, env)
            .unwrap_or_else(|stderr| panic!("no \"listening on\" banner; stderr: {stderr}"))
    }

    /// The server, or what it wrote to stderr when it did not come up.
    pub fn try_start(dir: &Path, env: &[(&str, &str)]) -> Result<Self, String> {
        let mut child = binary(
            &[
                "serve",
                "--bind",
                "127.0.0.1:0",
                "--data-dir",
                dir.to_str().unwrap(),
            ],
            env,
        )
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
        let stderr = Arc::new(Mutex::new(String::new()));
        let (banner, url) = mpsc::channel();
        let lines = BufReader::new(child.stderr.take().unwrap());
        let log = Arc::clone(&stderr);
        std::thread::spawn(move || {
            for line in lines.lines().map_while(Result::ok) {
                if let Some((_, rest)) = line.split_once("listening on ") {
                    let _ = banner.send(rest.trim().to_owned());
                }
                log.lock().unwrap().push_str(&format!("{line}\n"));
            }
        });
        match url.recv_timeout(Duration::from_secs(60)) {
            Ok(url) => {
                assert!(url.starts_with("http://127.0.0.1:"), "{url}");
                Ok(Self { child, url, stderr })
            }
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                // The reader thread has the last lines once the pipe closes.
                std::thread::sleep(Duration::from_millis(100));
                Err(stderr.lock().unwrap().clone())
            }
        }
    }

    pub fn kill(&mut self) {
        self.child.kill().unwrap(); // SIGKILL
        self.child.wait().unwrap();
    }

    /// Resident memory of the server process, in KiB (Linux).
    pub fn rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap()
    }
}

impl Drop for Serving {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
