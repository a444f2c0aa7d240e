//! The public widget API (`/api/chat*`, `/api/widget`): answerable from any site (CORS;
//! tenants that list allowed origins are checked here for preflights and by the operations
//! for requests) and rate-limited per client IP. Every other endpoint sends no CORS headers.
//!
//! A preflight names the tenant in its query (`?tenant=ID`, as the widget sends it): an
//! origin the tenant does not allow gets a 403 without `Access-Control-Allow-Origin`, so the
//! browser never sends the request. A refused request (403) carries no CORS headers either.

use std::sync::Arc;

use poem::http::{HeaderValue, Method, StatusCode, header};
use poem::{Endpoint, Request, Response};

use super::auth::client_ip;
use super::error::respond;
use super::rate_limit::{Limiters, seconds_up};
use crate::app::App;
use crate::domain::settings;
use crate::model::TenantId;

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
        if let Some(refused) = refuse_preflight(&req, origin.as_ref()).await {
            return Ok(refused);
        }
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
    if response.status() != StatusCode::FORBIDDEN {
        allow(&mut response, origin.as_ref());
    }
    Ok(response)
}

/// A 403 for a preflight from an origin the named tenant does not allow.
async fn refuse_preflight(req: &Request, origin: Option<&HeaderValue>) -> Option<Response> {
    let origin = origin?.to_str().ok()?;
    let tenant = req
        .uri()
        .query()
        .and_then(|q| url::form_urlencoded::parse(q.as_bytes()).find(|(k, _)| k == "tenant"))
        .and_then(|(_, v)| TenantId::parse("tenant", v.trim()).ok())?;
    let app = req.data::<App>()?;
    // An unknown tenant is for the request itself to report.
    match settings::origin_allowed(app, &tenant, origin).await {
        Ok(false) => Some(respond(
            StatusCode::FORBIDDEN,
            format!("origin {origin} is not allowed to use this tenant's widget"),
        )),
        _ => None,
    }
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
