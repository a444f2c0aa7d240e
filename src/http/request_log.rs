//! One log line per request: request id (echoed as `X-Request-Id`), method, path, status,
//! duration and client address. Never the query string, a header or a body: those are where
//! tokens, keys and visitors' messages travel.

use std::sync::Arc;
use std::time::Instant;

use poem::http::HeaderValue;
use poem::{Endpoint, Request, Response};

use super::auth::client_ip;
use crate::app::App;

const HEADER: &str = "x-request-id";

tokio::task_local! {
    /// The id of the request being answered, for errors logged while answering it.
    static REQUEST_ID: String;
}

/// The current request's id, or a fresh one outside a request.
pub fn current_id() -> String {
    REQUEST_ID
        .try_with(Clone::clone)
        .unwrap_or_else(|_| uuid::Uuid::now_v7().to_string())
}

pub async fn log_request<E: Endpoint<Output = Response>>(
    next: Arc<E>,
    req: Request,
) -> poem::Result<Response> {
    let started = Instant::now();
    let id = req
        .header(HEADER)
        .filter(|id| is_plain_id(id))
        .map_or_else(|| uuid::Uuid::now_v7().to_string(), str::to_owned);
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    let client = req
        .data::<App>()
        .and_then(|app| client_ip(&req, &app.config.trusted_proxies));
    let answered = REQUEST_ID.scope(id.clone(), next.call(req)).await;
    let mut response = answered.unwrap_or_else(poem::Error::into_response);
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(HEADER, value);
    }
    tracing::info!(
        request_id = %id,
        %method,
        path = %path,
        status = response.status().as_u16(),
        ms = started.elapsed().as_secs_f64() * 1000.0,
        client = %client.map(|ip| ip.to_string()).unwrap_or_default(),
        "request"
    );
    Ok(response)
}

/// A caller's id is echoed only if it is short and plain (it goes into logs and headers).
fn is_plain_id(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b))
}
