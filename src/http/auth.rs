//! Who is calling: resolves an API key (bearer) or an admin session (cookie) once per
//! request, applies the rate limit, and hands operations a `Caller` through extractors that
//! also declare the security schemes in the OpenAPI spec.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use ipnet::IpNet;
use poem::http::{Method, StatusCode, header};
use poem::{Endpoint, Middleware, Request, Response};
use poem_openapi::registry::{MetaSecurityScheme, Registry};
use poem_openapi::{ApiExtractor, ApiExtractorType, ExtractParamOptions};

use super::error::respond;
use super::rate_limit::{Limiters, seconds_up};
use crate::app::App;
use crate::domain::{auth, tenants};
use crate::error::Error;
use crate::model::{ApiKey, TenantId, Tier};

pub const SESSION_COOKIE: &str = "synaptiq_session";
pub const TENANT_HEADER: &str = "x-synaptiq-tenant";
const KEY_SCHEME: &str = "apiKey";
const SESSION_SCHEME: &str = "adminSession";

/// An authenticated caller and the tenant it acts on.
#[derive(Debug, Clone)]
pub enum Caller {
    Key(ApiKey),
    Admin { tenant: TenantId },
}

impl Caller {
    pub fn tenant(&self) -> &TenantId {
        match self {
            Self::Key(key) => &key.tenant,
            Self::Admin { tenant } => tenant,
        }
    }
}

/// An admin session: required for key and tenant management.
#[derive(Debug, Clone)]
pub struct AdminSession {
    pub tenant: TenantId,
}

/// Why presented credentials were refused, kept for the operation that needs them.
#[derive(Debug, Clone)]
struct Refused(Error);

pub struct Authenticate;

impl<E: Endpoint<Output = Response>> Middleware<E> for Authenticate {
    type Output = AuthenticateEndpoint<E>;

    fn transform(&self, inner: E) -> Self::Output {
        AuthenticateEndpoint {
            inner,
            warned_of_proxy: AtomicBool::new(false),
        }
    }
}

pub struct AuthenticateEndpoint<E> {
    inner: E,
    /// Whether the log has said that X-Forwarded-For arrives with no trusted proxy set.
    warned_of_proxy: AtomicBool,
}

impl<E: Endpoint<Output = Response>> Endpoint for AuthenticateEndpoint<E> {
    type Output = Response;

    async fn call(&self, mut req: Request) -> poem::Result<Response> {
        let (Some(app), Some(limiters)) = (
            req.data::<App>().cloned(),
            req.data::<Arc<Limiters>>().cloned(),
        ) else {
            return Err(Error::internal("app state missing").into());
        };
        self.warn_of_proxy(&app, &req);
        let prefix = presented_prefix(&req);
        let ip = client_ip(&req, &app.config.trusted_proxies);
        if let Some(prefix) = &prefix
            && let Some(wait) = ip.and_then(|ip| limiters.keys.blocked(ip, prefix))
        {
            return Ok(locked_out(wait));
        }
        let caller = match resolve(&app, &req).await {
            None => return self.inner.call(req).await,
            Some(Err(err)) => {
                if let Some(prefix) = &prefix
                    && matches!(err, Error::Unauthorized(_))
                    && let Some(wait) = ip.and_then(|ip| limiters.keys.failed(ip, prefix))
                {
                    return Ok(locked_out(wait));
                }
                req.extensions_mut().insert(Refused(err));
                return self.inner.call(req).await;
            }
            Some(Ok(caller)) => caller,
        };
        let verdict = match &caller {
            Caller::Key(key) => {
                app.note_key_used(&key.id);
                limiters.check(key.tier, &key.id)
            }
            // Sessions get the top tier's allowance: one admin, a busy dashboard.
            Caller::Admin { .. } => limiters.check(Tier::Enterprise, "admin-session"),
        };
        if let Some(wait) = verdict.retry_after {
            let mut response = respond(
                StatusCode::TOO_MANY_REQUESTS,
                format!(
                    "rate limit of {} requests per minute exceeded; retry in {}s",
                    verdict.limit,
                    seconds_up(wait)
                ),
            );
            verdict.apply(&mut response);
            return Ok(response);
        }
        if let Caller::Admin { .. } = caller
            && let Err(message) = same_origin(&app, &req)
        {
            let mut response = respond(StatusCode::FORBIDDEN, message);
            verdict.apply(&mut response);
            return Ok(response);
        }
        req.extensions_mut().insert(caller);
        let mut response = self.inner.call(req).await?;
        verdict.apply(&mut response);
        Ok(response)
    }
}

impl<E> AuthenticateEndpoint<E> {
    /// Says once that clients are behind a proxy the server does not trust: every request
    /// then counts as the proxy's, so one visitor's flood rate-limits them all.
    fn warn_of_proxy(&self, app: &App, req: &Request) {
        if app.config.trusted_proxies.is_empty()
            && req.headers().contains_key("x-forwarded-for")
            && !self.warned_of_proxy.swap(true, Ordering::Relaxed)
        {
            tracing::warn!(
                "requests carry X-Forwarded-For but no trusted proxy is set, so clients are told \
                 apart (rate limits, logs) by the proxy's address; set SYNAPTIQ_TRUSTED_PROXIES \
                 to the proxy's address if it is yours"
            );
        }
    }
}

/// The display prefix of a presented API key (the whole header value when it is not
/// `Bearer <key>`), or None without an Authorization header.
fn presented_prefix(req: &Request) -> Option<String> {
    let value = req.headers().get(header::AUTHORIZATION)?;
    let value = value.to_str().unwrap_or_default();
    let token = value.strip_prefix("Bearer ").map_or(value, str::trim);
    Some(auth::key_prefix(token).to_owned())
}

/// Too many invalid API keys from this address (brute force): refused before any lookup.
fn locked_out(wait: std::time::Duration) -> Response {
    let secs = seconds_up(wait);
    let mut response = respond(
        StatusCode::TOO_MANY_REQUESTS,
        format!("too many invalid API keys from this address; retry in {secs}s"),
    );
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, secs.into());
    response
}

/// `None` when no credential was presented at all.
async fn resolve(app: &App, req: &Request) -> Option<Result<Caller, Error>> {
    if let Some(value) = req.headers().get(header::AUTHORIZATION) {
        let token = value
            .to_str()
            .ok()
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim);
        let Some(token) = token else {
            return Some(Err(Error::Unauthorized(
                "Authorization must be `Bearer <API key>`",
            )));
        };
        return Some(
            match auth::authenticate_key(&app.store, &app.api_keys, token).await {
                Ok(Some(key)) => Ok(Caller::Key(key)),
                Ok(None) => Err(Error::Unauthorized("invalid or revoked API key")),
                Err(err) => Err(err),
            },
        );
    }
    let session = session_cookie(req)?;
    Some(resolve_session(app, req, &session).await)
}

async fn resolve_session(app: &App, req: &Request, session: &str) -> Result<Caller, Error> {
    if !auth::session_is_live(&app.store, app.clock.as_ref(), session).await? {
        return Err(Error::Unauthorized(
            "session expired or invalid; log in again",
        ));
    }
    let tenant = match req.headers().get(TENANT_HEADER) {
        None => TenantId::default_tenant(),
        Some(raw) => TenantId::parse("X-Synaptiq-Tenant", raw.to_str().unwrap_or_default())?,
    };
    tenants::find(&app.store, tenant)
        .await?
        .map(|tenant| Caller::Admin { tenant })
        .ok_or(Error::NotFound("tenant"))
}

pub fn session_cookie(req: &Request) -> Option<String> {
    req.headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value.to_owned())
        .filter(|v| !v.is_empty())
}

/// Cookie-authenticated changes must come from our own pages (CSRF): the browser's Origin
/// must be the public URL's, or the host the request was sent to.
fn same_origin(app: &App, req: &Request) -> Result<(), String> {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return Ok(());
    }
    let Some(origin) = req
        .headers()
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
    else {
        return Err(
            "cookie-authenticated changes need an Origin header (use an API key for scripts)"
                .into(),
        );
    };
    let public = app.public_url.origin().ascii_serialization();
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let scheme = app.public_url.scheme();
    if origin == public || origin == format!("{scheme}://{host}") {
        Ok(())
    } else {
        Err(format!(
            "cross-origin request refused: Origin {origin} is not {public}"
        ))
    }
}

/// The client's address: the peer, or what trusted proxies say in X-Forwarded-For.
pub fn client_ip(req: &Request, trusted: &[IpNet]) -> Option<IpAddr> {
    let peer = req.remote_addr().as_socket_addr().map(SocketAddr::ip)?;
    if !trusted.iter().any(|net| net.contains(&peer)) {
        return Some(peer);
    }
    let forwarded = req
        .headers()
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|part| part.trim().parse::<IpAddr>().ok())
        .collect::<Vec<_>>();
    // Walk from the nearest hop outwards; the first address we do not trust is the client.
    Some(
        forwarded
            .into_iter()
            .rev()
            .find(|ip| !trusted.iter().any(|net| net.contains(ip)))
            .unwrap_or(peer),
    )
}

fn unauthenticated(req: &Request) -> poem::Error {
    match req.extensions().get::<Refused>() {
        Some(Refused(err)) => err.clone().into(),
        None => Error::Unauthorized(
            "missing credentials: send `Authorization: Bearer <API key>` or log in",
        )
        .into(),
    }
}

fn register_schemes(registry: &mut Registry) {
    registry.create_security_scheme(
        KEY_SCHEME,
        MetaSecurityScheme {
            ty: "http",
            description: Some(
                "An API key (`sq_...`) created in the admin UI or with `synaptiq keys create`.",
            ),
            name: None,
            key_in: None,
            scheme: Some("bearer"),
            bearer_format: Some("sq_..."),
            flows: None,
            openid_connect_url: None,
        },
    );
    registry.create_security_scheme(
        SESSION_SCHEME,
        MetaSecurityScheme {
            ty: "apiKey",
            description: Some("The admin session cookie set by `POST /api/admin/auth`. Acts on the tenant named by `X-Synaptiq-Tenant` (default `default`)."),
            name: Some(SESSION_COOKIE),
            key_in: Some("cookie"),
            scheme: None,
            bearer_format: None,
            flows: None,
            openid_connect_url: None,
        },
    );
}

impl<'a> ApiExtractor<'a> for Caller {
    const TYPES: &'static [ApiExtractorType] = &[ApiExtractorType::SecurityScheme];
    type ParamType = ();
    type ParamRawType = ();

    fn register(registry: &mut Registry) {
        register_schemes(registry);
    }

    fn security_schemes() -> Vec<&'static str> {
        vec![KEY_SCHEME, SESSION_SCHEME]
    }

    async fn from_request(
        req: &'a Request,
        _body: &mut poem::RequestBody,
        _opts: ExtractParamOptions<()>,
    ) -> poem::Result<Self> {
        req.extensions()
            .get::<Caller>()
            .cloned()
            .ok_or_else(|| unauthenticated(req))
    }
}

impl<'a> ApiExtractor<'a> for AdminSession {
    const TYPES: &'static [ApiExtractorType] = &[ApiExtractorType::SecurityScheme];
    type ParamType = ();
    type ParamRawType = ();

    fn register(registry: &mut Registry) {
        register_schemes(registry);
    }

    fn security_schemes() -> Vec<&'static str> {
        vec![SESSION_SCHEME]
    }

    async fn from_request(
        req: &'a Request,
        _body: &mut poem::RequestBody,
        _opts: ExtractParamOptions<()>,
    ) -> poem::Result<Self> {
        match req.extensions().get::<Caller>() {
            Some(Caller::Admin { tenant }) => Ok(Self {
                tenant: tenant.clone(),
            }),
            Some(Caller::Key(_)) => Err(Error::Forbidden(
                "API keys cannot manage keys or tenants; log in with the admin token".into(),
            )
            .into()),
            None => Err(unauthenticated(req)),
        }
    }
}
