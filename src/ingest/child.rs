//! Extraction in a child process: the server runs its own executable's hidden `extract`
//! command with the upload on stdin, under limits on memory, CPU time and output, and reads
//! the extracted text back as JSON on stdout. A file that makes a decoder blow up (memory,
//! a stack overflow, a loop) then costs that child, answered as a 400, never the server.
//!
//! Plain text has no decoder to blow up and is read in process; so is everything when no
//! executable is known (see `SECURITY.md`), with the same byte caps.

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, ExitCode, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::{Block, Extracted, Format};
use crate::error::{Error, Result};

/// Address space the child may map: a few times what the largest accepted file needs.
pub const MAX_MEMORY_BYTES: u64 = 2 << 30;
/// CPU seconds the child may use (all its threads together).
pub const MAX_CPU_SECONDS: u64 = 120;
/// The child's answer is at most this long.
pub const MAX_OUTPUT_BYTES: u64 = 256 << 20;
/// The child is killed after this long, even if it is only waiting for a core.
const MAX_WALL: Duration = Duration::from_secs(600);
/// The child reads at most this much input (uploads are far smaller).
const MAX_INPUT_BYTES: u64 = 256 << 20;

/// Extracts a file's text, in a child process running `program` when it is given.
pub fn extract_file(program: Option<&Path>, bytes: &[u8], name: Option<&str>) -> Result<Extracted> {
    let format = super::detect(bytes, name)?;
    match (program, format) {
        (Some(program), Format::Pdf | Format::Docx | Format::Html | Format::Markdown) => {
            let mut args = vec!["extract".to_owned()];
            if let Some(name) = name {
                args.extend(["--name".to_owned(), name.to_owned()]);
            }
            in_child(program, &args, bytes, format)
        }
        _ => super::extract_file(bytes, name),
    }
}

/// Extracts text sent as JSON `content` (Markdown), in a child process when `program` is
/// given.
pub fn extract_content(program: Option<&Path>, content: &str) -> Result<Extracted> {
    match program {
        Some(program) => in_child(
            program,
            &["extract".to_owned(), "--content".to_owned()],
            content.as_bytes(),
            Format::Json,
        ),
        None => super::extract_content(content),
    }
}

/// What the child writes on stdout.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Reply {
    Extracted { format: String, blocks: Vec<Block> },
    Invalid { field: String, reason: String },
    Unsupported(String),
    Failed(String),
}

fn in_child(program: &Path, args: &[String], input: &[u8], format: Format) -> Result<Extracted> {
    let mut child = Command::new(program)
        .args(args)
        .env_clear()
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| {
            Error::Unavailable(format!(
                "the document reader could not be started ({}: {e})",
                program.display()
            ))
        })?;
    let (Some(mut stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
        let _ = child.kill();
        let _ = child.wait();
        return Err(Error::internal("the document reader has no pipes"));
    };
    let pid = child.id();
    let (done, finished) = mpsc::channel::<()>();
    let output = std::thread::scope(|scope| {
        // A child that stops reading (it failed early) makes this write fail: that is fine.
        scope.spawn(move || {
            let _ = stdin.write_all(input);
        });
        scope.spawn(move || {
            if finished.recv_timeout(MAX_WALL) == Err(mpsc::RecvTimeoutError::Timeout) {
                kill(pid);
            }
        });
        let mut output = Vec::new();
        let read = stdout.take(MAX_OUTPUT_BYTES + 1).read_to_end(&mut output);
        if output.len() as u64 > MAX_OUTPUT_BYTES {
            kill(pid);
        }
        // The child is not waited for yet, so its pid cannot have been reused by now.
        drop(done);
        read.map(|_| output)
    });
    let status = child
        .wait()
        .map_err(|e| Error::internal(format!("waiting for the document reader: {e}")))?;
    let output =
        output.map_err(|e| Error::internal(format!("reading the document reader: {e}")))?;
    if output.len() as u64 > MAX_OUTPUT_BYTES {
        return Err(Error::invalid(
            "file",
            format!(
                "the {} file yields more than {} MiB of text; refused",
                format.as_str(),
                MAX_OUTPUT_BYTES >> 20
            ),
        ));
    }
    match serde_json::from_slice::<Reply>(&output) {
        Ok(reply) => answer(reply),
        Err(_) => Err(beyond_limits(format, status)),
    }
}

fn kill(pid: u32) {
    use nix::sys::signal::{Signal, kill};
    use nix::unistd::Pid;
    if let Ok(pid) = i32::try_from(pid) {
        let _ = kill(Pid::from_raw(pid), Signal::SIGKILL);
    }
}

fn answer(reply: Reply) -> Result<Extracted> {
    match reply {
        Reply::Extracted { format, blocks } => Ok(Extracted {
            format: Format::parse(&format)
                .ok_or_else(|| Error::internal(format!("the reader named format {format}")))?,
            blocks,
        }),
        Reply::Invalid { field, reason } => Err(Error::invalid(field, reason)),
        Reply::Unsupported(reason) => Err(Error::Unsupported(reason)),
        Reply::Failed(reason) => Err(Error::Internal(reason)),
    }
}

/// The refusal for a child that ended without an answer: killed at a limit, or crashed.
fn beyond_limits(format: Format, status: ExitStatus) -> Error {
    use std::os::unix::process::ExitStatusExt;
    let signal = status.signal();
    tracing::warn!(
        ?status,
        ?signal,
        "the document reader ended without an answer"
    );
    let limit = match signal {
        Some(libc::SIGXCPU | libc::SIGKILL) => format!(
            "it took more than {MAX_CPU_SECONDS} s of processing (or {} min in all)",
            MAX_WALL.as_secs() / 60
        ),
        _ => format!(
            "it needed more than {} MiB of memory or crashed the reader",
            MAX_MEMORY_BYTES >> 20
        ),
    };
    Error::invalid(
        "file",
        format!(
            "the {} file could not be read within the reader's limits: {limit}; refused",
            format.as_str()
        ),
    )
}

/// The `extract` command, in the child: limits itself, reads the upload on stdin, writes a
/// [`Reply`] on stdout.
pub fn run(name: Option<&str>, content: bool) -> ExitCode {
    // Reading a file is background work: requests on the server come first.
    crate::idle_priority::run_only_when_idle();
    if let Err(e) = limit_self() {
        return reply(&Reply::Failed(format!("setting the reader's limits: {e}")));
    }
    let mut input = Vec::new();
    if let Err(e) = std::io::stdin()
        .take(MAX_INPUT_BYTES)
        .read_to_end(&mut input)
    {
        return reply(&Reply::Failed(format!("reading the upload: {e}")));
    }
    let extracted = if content {
        std::str::from_utf8(&input)
            .map_err(|_| Error::invalid("content", "is not UTF-8"))
            .and_then(super::extract_content)
    } else {
        super::extract_file(&input, name)
    };
    reply(&match extracted {
        Ok(extracted) => Reply::Extracted {
            format: extracted.format.as_str().to_owned(),
            blocks: extracted.blocks,
        },
        Err(Error::Invalid { field, reason }) => Reply::Invalid {
            field: field.into_owned(),
            reason,
        },
        Err(Error::Unsupported(reason)) => Reply::Unsupported(reason),
        Err(other) => Reply::Failed(other.to_string()),
    })
}

fn reply(reply: &Reply) -> ExitCode {
    let mut stdout = std::io::stdout().lock();
    let written = serde_json::to_writer(&mut stdout, reply).map_err(std::io::Error::from);
    match written.and_then(|()| stdout.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(_) => ExitCode::FAILURE,
    }
}

/// Memory, CPU time, output (to a file; through the server's pipe the server counts it)
/// and no core dump (a core of a 2 GiB reader would fill a disk).
fn limit_self() -> nix::Result<()> {
    use nix::sys::resource::{Resource, setrlimit};
    setrlimit(Resource::RLIMIT_AS, MAX_MEMORY_BYTES, MAX_MEMORY_BYTES)?;
    setrlimit(Resource::RLIMIT_CPU, MAX_CPU_SECONDS, MAX_CPU_SECONDS + 5)?;
    setrlimit(Resource::RLIMIT_FSIZE, MAX_OUTPUT_BYTES, MAX_OUTPUT_BYTES)?;
    setrlimit(Resource::RLIMIT_CORE, 0, 0)
}

/// The executable to run extraction in: this one, found at start-up. `/proc/self/exe` is
/// missing in a chroot without `/proc`, so `argv[0]` (a path, or a name on `PATH`) is tried
/// next; `None` means extraction runs in process.
pub fn this_executable() -> Option<std::path::PathBuf> {
    if let Ok(exe) = std::env::current_exe()
        && exe.is_file()
    {
        return Some(exe);
    }
    let argv0 = std::path::PathBuf::from(std::env::args_os().next()?);
    let found = if argv0.components().count() > 1 {
        std::env::current_dir().ok().map(|dir| dir.join(&argv0))
    } else {
        std::env::var_os("PATH").and_then(|path| {
            std::env::split_paths(&path)
                .map(|dir| dir.join(&argv0))
                .find(|candidate| candidate.is_file())
        })
    };
    found.filter(|path| path.is_file())
}
