//! install.sh in a throwaway root (DESTDIR): the binary, a private data directory, a
//! hardened unit and the settings file; idempotent; `--uninstall` keeps the data. No user is
//! created and no service touched outside the root (the script says so and prints how).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};

use sha2::{Digest, Sha256};

const BIN: &str = env!("CARGO_BIN_EXE_synaptiq");

struct Ran {
    ok: bool,
    stdout: String,
    stderr: String,
}

fn install(root: &Path, args: &[&str]) -> Ran {
    install_with(root, args, &[])
}

fn install_with(root: &Path, args: &[&str], env: &[(&str, &str)]) -> Ran {
    let script = Path::new("install.sh").to_path_buf();
    let out = Command::new("bash")
        .arg(script)
        .args(args)
        .env("DESTDIR", root)
        .envs(env.iter().copied())
        .output()
        .unwrap();
    Ran {
        ok: out.status.success(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o7777
}

/// Every file under `root` with its mode and content, for comparing two runs.
fn snapshot(root: &Path) -> Vec<(String, u32, Vec<u8>)> {
    let mut files = Vec::new();
    let mut dirs = vec![root.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.strip_prefix(root).unwrap().display().to_string();
            if path.is_dir() {
                files.push((name, mode(&path), Vec::new()));
                dirs.push(path);
            } else {
                files.push((name, mode(&path), std::fs::read(&path).unwrap()));
            }
        }
    }
    files.sort();
    files
}

#[test]
fn install_sh_stages_a_hardened_service_idempotently_and_uninstall_keeps_the_data() {
    let root = tempfile::tempdir().unwrap();
    let first = install(root.path(), &["--binary", BIN]);
    assert!(first.ok, "{}", first.stderr);

    let bin = root.path().join("usr/local/bin/synaptiq");
    assert_eq!(mode(&bin), 0o755);
    assert_eq!(std::fs::read(&bin).unwrap(), std::fs::read(BIN).unwrap());
    let data = root.path().join("var/lib/synaptiq");
    assert_eq!(mode(&data), 0o700);
    let env_file = root.path().join("etc/synaptiq/synaptiq.env");
    assert_eq!(mode(&env_file), 0o600);
    let unit =
        std::fs::read_to_string(root.path().join("etc/systemd/system/synaptiq.service")).unwrap();
    for line in [
        "User=synaptiq",
        "ExecStart=/usr/local/bin/synaptiq serve --data-dir /var/lib/synaptiq",
        "NoNewPrivileges=yes",
        "ProtectSystem=strict",
        "ProtectHome=yes",
        "PrivateTmp=yes",
        "ReadWritePaths=/var/lib/synaptiq",
        "CapabilityBoundingSet=",
        "EnvironmentFile=-/etc/synaptiq/synaptiq.env",
    ] {
        assert!(
            unit.lines().any(|l| l == line),
            "unit lacks {line}:\n{unit}"
        );
    }
    assert!(
        first.stdout.contains("systemctl enable --now synaptiq"),
        "{}",
        first.stdout
    );
    assert!(
        first
            .stderr
            .contains("Skipped: creating the 'synaptiq' user")
            && first.stderr.contains("useradd --system"),
        "{}",
        first.stderr
    );

    // The settings file is the operator's once written; a second run changes nothing else.
    std::fs::write(&env_file, "SYNAPTIQ_LOG=debug\n").unwrap();
    std::fs::write(data.join("synaptiq.db"), "data").unwrap();
    let before = snapshot(root.path());
    let second = install(root.path(), &["--binary", BIN]);
    assert!(second.ok, "{}", second.stderr);
    assert_eq!(snapshot(root.path()), before);

    let removed = install(root.path(), &["--uninstall"]);
    assert!(removed.ok, "{}", removed.stderr);
    assert!(!bin.exists());
    assert!(
        !root
            .path()
            .join("etc/systemd/system/synaptiq.service")
            .exists()
    );
    assert_eq!(std::fs::read(data.join("synaptiq.db")).unwrap(), b"data");
    assert_eq!(
        std::fs::read_to_string(&env_file).unwrap(),
        "SYNAPTIQ_LOG=debug\n"
    );
    assert!(
        removed.stderr.contains("Kept: the data"),
        "{}",
        removed.stderr
    );
}

#[test]
fn install_sh_refuses_relative_paths_and_unknown_options() {
    let root = tempfile::tempdir().unwrap();
    let relative = install(root.path(), &["--binary", BIN, "--data-dir", "data"]);
    assert!(!relative.ok);
    assert!(
        relative.stderr.contains("paths must be absolute"),
        "{}",
        relative.stderr
    );
    let unknown = install(root.path(), &["--frobnicate"]);
    assert!(!unknown.ok);
    assert!(unknown.stderr.contains("unknown argument: --frobnicate"));
    let missing = install(root.path(), &["--binary", "/nonexistent/synaptiq"]);
    assert!(!missing.ok);
    assert!(
        missing.stderr.contains("no such file"),
        "{}",
        missing.stderr
    );
}

// ---------------------------------------------------------------- a release to download

/// `python3 -m http.server` on a free loopback port, serving `dir`; killed when dropped.
struct Mirror {
    child: Child,
    url: String,
}

impl Mirror {
    fn serve(dir: &Path) -> Self {
        let mut child = Command::new("python3")
            .args([
                "-u",
                "-m",
                "http.server",
                "0",
                "--bind",
                "127.0.0.1",
                "--directory",
            ])
            .arg(dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 (tests serve a fake release with its http.server)");
        // "Serving HTTP on 127.0.0.1 port 41234 (http://127.0.0.1:41234/) ..."
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line
            .split_whitespace()
            .skip_while(|word| *word != "port")
            .nth(1)
            .unwrap_or_else(|| panic!("http.server said: {line:?}"));
        let url = format!("http://127.0.0.1:{port}");
        Self { child, url }
    }
}

impl Drop for Mirror {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

const TAG: &str = "v9.8.7";

/// The asset install.sh asks for on this machine.
fn asset() -> String {
    format!("synaptiq-{}-linux", std::env::consts::ARCH)
}

/// A release directory `<tag>/` holding `binary` as the asset and `sums(its digest)` as
/// SHA256SUMS.
fn release(binary: &[u8], sums: impl FnOnce(&str) -> String) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let tag = dir.path().join(TAG);
    std::fs::create_dir(&tag).unwrap();
    std::fs::write(tag.join(asset()), binary).unwrap();
    let digest = hex::encode(Sha256::digest(binary));
    std::fs::write(tag.join("SHA256SUMS"), sums(&digest)).unwrap();
    dir
}

fn install_release(root: &Path, mirror: &Mirror) -> Ran {
    install_with(
        root,
        &["--version", TAG],
        &[
            ("SYNAPTIQ_RELEASE_URL", mirror.url.as_str()),
            ("no_proxy", "127.0.0.1"),
            ("NO_PROXY", "127.0.0.1"),
        ],
    )
}

#[test]
fn install_sh_installs_a_downloaded_release_that_matches_its_sha256sums() {
    let published = release(&std::fs::read(BIN).unwrap(), |digest| {
        format!(
            "{}  synaptiq-other-linux\n{digest}  {}\n",
            "0".repeat(64),
            asset()
        )
    });
    let mirror = Mirror::serve(published.path());
    let root = tempfile::tempdir().unwrap();

    let ran = install_release(root.path(), &mirror);
    assert!(ran.ok, "{}", ran.stderr);
    let bin = root.path().join("usr/local/bin/synaptiq");
    assert_eq!(std::fs::read(&bin).unwrap(), std::fs::read(BIN).unwrap());
    assert_eq!(mode(&bin), 0o755);
    assert!(ran.stderr.contains("against SHA256SUMS"), "{}", ran.stderr);
    assert!(
        root.path()
            .join("etc/systemd/system/synaptiq.service")
            .is_file()
    );
}

#[test]
fn install_sh_refuses_a_release_with_a_wrong_or_missing_checksum() {
    let root = tempfile::tempdir().unwrap();
    let bin = root.path().join("usr/local/bin/synaptiq");

    // One hex digit off: the digest of some other file.
    let fake = b"#!/bin/sh\necho not synaptiq\n";
    let tampered = release(fake, |digest| {
        let first = if digest.starts_with('0') { '1' } else { '0' };
        format!("{first}{}  {}\n", &digest[1..], asset())
    });
    let mirror = Mirror::serve(tampered.path());
    let ran = install_release(root.path(), &mirror);
    assert!(!ran.ok);
    assert!(ran.stderr.contains("checksum mismatch"), "{}", ran.stderr);
    assert!(!bin.exists());

    let unlisted = release(fake, |digest| format!("{digest}  synaptiq-other-linux\n"));
    let mirror = Mirror::serve(unlisted.path());
    let ran = install_release(root.path(), &mirror);
    assert!(!ran.ok);
    assert!(ran.stderr.contains("has no line for"), "{}", ran.stderr);
    assert!(!bin.exists());

    let both = install(root.path(), &["--binary", BIN, "--version", TAG]);
    assert!(!both.ok);
    assert!(
        both.stderr.contains("exclude each other"),
        "{}",
        both.stderr
    );
}
