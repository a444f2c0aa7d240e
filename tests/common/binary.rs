//! Running the real `synaptiq` executable: one-off commands and a `serve` child process.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_synaptiq");

/// The binary with a clean environment: nothing from the caller's SYNAPTIQ_* leaks in.
pub fn synaptiq(args: &[&str], env: &[(&str, &str)]) -> Command {
    let mut command = Command::new(BIN);
    command.env_clear().env("SYNAPTIQ_LOG", "warn").args(args);
    for (name, value) in env {
        command.env(name, value);
    }
    command
}

pub struct Output {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

/// Runs a command to completion (killing it if it is still running after 60 s).
pub fn run(mut command: Command) -> Output {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = drain(child.stdout.take().unwrap());
    let stderr = drain(child.stderr.take().unwrap());
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "{command:?} did not finish; stderr: {}",
                stderr.join().unwrap()
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Output {
        status,
        stdout: stdout.join().unwrap(),
        stderr: stderr.join().unwrap(),
    }
}

fn drain(mut pipe: impl Read + Send + 'static) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut text = String::new();
        let _ = pipe.read_to_string(&mut text);
        text
    })
}

/// Runs a data-directory command and insists it succeeds.
pub fn ok(dir: &Path, args: &[&str]) -> Output {
    let out = run(synaptiq(&with_dir(dir, args), &[]));
    assert!(
        out.status.success(),
        "synaptiq {args:?} failed ({}): {}",
        out.status,
        out.stderr
    );
    out
}

pub fn with_dir<'a>(dir: &'a Path, args: &[&'a str]) -> Vec<&'a str> {
    let mut all = args.to_vec();
    all.extend(["--data-dir", dir.to_str().unwrap()]);
    all
}

/// A `synaptiq serve` child process, killed when dropped (even when the test fails).
pub struct Serving {
    pub child: Child,
    /// The first stdout line: the bound URL.
    pub url: String,
    stdout: Arc<Mutex<String>>,
    stderr: Arc<Mutex<String>>,
}

impl Serving {
    /// `synaptiq serve ARGS` with `env`; waits for the URL on stdout.
    pub fn start(args: &[&str], env: &[(&str, &str)]) -> Self {
        let mut all = vec!["serve"];
        all.extend(args);
        let mut child = synaptiq(&all, env)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let (stdout, stderr) = (
            Arc::new(Mutex::new(String::new())),
            Arc::new(Mutex::new(String::new())),
        );
        let (first_line, first) = mpsc::channel();
        let out = BufReader::new(child.stdout.take().unwrap());
        let collected = Arc::clone(&stdout);
        std::thread::spawn(move || {
            for line in out.lines().map_while(Result::ok) {
                let _ = first_line.send(line.clone());
                collected.lock().unwrap().push_str(&format!("{line}\n"));
            }
        });
        let mut err = child.stderr.take().unwrap();
        let collected = Arc::clone(&stderr);
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = err.read(&mut buf) {
                if n == 0 {
                    break;
                }
                collected
                    .lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        let mut serving = Self {
            child,
            url: String::new(),
            stdout,
            stderr,
        };
        match first.recv_timeout(Duration::from_secs(60)) {
            Ok(line) => serving.url = line,
            Err(_) => panic!("serve printed no URL; stderr: {}", serving.stderr()),
        }
        serving
    }

    /// `synaptiq serve --data-dir DIR --bind 127.0.0.1:0` with `env`.
    pub fn on(dir: &Path, env: &[(&str, &str)]) -> Self {
        Self::start(
            &["--data-dir", dir.to_str().unwrap(), "--bind", "127.0.0.1:0"],
            env,
        )
    }

    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    pub fn stdout(&self) -> String {
        self.stdout.lock().unwrap().clone()
    }

    /// Waits (up to 10 s) until stderr contains `needle`; returns stderr.
    pub async fn stderr_containing(&self, needle: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let text = self.stderr();
            if text.contains(needle) {
                return text;
            }
            assert!(
                Instant::now() < deadline,
                "stderr never showed {needle:?}: {text}"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Sends SIGTERM and waits (up to 45 s) for the process to exit.
    pub async fn terminate(&mut self) -> ExitStatus {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        assert!(sent.success(), "kill -TERM {pid}");
        let deadline = Instant::now() + Duration::from_secs(45);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "serve did not exit after SIGTERM; stderr: {}",
                self.stderr()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    pub fn port(&self) -> u16 {
        let port = self
            .url
            .strip_prefix("http://127.0.0.1:")
            .unwrap_or_else(|| panic!("URL: {:?}", self.url));
        port.parse()
            .unwrap_or_else(|_| panic!("URL: {:?}", self.url))
    }
}

impl Drop for Serving {
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
