//! The HTTP transport: the route table, and the middleware every request passes through.
//!
//! Order, outermost first: app state → request log → header limit → CORS and chat limits →
//! authentication and rate limits → body limit and read deadline → bound on streamed replies
//! → `Allow` on 405 → panic guard → JSON errors → routes. Everything the server answers,
//! including unknown routes, wrong methods, panics and what hyper refuses before any of this
//! runs (`refused`), is therefore JSON with the right status.

pub mod admin;
pub mod analytics;
pub mod assets;
pub mod auth;
pub mod body;
pub mod chat;
pub mod conversations;
pub mod cors;
pub mod error;
pub mod events;
pub mod formats;
pub mod health;
pub mod knowledge;
pub mod leads;
pub mod meetings;
pub mod rate_limit;
pub mod refused;
pub mod request_log;
pub mod settings;
pub mod spec;
pub mod webhooks;
pub mod widget;

use std::sync::Arc;

use poem::http::StatusCode;
use poem::middleware::CatchPanic;
use poem::{Endpoint, EndpointExt, Request, Response, Route};
use poem_openapi::{OpenApiService, Tags};

use crate::app::App;

/// JSON bodies larger than this are refused with 413, the limit the API documents.
pub const JSON_BODY_LIMIT: u64 = 1024 * 1024;
/// Knowledge-base uploads: 25 MiB of file plus room for the multipart framing.
pub const UPLOAD_BODY_LIMIT: u64 = 25 * 1024 * 1024 + 64 * 1024;
/// Request headers larger than this in all are refused with 431. hyper refuses past about
/// 400 KiB, but only when its read happens to stop short of the end of the headers, so this
/// is the limit a client can count on.
pub const HEADER_LIMIT: usize = 64 * 1024;
/// Chat replies streamed at once (each may hold an LLM stream open); past it, a 503. The
/// per-IP chat rate limit keeps one client far below it; this bounds all of them together.
pub const MAX_CHAT_STREAMS: usize = 1024;

#[derive(Tags)]
pub enum ApiTags {
    /// Leads captured by the chat agent or created through the API.
    Leads,
    /// Signing in to the admin UI.
    Admin,
    /// API keys for server-to-server access (admin session only).
    ApiKeys,
    /// Tenants: one per website or brand (admin session only).
    Tenants,
    /// The public chat API the widget uses.
    Chat,
    /// Conversations between visitors and the agent.
    Conversations,
    /// Meetings booked by the agent.
    Meetings,
    /// Documents the agent answers from.
    KnowledgeBase,
    /// Pipeline metrics: overview, funnel, daily activity, sources and scores.
    Analytics,
    /// The tenant's agent, widget, qualification and availability settings.
    Settings,
    /// The event outbox that webhooks deliver from.
    Events,
    /// Signed HTTP callbacks for the tenant's events, with a log of every delivery.
    Webhooks,
    /// Service health.
    Health,
}

type Apis = (
    leads::LeadsApi,
    leads::AdminLeadsApi,
    chat::ChatApi,
    conversations::ConversationsApi,
    meetings::MeetingsApi,
    knowledge::KnowledgeApi,
    settings::SettingsApi,
    admin::AdminApi,
    events::EventsApi,
    webhooks::WebhooksApi,
    health::HealthApi,
    analytics::AnalyticsApi,
);

/// The OpenAPI service: the spec is generated from these types.
pub fn api_service() -> OpenApiService<Apis, ()> {
    OpenApiService::new(Apis::default(), "Synaptiq API", env!("CARGO_PKG_VERSION"))
        .description(include_str!("api_description.md"))
        .server("http://127.0.0.1:8080")
}

/// The spec as JSON, exactly what `synaptiq openapi` prints, `/api/openapi.json` serves and
/// `openapi.json` holds.
pub fn spec_json() -> String {
    let derived = api_service().spec();
    match serde_json::from_str::<serde_json::Value>(&derived) {
        Ok(mut spec) => {
            spec::close_request_bodies(&mut spec);
            spec::flatten_nullable_refs(&mut spec);
            serde_json::to_string_pretty(&spec).unwrap_or(derived)
        }
        Err(_) => derived,
    }
}

/// The whole HTTP surface, ready to serve.
pub fn endpoint(app: App) -> impl Endpoint<Output = Response> {
    let service = api_service();
    let spec_text = spec_json();
    let allowed = Arc::new(spec::AllowedMethods::from_spec(
        &serde_json::from_str(&spec_text).unwrap_or_default(),
    ));
    let spec = poem::get(poem::endpoint::make_sync(move |_| {
        Response::builder()
            .content_type("application/json; charset=utf-8")
            .body(spec_text.clone())
    }));
    let limiters = Arc::new(rate_limit::Limiters::new(&app.config.rate_limits));
    let streams = Arc::new(tokio::sync::Semaphore::new(MAX_CHAT_STREAMS));
    spawn_limiter_cleanup(&limiters);
    let routes = Route::new()
        .at("/api/openapi.json", spec)
        .nest("/api/docs", assets::docs())
        .nest("/admin", assets::admin())
        .at("/widget.js", poem::get(widget::serve_loader))
        .at("/widget/:file", poem::get(widget::serve_panel))
        .nest("/", service);
    harden(routes)
        .around(move |next, req| spec::allow_header(next, req, allowed.clone()))
        .around(move |next, req| bound_streams(next, req, streams.clone()))
        .around(limit_body)
        .with(auth::Authenticate)
        .around(cors::public_api)
        .around(limit_headers)
        .around(request_log::log_request)
        .data(limiters)
        .data(app)
}

/// Every failure inside the routes, panics included, becomes a JSON error.
fn harden(routes: Route) -> impl Endpoint<Output = Response> {
    routes
        .catch_all_error(error::catch_all)
        .with(CatchPanic::new().with_handler(error::panicked))
}

/// The largest body a request may carry.
fn body_limit(req: &Request) -> u64 {
    let upload = matches!(
        *req.method(),
        poem::http::Method::POST | poem::http::Method::PUT
    ) && req.uri().path().starts_with("/api/admin/knowledge-base");
    if upload {
        UPLOAD_BODY_LIMIT
    } else {
        JSON_BODY_LIMIT
    }
}

/// Refuses bodies over the limit (by Content-Length up front, else once the limit is
/// read, so a chunked one is a 413 too rather than a parse error) and bodies that do not
/// arrive in time: the body is read here, whole, within `request_timeout` (uploads: ten
/// times it), so a client trickling one in holds a connection no longer than that.
async fn limit_body<E: Endpoint<Output = Response>>(
    next: Arc<E>,
    mut req: Request,
) -> poem::Result<Response> {
    let limit = body_limit(&req);
    let too_large = || {
        error::respond(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("request body is larger than {} KiB", limit / 1024),
        )
    };
    let declared = req
        .headers()
        .get(poem::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|len| len > limit) {
        return Ok(too_large());
    }
    // Uploads need credentials, and their operations refuse a caller without them before
    // reading a byte: no 25 MiB is buffered for an anonymous client.
    if limit == UPLOAD_BODY_LIMIT && req.extensions().get::<auth::Caller>().is_none() {
        return next.call(req).await;
    }
    let timeout = req
        .data::<App>()
        .map(|app| app.config.request_timeout)
        .ok_or_else(|| crate::error::Error::internal("app state missing"))?;
    let timeout = if limit == UPLOAD_BODY_LIMIT {
        timeout * 10
    } else {
        timeout
    };
    let mut buffered = Vec::new();
    let reader = tokio::io::AsyncReadExt::take(req.take_body().into_async_read(), limit + 1);
    tokio::pin!(reader);
    let read = tokio::io::AsyncReadExt::read_to_end(&mut reader, &mut buffered);
    match tokio::time::timeout(timeout, read).await {
        Err(_) => {
            let mut response = error::respond(
                StatusCode::REQUEST_TIMEOUT,
                format!(
                    "request body not received within {}s",
                    timeout.as_secs_f64()
                ),
            );
            response.headers_mut().insert(
                poem::http::header::CONNECTION,
                poem::http::HeaderValue::from_static("close"),
            );
            return Ok(response);
        }
        Ok(Err(e)) => {
            return Err(poem::Error::from_string(
                format!("cannot read request body: {e}"),
                StatusCode::BAD_REQUEST,
            ));
        }
        Ok(Ok(_)) if buffered.len() as u64 > limit => return Ok(too_large()),
        Ok(Ok(_)) => req.set_body(buffered),
    }
    next.call(req).await
}

/// Refuses requests whose headers exceed [`HEADER_LIMIT`], before anything reads them.
async fn limit_headers<E: Endpoint<Output = Response>>(
    next: Arc<E>,
    req: Request,
) -> poem::Result<Response> {
    let size: usize = req
        .headers()
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len() + 4)
        .sum();
    if size > HEADER_LIMIT {
        return Ok(error::respond(
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            refused::HEADERS_TOO_LARGE,
        ));
    }
    next.call(req).await
}

/// Holds one of `permits` while a Server-Sent Events reply streams; none left is a 503.
async fn bound_streams<E: Endpoint<Output = Response>>(
    next: Arc<E>,
    req: Request,
    permits: Arc<tokio::sync::Semaphore>,
) -> poem::Result<Response> {
    let wants_stream = req
        .header(poem::http::header::ACCEPT)
        .is_some_and(|accept| accept.contains("text/event-stream"));
    if !wants_stream {
        return next.call(req).await;
    }
    let Ok(permit) = permits.try_acquire_owned() else {
        return Ok(error::respond(
            StatusCode::SERVICE_UNAVAILABLE,
            format!("{MAX_CHAT_STREAMS} replies are streaming already; retry in a moment"),
        ));
    };
    let (parts, body) = next.call(req).await?.into_parts();
    let held = futures_util::StreamExt::map(body.into_bytes_stream(), move |chunk| {
        let _held = &permit;
        chunk
    });
    Ok(Response::from_parts(
        parts,
        poem::Body::from_bytes_stream(held),
    ))
}

/// Keeps the per-key limiter tables bounded by the callers seen recently.
fn spawn_limiter_cleanup(limiters: &Arc<rate_limit::Limiters>) {
    let weak = Arc::downgrade(limiters);
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
        loop {
            tick.tick().await;
            match weak.upgrade() {
                Some(limiters) => limiters.forget_idle(),
                None => break,
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use poem::handler;
    use poem::test::TestClient;

    use super::*;

    #[handler]
    fn explode() -> &'static str {
        panic!("secret internals")
    }

    /// A stream holds its permit until its last byte is sent; with none left, a 503.
    #[tokio::test]
    async fn streamed_replies_are_bounded() {
        let (tx, rx) = tokio::sync::mpsc::channel::<std::io::Result<Vec<u8>>>(1);
        let rx = std::sync::Mutex::new(Some(rx));
        let slow = poem::endpoint::make_sync(move |_| {
            let rx = rx.lock().unwrap().take();
            match rx {
                Some(rx) => {
                    Response::builder().body(poem::Body::from_bytes_stream(tokio_stream_of(rx)))
                }
                None => Response::builder().body("quick"),
            }
        });
        let permits = Arc::new(tokio::sync::Semaphore::new(1));
        let held = permits.clone();
        let ep = Route::new()
            .at("/chat", slow)
            .around(move |next, req| bound_streams(next, req, held.clone()));
        let client = TestClient::new(ep);
        let sse = || client.get("/chat").header("accept", "text/event-stream");
        let first = sse().send().await;
        first.assert_status_is_ok();
        sse()
            .send()
            .await
            .assert_status(StatusCode::SERVICE_UNAVAILABLE);
        tx.send(Ok(b"done".to_vec())).await.unwrap();
        drop(tx);
        assert_eq!(first.0.into_body().into_string().await.unwrap(), "done");
        assert_eq!(
            permits.available_permits(),
            1,
            "released with the last byte"
        );
        sse().send().await.assert_status_is_ok();
    }

    fn tokio_stream_of(
        mut rx: tokio::sync::mpsc::Receiver<std::io::Result<Vec<u8>>>,
    ) -> impl futures_util::Stream<Item = std::io::Result<Vec<u8>>> + Send + 'static {
        futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx))
    }

    /// A panicking handler answers 500 in JSON without internals, and the server stays up.
    #[tokio::test]
    async fn a_panic_becomes_an_opaque_500() {
        let client = TestClient::new(harden(Route::new().at("/boom", explode)));
        for _ in 0..2 {
            let response = client.get("/boom").send().await;
            response.assert_status(StatusCode::INTERNAL_SERVER_ERROR);
            let body = response.0.into_body().into_string().await.unwrap();
            assert!(body.starts_with("{\"error\":\"internal error"), "{body}");
            assert!(!body.contains("secret"), "{body}");
        }
    }
}
