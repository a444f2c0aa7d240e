//! Hostile uploads against the real executable (issue 25): PDF inflate bombs are refused
//! before anything decodes them, and a file that crashes a reader costs its child process
//! a 400, never the server. Memory is read from the server's own `/proc/<pid>/status`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::Write;

use common::binary::Serving;
use flate2::Compression;
use flate2::write::ZlibEncoder;
use lopdf::{Document, Object, Stream, dictionary};

const ADMIN_TOKEN: &str = "test-admin-token-0123456789";
const KB: &str = "/api/admin/knowledge-base";
const BOUNDARY: &str = "synaptiq-limits-boundary-91c3";
const MIB: u64 = 1 << 20;

/// A one-page PDF whose content stream is `inflated` zero bytes, deflated.
fn inflate_bomb(inflated: u64) -> Vec<u8> {
    let mut encoder = ZlibEncoder::new(Vec::new(), Compression::best());
    let zeros = vec![0u8; MIB as usize];
    for _ in 0..inflated / MIB {
        encoder.write_all(&zeros).unwrap();
    }
    let mut doc = Document::with_version("1.5");
    let mut content = Stream::new(dictionary! {}, encoder.finish().unwrap());
    content.dict.set("Filter", "FlateDecode");
    let contents = doc.add_object(content);
    let pages = doc.new_object_id();
    let page = doc.add_object(dictionary! {
        "Type" => "Page", "Parent" => pages, "Contents" => contents,
        "MediaBox" => vec![0.into(), 0.into(), 612.into(), 792.into()],
    });
    doc.objects.insert(
        pages,
        Object::Dictionary(
            dictionary! { "Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1 },
        ),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages });
    doc.trailer.set("Root", catalog);
    let mut bytes = Vec::new();
    doc.save_to(&mut bytes).unwrap();
    bytes
}

struct Admin {
    http: reqwest::Client,
    url: String,
    cookie: String,
}

impl Admin {
    async fn login(url: &str) -> Self {
        let http = reqwest::Client::new();
        let reply = http
            .post(format!("{url}/api/admin/auth"))
            .json(&serde_json::json!({ "token": ADMIN_TOKEN }))
            .send()
            .await
            .unwrap();
        assert_eq!(reply.status(), 200);
        let cookie = reply.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_owned();
        Self {
            http,
            url: url.to_owned(),
            cookie,
        }
    }

    /// Uploads `bytes` as `name`; the status and the body.
    async fn upload(&self, name: &str, bytes: &[u8]) -> (u16, String) {
        let mut body = format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\
             Content-Type: application/octet-stream\r\n\r\n"
        )
        .into_bytes();
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
        let reply = self
            .http
            .post(format!("{}{KB}", self.url))
            .header("cookie", &self.cookie)
            .header("origin", &self.url)
            .header(
                "content-type",
                format!("multipart/form-data; boundary={BOUNDARY}"),
            )
            .body(body)
            .send()
            .await
            .unwrap();
        (reply.status().as_u16(), reply.text().await.unwrap())
    }

    async fn healthy(&self) -> bool {
        let reply = self
            .http
            .get(format!("{}/api/health", self.url))
            .send()
            .await;
        reply.is_ok_and(|r| r.status() == 200)
    }
}

/// The peak resident memory of process `pid` (VmHWM), in bytes.
fn peak_rss(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .unwrap_or_else(|| panic!("no VmHWM in {status}"));
    let kib: u64 = line
        .split_whitespace()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap();
    kib * 1024
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pdf_inflate_bombs_are_refused_and_the_server_stays_small() {
    let dir = tempfile::tempdir().unwrap();
    let server = Serving::on(dir.path(), &[("SYNAPTIQ_ADMIN_TOKEN", ADMIN_TOKEN)]);
    let admin = Admin::login(&server.url).await;
    for inflated in [16 * MIB, 64 * MIB, 1024 * MIB] {
        let bomb = inflate_bomb(inflated);
        assert!(bomb.len() < 2 << 20, "{} bytes", bomb.len());
        let (status, body) = admin.upload("bomb.pdf", &bomb).await;
        assert_eq!(status, 400, "{} MiB bomb: {body}", inflated / MIB);
        assert!(
            body.contains("decompression bomb"),
            "{} MiB bomb: {body}",
            inflated / MIB
        );
    }
    assert!(admin.healthy().await, "{}", server.stderr());
    let peak = peak_rss(server.child.id());
    assert!(peak < 600 * MIB, "server peak RSS {} MiB", peak / MIB);
}

/// A one-page PDF whose content is `streams` streams of `each` bytes of `0 ` operands:
/// within the inflate caps, but decoding it takes about fifty times its size.
fn operand_flood(streams: usize, each: usize) -> Vec<u8> {
    let mut doc = Document::with_version("1.5");
    let zeros = b"0 ".repeat(each / 2);
    let mut encoder = ZlibEncoder::new(Vec::new(), Compression::fast());
    encoder.write_all(&zeros).unwrap();
    let deflated = encoder.finish().unwrap();
    let contents: Vec<Object> = (0..streams)
        .map(|_| {
            let mut stream = Stream::new(dictionary! {}, deflated.clone());
            stream.dict.set("Filter", "FlateDecode");
            doc.add_object(stream).into()
        })
        .collect();
    let pages = doc.new_object_id();
    let page = doc.add_object(dictionary! {
        "Type" => "Page", "Parent" => pages, "Contents" => contents,
        "MediaBox" => vec![0.into(), 0.into(), 612.into(), 792.into()],
    });
    doc.objects.insert(
        pages,
        Object::Dictionary(
            dictionary! { "Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1 },
        ),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages });
    doc.trailer.set("Root", catalog);
    let mut bytes = Vec::new();
    doc.save_to(&mut bytes).unwrap();
    bytes
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_that_exhausts_its_reader_costs_one_400_and_the_server_stays_up() {
    let dir = tempfile::tempdir().unwrap();
    let server = Serving::on(dir.path(), &[("SYNAPTIQ_ADMIN_TOKEN", ADMIN_TOKEN)]);
    let admin = Admin::login(&server.url).await;
    let flood = operand_flood(12, 7 << 20);
    let (status, body) = admin.upload("flood.pdf", &flood).await;
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("within the reader's limits"), "{body}");
    assert!(admin.healthy().await, "{}", server.stderr());
    let (status, body) = admin
        .upload("fine.txt", b"The Picker 3000 lifts up to 25 kilograms.")
        .await;
    assert_eq!(status, 201, "{body}");
    let peak = peak_rss(server.child.id());
    assert!(peak < 600 * MIB, "server peak RSS {} MiB", peak / MIB);
}
