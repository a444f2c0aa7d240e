//! The public widget API (`/api/chat*`, `/api/widget`): answerable from any site (CORS;
//! tenants that list allowed origins are checked by the operations) and rate-limited per
//! client IP. Every other endpoint sends no CORS headers.

use std::sync::Arc;

use poem::http::{HeaderValue, Method, StatusCode, header};
use poem::{Endpoint, Request, Response};

use super::auth::client_ip;
use super::error::respond;
use super::rate_limit::{Limiters, seconds_up};
use crate::app::App;

fn is_public(path: &str) -> bool {
    path == "/api/chat" || path.starts_with("/api/chat/") || path == "/api/widget"
}

pub async fn public_api<E: Endpoint<Output = Response>>(
    next: Arc<E>,
    req: Request,
) -> poem::Result<Response> {
    if !is_public(req.uri().path()) {
        return next.call(req).await;
    }
    let origin = req.headers().get(header::ORIGIN).cloned();
    if req.method() == Method::OPTIONS {
        let mut response = Response::builder().status(StatusCode::NO_CONTENT).finish();
        allow(&mut response, origin.as_ref());
        let headers = response.headers_mut();
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_METHODS,
            HeaderValue::from_static("GET, POST, OPTIONS"),
        );
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_HEADERS,
            HeaderValue::from_static("content-type, accept"),
        );
        headers.insert(
            header::ACCESS_CONTROL_MAX_AGE,
            HeaderValue::from_static("86400"),
        );
        return Ok(response);
    }
    let mut response = match limit(&req) {
        Some(refused) => refused,
        None => next.call(req).await?,
    };
    allow(&mut response, origin.as_ref());
    Ok(response)
}

/// Counts a chat message against its client IP's allowance (reads are not limited).
fn limit(req: &Request) -> Option<Response> {
    if req.method() != Method::POST {
        return None;
    }
    let (app, limiters) = (req.data::<App>()?, req.data::<Arc<Limiters>>()?);
    let ip = client_ip(req, &app.config.trusted_proxies)?;
    let verdict = limiters.check_public(ip);
    let wait = verdict.retry_after?;
    let mut response = respond(
        StatusCode::TOO_MANY_REQUESTS,
        format!(
            "too many messages from this address; retry in {}s",
            seconds_up(wait)
        ),
    );
    verdict.apply(&mut response);
    Some(response)
}

fn allow(response: &mut Response, origin: Option<&HeaderValue>) {
    let headers = response.headers_mut();
    // The widget reads Retry-After from a 429 to say when it retries; a cross-origin fetch
    // only sees headers that are exposed.
    headers.insert(
        header::ACCESS_CONTROL_EXPOSE_HEADERS,
        HeaderValue::from_static(
            "Retry-After, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset",
        ),
    );
    match origin {
        Some(origin) => {
            headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin.clone());
            headers.insert(header::VARY, HeaderValue::from_static("Origin"));
        }
        None => {
            headers.insert(
                header::ACCESS_CONTROL_ALLOW_ORIGIN,
                HeaderValue::from_static("*"),
            );
        }
    }
}
