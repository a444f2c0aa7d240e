//! Requests hyper refuses before any handler runs (a URL over 64 KiB, more headers than its
//! buffer holds, a request line that is not HTTP) get the same `{"error": ...}` body as every
//! other error. hyper answers them itself, with an empty body and no way to configure one
//! through poem, so the connection rewrites that answer on its way out.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// Also said for headers over `HEADER_LIMIT`, which hyper may let through.
pub const HEADERS_TOO_LARGE: &str =
    "the request's headers are too large: at most 100 headers and 64 KiB in all";

/// hyper's own refusals, by status line: the status code and what the client is told.
const REFUSALS: [(&str, &str); 3] = [
    (
        "HTTP/1.1 414 URI Too Long\r\n",
        "the request's URL is too long: at most 65,534 bytes",
    ),
    (
        "HTTP/1.1 431 Request Header Fields Too Large\r\n",
        HEADERS_TOO_LARGE,
    ),
    ("HTTP/1.1 400 Bad Request\r\n", "malformed HTTP request"),
];

/// What hyper writes after the status line of such a refusal; the date is 29 characters.
const HEADERS_BEFORE_DATE: &str = "connection: close\r\ncontent-length: 0\r\ndate: ";
const DATE_LEN: usize = 29;

/// A connection whose empty-bodied refusals from hyper leave it as JSON errors.
pub struct JsonRefusals<T> {
    inner: T,
    /// The rewritten answer, still to be written, and how much of it has been.
    pending: Vec<u8>,
    sent: usize,
}

impl<T> JsonRefusals<T> {
    pub fn new(inner: T) -> Self {
        Self {
            inner,
            pending: Vec::new(),
            sent: 0,
        }
    }

    pub fn get_ref(&self) -> &T {
        &self.inner
    }
}

impl<T: AsyncWrite + Unpin> JsonRefusals<T> {
    /// Writes what is left of a rewritten answer.
    fn poll_pending(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while self.sent < self.pending.len() {
            let n = ready!(Pin::new(&mut self.inner).poll_write(cx, &self.pending[self.sent..]))?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            self.sent += n;
        }
        self.pending.clear();
        self.sent = 0;
        Poll::Ready(Ok(()))
    }

    /// Takes `len` bytes of hyper's as written, to be sent as `answer`: now, or at the flush
    /// that follows.
    fn take(
        &mut self,
        cx: &mut Context<'_>,
        answer: Vec<u8>,
        len: usize,
    ) -> Poll<io::Result<usize>> {
        self.pending = answer;
        self.sent = 0;
        // Pending here is fine: the waker is registered and the flush finishes the answer.
        if let Poll::Ready(Err(err)) = self.poll_pending(cx) {
            return Poll::Ready(Err(err));
        }
        Poll::Ready(Ok(len))
    }
}

fn answer_len(bufs: &[io::IoSlice<'_>]) -> usize {
    bufs.iter().map(|b| b.len()).sum()
}

/// `bytes` with a refusal at its end replaced by the JSON answer, or None if it has none.
fn rewrite(bytes: &[u8]) -> Option<Vec<u8>> {
    let (at, status_line, message) = find_refusal(bytes)?;
    let tail = &bytes[at + status_line.len() + HEADERS_BEFORE_DATE.len()..];
    let date = &tail[..DATE_LEN];
    let body = serde_json::json!({ "error": message }).to_string();
    let mut answer = bytes[..at].to_vec();
    answer.extend_from_slice(status_line.as_bytes());
    answer.extend_from_slice(b"connection: close\r\ncontent-type: application/json\r\n");
    answer.extend_from_slice(format!("content-length: {}\r\ndate: ", body.len()).as_bytes());
    answer.extend_from_slice(date);
    answer.extend_from_slice(b"\r\n\r\n");
    answer.extend_from_slice(body.as_bytes());
    Some(answer)
}

/// Where a refusal starts in `bytes`, its status line and message: hyper writes it last,
/// after which it closes the connection, so it is always the end of what is written.
fn find_refusal(bytes: &[u8]) -> Option<(usize, &'static str, &'static str)> {
    REFUSALS.iter().find_map(|&(status_line, message)| {
        let len = status_line.len() + HEADERS_BEFORE_DATE.len() + DATE_LEN + 4;
        let at = bytes.len().checked_sub(len)?;
        let head = &bytes[at..];
        let (line, rest) = head.split_at(status_line.len());
        let (headers, rest) = rest.split_at(HEADERS_BEFORE_DATE.len());
        let ok = line == status_line.as_bytes()
            && headers == HEADERS_BEFORE_DATE.as_bytes()
            && rest.ends_with(b" GMT\r\n\r\n");
        ok.then_some((at, status_line, message))
    })
}

impl<T: AsyncWrite + Unpin> AsyncWrite for JsonRefusals<T> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        ready!(this.poll_pending(cx))?;
        if let Some(answer) = rewrite(buf) {
            return this.take(cx, answer, buf.len());
        }
        Pin::new(&mut this.inner).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        ready!(this.poll_pending(cx))?;
        let last = bufs.iter().rev().find(|b| !b.is_empty());
        if last.is_some_and(|last| find_refusal(last).is_some())
            && let Some(answer) = rewrite(
                &bufs
                    .iter()
                    .flat_map(|b| b.iter().copied())
                    .collect::<Vec<u8>>(),
            )
        {
            return this.take(cx, answer, answer_len(bufs));
        }
        Pin::new(&mut this.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        ready!(this.poll_pending(cx))?;
        Pin::new(&mut this.inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        ready!(this.poll_pending(cx))?;
        Pin::new(&mut this.inner).poll_shutdown(cx)
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for JsonRefusals<T> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_read(cx, buf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DATE: &str = "Mon, 07 Dec 2026 22:54:40 GMT";

    fn refusal(status_line: &str) -> String {
        format!("{status_line}{HEADERS_BEFORE_DATE}{DATE}\r\n\r\n")
    }

    #[test]
    fn each_refusal_becomes_a_json_error_keeping_what_came_before() {
        for (status_line, message) in REFUSALS {
            let before = "HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}";
            let written = format!("{before}{}", refusal(status_line));
            let answer = String::from_utf8(rewrite(written.as_bytes()).unwrap()).unwrap();
            let (head, body) = answer[before.len()..].split_once("\r\n\r\n").unwrap();
            assert!(answer.starts_with(before), "{answer}");
            assert!(head.starts_with(status_line.trim_end()), "{head}");
            assert!(head.contains("content-type: application/json"), "{head}");
            assert!(head.contains(&format!("content-length: {}", body.len())));
            assert!(head.contains(&format!("date: {DATE}")), "{head}");
            assert!(head.contains("connection: close"), "{head}");
            let body: serde_json::Value = serde_json::from_str(body).unwrap();
            assert_eq!(body["error"], message);
        }
    }

    #[test]
    fn other_answers_pass_untouched() {
        let ours = "HTTP/1.1 414 URI Too Long\r\ncontent-type: application/json\r\n\
                    content-length: 9\r\n\r\n{\"e\":\"x\"}";
        assert!(rewrite(ours.as_bytes()).is_none());
        let mid = format!("{}more", refusal(REFUSALS[0].0));
        assert!(
            rewrite(mid.as_bytes()).is_none(),
            "a refusal ends the write"
        );
        assert!(rewrite(b"").is_none());
    }
}
