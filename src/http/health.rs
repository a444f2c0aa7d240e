//! Liveness and dependency health.
//!
//! | method | path        | operation |
//! |--------|-------------|-----------|
//! | GET    | /api/health | health    |

use poem::web::Data;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi};

use super::ApiTags;
use crate::app::App;
use crate::domain::health;

#[derive(Default)]
pub struct HealthApi;

#[OpenApi(prefix_path = "/api", tag = "ApiTags::Health")]
impl HealthApi {
    /// Check health
    ///
    /// Checks the database and the search index for real; 503 when either cannot be used.
    /// `llm` never waits on a model: it is the outcome of the last real chat turn for a
    /// minute after it, otherwise whether the provider's server accepts a connection.
    #[oai(path = "/health", method = "get", operation_id = "health")]
    async fn health(&self, app: Data<&App>) -> HealthResponse {
        let database = health::database(&app).await;
        let search = health::search(&app);
        let report = Health {
            status: if database.is_ok() && search.is_ok() {
                "ok"
            } else {
                "degraded"
            }
            .to_owned(),
            version: env!("CARGO_PKG_VERSION").to_owned(),
            database: state(database.err()),
            search: state(search.err()),
            llm: app.agent.status().await.as_str().to_owned(),
        };
        if report.status == "ok" {
            HealthResponse::Ok(Json(report))
        } else {
            HealthResponse::Degraded(Json(report))
        }
    }
}

fn state(err: Option<crate::error::Error>) -> String {
    match err {
        None => "ok".to_owned(),
        Some(err) => {
            tracing::warn!(%err, "health check failed");
            "error".to_owned()
        }
    }
}

#[derive(Object)]
pub struct Health {
    /// `ok`, or `degraded` when the database or the index cannot be used.
    pub status: String,
    pub version: String,
    /// `ok` or `error`.
    pub database: String,
    /// `ok` or `error`.
    pub search: String,
    /// `builtin`, `ok`, `not_configured` (a provider is selected without its key) or
    /// `unreachable` (the last turn failed, or the server refuses connections).
    pub llm: String,
}

#[derive(ApiResponse)]
pub enum HealthResponse {
    /// Everything works.
    #[oai(status = 200)]
    Ok(Json<Health>),
    /// The database or the search index cannot be used.
    #[oai(status = 503)]
    Degraded(Json<Health>),
}
