//! The widget's size as a visitor's browser downloads it: `/widget.js` and the chat panel it
//! loads on first open, each asked for with `Accept-Encoding: gzip` (the bench's HTTP client
//! does not decompress, so the body read is the bytes on the wire).

use anyhow::{Context, Result, bail};
use reqwest::StatusCode;

const LOADER: &str = "/widget.js";
const PANEL_PREFIX: &str = "/widget/panel.";

/// Gzipped bytes of the loader and of the panel.
pub struct Size {
    pub loader: usize,
    pub panel: usize,
}

impl Size {
    pub fn kib(&self) -> f64 {
        (self.loader + self.panel) as f64 / 1024.0
    }
}

pub async fn size(http: &reqwest::Client, base: &str) -> Result<Size> {
    // The panel's URL names its content hash; the loader holds it.
    let loader = http
        .get(format!("{base}{LOADER}"))
        .send()
        .await?
        .text()
        .await?;
    let start = loader
        .find(PANEL_PREFIX)
        .context("widget.js names no panel")?;
    let end = loader[start..]
        .find(".js")
        .context("widget.js names no panel script")?;
    let panel = &loader[start..start + end + ".js".len()];
    Ok(Size {
        loader: gzipped(http, &format!("{base}{LOADER}")).await?,
        panel: gzipped(http, &format!("{base}{panel}")).await?,
    })
}

async fn gzipped(http: &reqwest::Client, url: &str) -> Result<usize> {
    let reply = http
        .get(url)
        .header("Accept-Encoding", "gzip")
        .send()
        .await?;
    let status = reply.status();
    let encoding = reply.headers().get("content-encoding").cloned();
    if status != StatusCode::OK {
        bail!("GET {url} answered {status}");
    }
    if encoding.as_ref().and_then(|e| e.to_str().ok()) != Some("gzip") {
        bail!("GET {url} with Accept-Encoding: gzip answered Content-Encoding {encoding:?}");
    }
    Ok(reply.bytes().await?.len())
}
