//! Admin sign-in, API keys and tenants. Keys and tenants need the admin session.
//!
//! | method | path                         | operation     |
//! |--------|------------------------------|---------------|
//! | POST   | /api/admin/auth              | login         |
//! | DELETE | /api/admin/auth              | logout        |
//! | GET    | /api/admin/api-keys          | listApiKeys   |
//! | POST   | /api/admin/api-keys          | createApiKey  |
//! | DELETE | /api/admin/api-keys/{id}     | revokeApiKey  |
//! | GET    | /api/admin/tenants           | listTenants   |
//! | POST   | /api/admin/tenants           | createTenant  |
//! | GET    | /api/admin/tenants/{id}      | getTenant     |
//! | PATCH  | /api/admin/tenants/{id}      | updateTenant  |

use std::sync::Arc;

use poem::Request;
use poem::web::Data;
use poem_openapi::param::Path;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Enum, Object, OpenApi};
use serde::Deserialize;
use uuid::Uuid;

use super::ApiTags;
use super::auth::{AdminSession, SESSION_COOKIE, client_ip, session_cookie};
use super::body::JsonBody;
use super::error::ApiError;
use super::formats::DateTime;
use super::rate_limit::{Limiters, seconds_up};
use crate::app::App;
use crate::domain::{auth, tenants};
use crate::error::Error;
use crate::model::{ApiKey, Tenant, Tier};

type Result<T> = std::result::Result<T, ApiError>;

#[derive(Default)]
pub struct AdminApi;

#[OpenApi(prefix_path = "/api/admin")]
impl AdminApi {
    /// Log in with the admin token
    ///
    /// Sets an HTTP-only session cookie valid for 7 days. More than 10 failed attempts a
    /// minute from one IP are refused with 429.
    #[oai(
        path = "/auth",
        method = "post",
        operation_id = "login",
        tag = "ApiTags::Admin"
    )]
    async fn login(
        &self,
        app: Data<&App>,
        limiters: Data<&Arc<Limiters>>,
        req: &Request,
        body: JsonBody<LoginRequest>,
    ) -> Result<LoggedIn> {
        let ip = client_ip(req, &app.config.trusted_proxies);
        if let Some(wait) = ip.and_then(|ip| limiters.logins.blocked_ip(ip)) {
            return Err(Error::RateLimited {
                retry_after_secs: seconds_up(wait),
            }
            .into());
        }
        match auth::login(&app.store, app.clock.as_ref(), &body.0.token).await {
            Ok((session, expires_at)) => {
                let cookie = session_set_cookie(&app, &session, auth::SESSION_TTL.as_secs());
                Ok(LoggedIn::Ok(
                    Json(LoginResult {
                        ok: true,
                        expires_at: DateTime::from(expires_at),
                    }),
                    cookie,
                ))
            }
            Err(Error::Unauthorized(msg)) => {
                match ip.and_then(|ip| limiters.logins.failed_ip(ip)) {
                    Some(wait) => Err(Error::RateLimited {
                        retry_after_secs: seconds_up(wait),
                    }
                    .into()),
                    None => Err(Error::Unauthorized(msg).into()),
                }
            }
            Err(other) => Err(other.into()),
        }
    }

    /// Log out
    ///
    /// Ends the session named by the cookie (if any) and clears the cookie.
    #[oai(
        path = "/auth",
        method = "delete",
        operation_id = "logout",
        tag = "ApiTags::Admin"
    )]
    async fn logout(&self, app: Data<&App>, req: &Request) -> Result<LoggedOut> {
        if let Some(session) = session_cookie(req) {
            auth::logout(&app.store, &session).await?;
        }
        Ok(LoggedOut::Ok(session_set_cookie(&app, "", 0)))
    }

    /// List API keys
    ///
    /// The keys of the session's tenant; secrets are never shown again.
    #[oai(
        path = "/api-keys",
        method = "get",
        operation_id = "listApiKeys",
        tag = "ApiTags::ApiKeys"
    )]
    async fn list_keys(&self, app: Data<&App>, admin: AdminSession) -> Result<Json<ApiKeyList>> {
        let keys = auth::list_keys(&app.store, Some(admin.tenant)).await?;
        Ok(Json(ApiKeyList {
            api_keys: keys.into_iter().map(ApiKeyBody::from).collect(),
        }))
    }

    /// Create an API key
    ///
    /// The response holds the key itself, once: store it now.
    #[oai(
        path = "/api-keys",
        method = "post",
        operation_id = "createApiKey",
        tag = "ApiTags::ApiKeys"
    )]
    async fn create_key(
        &self,
        app: Data<&App>,
        admin: AdminSession,
        body: JsonBody<CreateApiKey>,
    ) -> Result<KeyCreated> {
        let tier = body.0.tier.map_or(Tier::Free, TierName::into_domain);
        let (key, secret) = auth::create_key(
            &app.store,
            app.clock.as_ref(),
            admin.tenant,
            &body.0.name,
            tier,
        )
        .await?;
        Ok(KeyCreated::Ok(Json(NewApiKey {
            api_key: key.into(),
            key: secret,
        })))
    }

    /// Revoke an API key
    ///
    /// Requests with the key fail from now on.
    #[oai(
        path = "/api-keys/:id",
        method = "delete",
        operation_id = "revokeApiKey",
        tag = "ApiTags::ApiKeys"
    )]
    async fn revoke_key(
        &self,
        app: Data<&App>,
        admin: AdminSession,
        id: Path<Uuid>,
    ) -> Result<Revoked> {
        auth::revoke_key(
            &app.store,
            &app.api_keys,
            app.clock.as_ref(),
            Some(admin.tenant),
            &id.0.to_string(),
        )
        .await?;
        Ok(Revoked::Ok)
    }

    /// List tenants
    #[oai(
        path = "/tenants",
        method = "get",
        operation_id = "listTenants",
        tag = "ApiTags::Tenants"
    )]
    async fn list_tenants(
        &self,
        app: Data<&App>,
        _admin: AdminSession,
    ) -> Result<Json<TenantList>> {
        let all = tenants::list(&app.store).await?;
        Ok(Json(TenantList {
            tenants: all.into_iter().map(TenantBody::from).collect(),
        }))
    }

    /// Create a tenant
    #[oai(
        path = "/tenants",
        method = "post",
        operation_id = "createTenant",
        tag = "ApiTags::Tenants"
    )]
    async fn create_tenant(
        &self,
        app: Data<&App>,
        _admin: AdminSession,
        body: JsonBody<CreateTenant>,
    ) -> Result<TenantCreated> {
        let tenant = tenants::create(&app, &body.0.id, body.0.name).await?;
        Ok(TenantCreated::Ok(Json(TenantEnvelope {
            tenant: tenant.into(),
        })))
    }

    /// Get a tenant
    #[oai(
        path = "/tenants/:id",
        method = "get",
        operation_id = "getTenant",
        tag = "ApiTags::Tenants"
    )]
    async fn get_tenant(
        &self,
        app: Data<&App>,
        _admin: AdminSession,
        id: Path<String>,
    ) -> Result<Json<TenantEnvelope>> {
        let tenant = tenants::get(&app, &id.0).await?;
        Ok(Json(TenantEnvelope {
            tenant: tenant.into(),
        }))
    }

    /// Update a tenant
    #[oai(
        path = "/tenants/:id",
        method = "patch",
        operation_id = "updateTenant",
        tag = "ApiTags::Tenants"
    )]
    async fn update_tenant(
        &self,
        app: Data<&App>,
        _admin: AdminSession,
        id: Path<String>,
        body: JsonBody<UpdateTenant>,
    ) -> Result<Json<TenantEnvelope>> {
        let tenant = tenants::rename(&app, &id.0, body.0.name).await?;
        Ok(Json(TenantEnvelope {
            tenant: tenant.into(),
        }))
    }
}

/// The session cookie: HttpOnly, SameSite=Strict, `Secure` behind https; `max_age` 0 deletes it.
fn session_set_cookie(app: &App, value: &str, max_age: i64) -> String {
    let secure = if app.public_url.scheme() == "https" {
        "; Secure"
    } else {
        ""
    };
    format!(
        "{SESSION_COOKIE}={value}; HttpOnly; SameSite=Strict; Path=/; Max-Age={max_age}{secure}"
    )
}

#[derive(Object, Deserialize)]
#[oai(deny_unknown_fields)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    /// The admin token printed at first start (or set with SYNAPTIQ_ADMIN_TOKEN).
    #[oai(validator(max_length = 1024))]
    pub token: String,
}

#[derive(Object)]
#[oai(rename_all = "camelCase")]
pub struct LoginResult {
    pub ok: bool,
    /// When the session expires (7 days).
    pub expires_at: DateTime,
}

#[derive(ApiResponse)]
pub enum LoggedIn {
    /// Logged in; the session cookie is set.
    #[oai(status = 200)]
    Ok(Json<LoginResult>, #[oai(header = "Set-Cookie")] String),
}

#[derive(ApiResponse)]
pub enum LoggedOut {
    /// Logged out; the session cookie is cleared.
    #[oai(status = 204)]
    Ok(#[oai(header = "Set-Cookie")] String),
}

#[derive(Enum, Deserialize, Debug, Clone, Copy)]
#[oai(rename = "Tier", rename_all = "lowercase")]
#[serde(rename_all = "lowercase")]
pub enum TierName {
    Free,
    Pro,
    Enterprise,
}

impl TierName {
    fn into_domain(self) -> Tier {
        match self {
            Self::Free => Tier::Free,
            Self::Pro => Tier::Pro,
            Self::Enterprise => Tier::Enterprise,
        }
    }

    fn from_domain(tier: Tier) -> Self {
        match tier {
            Tier::Free => Self::Free,
            Tier::Pro => Self::Pro,
            Tier::Enterprise => Self::Enterprise,
        }
    }
}

#[derive(Object, Deserialize)]
#[oai(rename_all = "camelCase", deny_unknown_fields)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateApiKey {
    /// What the key is for (1-100 chars).
    #[oai(validator(min_length = 1, max_length = 100, pattern = r"\S"))]
    pub name: String,
    /// Sets the rate limit; default free.
    #[oai(nullable)]
    pub tier: Option<TierName>,
}

#[derive(Object)]
#[oai(rename = "ApiKey", rename_all = "camelCase")]
pub struct ApiKeyBody {
    pub id: String,
    pub tenant_id: String,
    pub name: String,
    pub tier: TierName,
    /// The key's first characters, to tell keys apart.
    pub prefix: String,
    pub created_at: DateTime,
    #[oai(nullable)]
    pub last_used_at: Option<DateTime>,
    #[oai(nullable)]
    pub revoked_at: Option<DateTime>,
}

impl From<ApiKey> for ApiKeyBody {
    fn from(key: ApiKey) -> Self {
        Self {
            id: key.id,
            tenant_id: key.tenant.to_string(),
            name: key.name,
            tier: TierName::from_domain(key.tier),
            prefix: key.prefix,
            created_at: DateTime::from(key.created_at),
            last_used_at: key.last_used_at.map(DateTime::from),
            revoked_at: key.revoked_at.map(DateTime::from),
        }
    }
}

#[derive(Object)]
#[oai(rename_all = "camelCase")]
pub struct ApiKeyList {
    pub api_keys: Vec<ApiKeyBody>,
}

#[derive(Object)]
#[oai(rename_all = "camelCase")]
pub struct NewApiKey {
    pub api_key: ApiKeyBody,
    /// The secret: shown this once, only its hash is stored.
    pub key: String,
}

#[derive(ApiResponse)]
pub enum KeyCreated {
    /// The key was created.
    #[oai(status = 201)]
    Ok(Json<NewApiKey>),
}

#[derive(ApiResponse)]
pub enum Revoked {
    /// The key is revoked.
    #[oai(status = 204)]
    Ok,
}

#[derive(Object)]
#[oai(rename = "Tenant", rename_all = "camelCase")]
pub struct TenantBody {
    pub id: String,
    pub name: String,
    pub created_at: DateTime,
    pub updated_at: DateTime,
}

impl From<Tenant> for TenantBody {
    fn from(t: Tenant) -> Self {
        Self {
            id: t.id.to_string(),
            name: t.name,
            created_at: DateTime::from(t.created_at),
            updated_at: DateTime::from(t.updated_at),
        }
    }
}

#[derive(Object, Deserialize)]
#[oai(deny_unknown_fields)]
#[serde(deny_unknown_fields)]
pub struct CreateTenant {
    /// `[a-z0-9-]{1,64}`; what `data-tenant` names.
    #[oai(validator(pattern = "^[a-z0-9-]{1,64}$"))]
    pub id: String,
    /// Display name (1-200 chars); defaults to the id.
    #[oai(nullable, validator(min_length = 1, max_length = 200, pattern = r"\S"))]
    pub name: Option<String>,
}

#[derive(Object, Deserialize)]
#[oai(deny_unknown_fields)]
#[serde(deny_unknown_fields)]
pub struct UpdateTenant {
    /// Display name (1-200 chars).
    #[oai(validator(min_length = 1, max_length = 200, pattern = r"\S"))]
    pub name: String,
}

#[derive(Object)]
pub struct TenantEnvelope {
    pub tenant: TenantBody,
}

#[derive(Object)]
pub struct TenantList {
    pub tenants: Vec<TenantBody>,
}

#[derive(ApiResponse)]
pub enum TenantCreated {
    /// The tenant was created.
    #[oai(status = 201)]
    Ok(Json<TenantEnvelope>),
}
