//! The chat widget's scripts, embedded from `assets/widget/`.
//!
//! | path                      | what                         | cache                       |
//! |---------------------------|------------------------------|-----------------------------|
//! | /widget.js                | the loader (the script tag)  | 5 minutes: its URL is fixed |
//! | /widget/panel.{hash}.js   | the chat panel, loaded on first open | a year, immutable: the URL names the content |
//!
//! The panel chunk is put together here, once: its parts are concatenated inside one
//! function (so it adds no globals), full-line comments and indentation are dropped, and the
//! stylesheet is inlined as a string. The loader learns the chunk's hashed URL by a
//! placeholder replaced here, so building the binary needs no Node and no bundler. Each
//! script is compressed once (gzip and brotli) and answered with a strong ETag and 304s.

use std::io::Write;
use std::sync::OnceLock;

use poem::http::{HeaderValue, StatusCode, header};
use poem::web::Path;
use poem::{Request, Response, handler};
use rust_embed::RustEmbed;
use sha2::{Digest, Sha256};

use super::error::respond;

#[derive(RustEmbed)]
#[folder = "assets/widget/"]
struct WidgetFiles;

/// The panel chunk's parts, in the order they are concatenated.
const PANEL_PARTS: [&str; 3] = ["transport.js", "view.js", "panel.js"];
/// What the loader says where the chunk's hashed path goes.
const PANEL_PLACEHOLDER: &str = "/widget/panel.js";
/// What the panel says where the stylesheet goes.
const CSS_PLACEHOLDER: &str = "__SYNAPTIQ_CSS__";

const LOADER_CACHE: &str = "public, max-age=300";
const PANEL_CACHE: &str = "public, max-age=31536000, immutable";

/// One script, ready in every encoding we serve.
pub struct Script {
    pub plain: Vec<u8>,
    pub gzip: Vec<u8>,
    pub brotli: Vec<u8>,
    /// The first 16 hex digits of the SHA-256 of `plain`.
    pub hash: String,
}

/// The loader and the panel chunk as served.
pub struct Widget {
    pub loader: Script,
    pub panel: Script,
    /// `/widget/panel.{hash}.js`.
    pub panel_path: String,
}

/// The widget, built on first use and kept for the life of the process.
pub fn widget() -> &'static Widget {
    static WIDGET: OnceLock<Widget> = OnceLock::new();
    WIDGET.get_or_init(build)
}

fn build() -> Widget {
    let css = text("panel.css");
    let mut chunk = String::from("(function(){'use strict';\n");
    for part in PANEL_PARTS {
        chunk.push_str(&text(part));
        chunk.push('\n');
    }
    chunk.push_str("})();\n");
    // serde_json's string quoting is a valid JavaScript string literal.
    let css_literal = serde_json::to_string(&squeeze(&css)).unwrap_or_else(|_| "\"\"".into());
    let panel = Script::new(squeeze(&chunk).replace(CSS_PLACEHOLDER, &css_literal));
    let panel_path = format!("/widget/panel.{}.js", panel.hash);
    let loader = Script::new(squeeze(&text("loader.js")).replace(PANEL_PLACEHOLDER, &panel_path));
    Widget {
        loader,
        panel,
        panel_path,
    }
}

/// An embedded file as text; the files are ours and UTF-8, so a missing one is a build bug
/// that the widget tests catch, not something to handle at run time.
fn text(name: &str) -> String {
    WidgetFiles::get(name)
        .map(|f| String::from_utf8_lossy(&f.data).into_owned())
        .unwrap_or_default()
}

/// Drops indentation, blank lines and full-line `//` comments: a third of the weight, with
/// no parser. (Our sources keep `//` out of the starts of multi-line strings.)
fn squeeze(source: &str) -> String {
    source
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

impl Script {
    fn new(source: String) -> Self {
        let plain = source.into_bytes();
        let hash = hex::encode(Sha256::digest(&plain))[..16].to_owned();
        Self {
            gzip: gzip(&plain),
            brotli: brotli(&plain),
            hash,
            plain,
        }
    }

    /// The body and headers for a request, or 304 when its ETag is the one it holds.
    fn respond(&self, req: &Request, cache: &'static str) -> Response {
        let encoding = negotiate(req.header(header::ACCEPT_ENCODING.as_str()).unwrap_or(""));
        let (body, coding, tag) = match encoding {
            Encoding::Brotli => (&self.brotli, Some("br"), format!("\"{}-br\"", self.hash)),
            Encoding::Gzip => (&self.gzip, Some("gzip"), format!("\"{}-gz\"", self.hash)),
            Encoding::Identity => (&self.plain, None, format!("\"{}\"", self.hash)),
        };
        // The encodings are one content: any of its tags is a match (RFC 9110 §13.1.2 uses
        // the weak comparison for If-None-Match).
        let fresh = req
            .header(header::IF_NONE_MATCH.as_str())
            .is_some_and(|v| v.split(',').any(|t| self.tags(t.trim())));
        let mut response = if fresh {
            Response::builder()
                .status(StatusCode::NOT_MODIFIED)
                .finish()
        } else {
            Response::builder()
                .content_type("text/javascript; charset=utf-8")
                .body(body.clone())
        };
        let headers = response.headers_mut();
        let mut set = |name, value: &str| {
            if let Ok(value) = HeaderValue::from_str(value) {
                headers.insert(name, value);
            }
        };
        set(header::ETAG, &tag);
        set(header::CACHE_CONTROL, cache);
        set(header::VARY, "Accept-Encoding");
        set(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
        // Sites that isolate themselves (COEP) may still load the widget.
        set(
            header::HeaderName::from_static("cross-origin-resource-policy"),
            "cross-origin",
        );
        if let (Some(coding), false) = (coding, fresh) {
            set(header::CONTENT_ENCODING, coding);
        }
        response
    }

    fn tags(&self, tag: &str) -> bool {
        let tag = tag.trim_start_matches("W/").trim_matches('"');
        tag == "*"
            || tag
                .strip_suffix("-br")
                .or(tag.strip_suffix("-gz"))
                .unwrap_or(tag)
                == self.hash
    }
}

#[derive(Debug, PartialEq)]
enum Encoding {
    Brotli,
    Gzip,
    Identity,
}

/// Brotli when the client takes it, else gzip, else the plain text; `q=0` refuses a coding.
fn negotiate(accept: &str) -> Encoding {
    let accepts = |coding: &str| {
        accept.split(',').any(|item| {
            let mut parts = item.split(';').map(str::trim);
            let name = parts.next().unwrap_or("");
            let refused = parts.any(|p| {
                p.strip_prefix("q=")
                    .and_then(|q| q.parse::<f32>().ok())
                    .is_some_and(|q| q <= 0.0)
            });
            name.eq_ignore_ascii_case(coding) && !refused
        })
    };
    if accepts("br") {
        Encoding::Brotli
    } else if accepts("gzip") {
        Encoding::Gzip
    } else {
        Encoding::Identity
    }
}

pub fn gzip(data: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    // Writing to a Vec cannot fail.
    let _ = encoder.write_all(data);
    encoder.finish().unwrap_or_default()
}

fn brotli(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut writer = brotli::CompressorWriter::new(&mut out, 4096, 11, 22);
        let _ = writer.write_all(data);
    }
    out
}

/// `GET /widget.js`.
#[handler]
pub fn serve_loader(req: &Request) -> Response {
    widget().loader.respond(req, LOADER_CACHE)
}

/// `GET /widget/panel.{hash}.js`: only the current hash; an old one is gone (404), and the
/// loader that named it expires within five minutes.
#[handler]
pub fn serve_panel(req: &Request, Path(file): Path<String>) -> Response {
    let w = widget();
    if w.panel_path.strip_prefix("/widget/") == Some(file.as_str()) {
        w.panel.respond(req, PANEL_CACHE)
    } else {
        respond(StatusCode::NOT_FOUND, format!("no widget file {file}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brotli_is_preferred_and_q0_refuses() {
        assert_eq!(negotiate("gzip, deflate, br"), Encoding::Brotli);
        assert_eq!(negotiate("gzip, br;q=0"), Encoding::Gzip);
        assert_eq!(negotiate("identity"), Encoding::Identity);
        assert_eq!(negotiate(""), Encoding::Identity);
    }

    #[test]
    fn squeezing_keeps_code_and_drops_comments() {
        assert_eq!(
            squeeze("  // why\n  var a = 1; // kept\n\n"),
            "var a = 1; // kept"
        );
    }
}
