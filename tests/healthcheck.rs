//! `synaptiq healthcheck`, the container image's HEALTHCHECK: exit 0 while the server at the
//! configured address answers `/api/health`, 1 once it does not.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::binary::{Serving, run, synaptiq};

#[tokio::test]
async fn healthcheck_passes_while_the_server_runs_and_fails_once_it_stops() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = Serving::on(dir.path(), &[]);
    let bind = format!("127.0.0.1:{}", server.port());

    // The address comes from the configuration, as in the image (SYNAPTIQ_BIND).
    let healthy = run(synaptiq(&["healthcheck"], &[("SYNAPTIQ_BIND", &bind)]));
    assert!(healthy.status.success(), "{}", healthy.stderr);
    assert!(
        healthy.stdout.contains(r#""status":"ok""#),
        "{}",
        healthy.stdout
    );

    let by_url = run(synaptiq(&["healthcheck", "--url", &server.url], &[]));
    assert!(by_url.status.success(), "{}", by_url.stderr);

    assert!(server.terminate().await.success());
    let down = run(synaptiq(&["healthcheck"], &[("SYNAPTIQ_BIND", &bind)]));
    assert_eq!(down.status.code(), Some(1), "{}", down.stderr);
    assert!(down.stderr.contains("/api/health"), "{}", down.stderr);
}

#[test]
fn healthcheck_needs_a_url_when_the_port_is_picked_at_random() {
    let out = run(synaptiq(
        &["healthcheck"],
        &[("SYNAPTIQ_BIND", "127.0.0.1:0")],
    ));
    assert_eq!(out.status.code(), Some(2), "{}", out.stderr);
    assert!(out.stderr.contains("--url"), "{}", out.stderr);
}
