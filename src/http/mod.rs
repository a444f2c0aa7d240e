//! The HTTP transport: the route table, and the middleware every request passes through.
//!
//! Order, outermost first: app state → request log → body limit → authentication and rate
//! limits → panic guard → JSON errors → routes. Everything the server answers, including
//! unknown routes, wrong methods and panics, is therefore JSON with the right status.

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
pub mod health;
pub mod knowledge;
pub mod leads;
pub mod meetings;
pub mod rate_limit;
pub mod request_log;
pub mod settings;
pub mod webhooks;
pub mod widget;

use std::sync::Arc;

use poem::http::StatusCode;
use poem::middleware::CatchPanic;
use poem::{Endpoint, EndpointExt, Request, Response, Route};
use poem_openapi::{OpenApiService, Tags};

use crate::app::App;

/// JSON bodies larger than this are refused with 413 (CONTRACT §3).
pub const JSON_BODY_LIMIT: u64 = 1024 * 1024;
/// Knowledge-base uploads: 25 MiB of file plus room for the multipart framing.
pub const UPLOAD_BODY_LIMIT: u64 = 25 * 1024 * 1024 + 64 * 1024;

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

/// The spec as JSON, exactly what `synaptiq openapi` prints and `openapi.json` holds.
pub fn spec_json() -> String {
    api_service().spec()
}

/// The whole HTTP surface, ready to serve.
pub fn endpoint(app: App) -> impl Endpoint<Output = Response> {
    let service = api_service();
    let docs = assets::docs(&service.redoc_html());
    let spec = service.spec_endpoint();
    let limiters = Arc::new(rate_limit::Limiters::new(&app.config.rate_limits));
    spawn_limiter_cleanup(&limiters);
    let routes = Route::new()
        .at("/api/openapi.json", spec)
        .nest("/api/docs", docs)
        .nest("/admin", assets::admin())
        .at("/widget.js", poem::get(widget::serve_loader))
        .at("/widget/:file", poem::get(widget::serve_panel))
        .nest("/", service);
    harden(routes)
        .with(auth::Authenticate)
        .around(cors::public_api)
        .around(limit_body)
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

/// Refuses bodies over the limit: by Content-Length up front; a body without one (chunked)
/// is read here, up to the limit, so an oversized one is a 413 too rather than a parse error.
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
    match declared {
        Some(len) if len > limit => return Ok(too_large()),
        Some(_) => {}
        None => {
            let mut buffered = Vec::new();
            let reader =
                tokio::io::AsyncReadExt::take(req.take_body().into_async_read(), limit + 1);
            tokio::pin!(reader);
            tokio::io::AsyncReadExt::read_to_end(&mut reader, &mut buffered)
                .await
                .map_err(|e| {
                    poem::Error::from_string(
                        format!("cannot read request body: {e}"),
                        StatusCode::BAD_REQUEST,
                    )
                })?;
            if buffered.len() as u64 > limit {
                return Ok(too_large());
            }
            req.set_body(buffered);
        }
    }
    next.call(req).await
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
