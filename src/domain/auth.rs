//! Credentials: the admin token, admin sessions and API keys.
//!
//! Only SHA-256 hashes of secrets are stored. Secrets are 32 random bytes, so a hash
//! lookup by index leaks nothing useful through timing; the one comparison against a known
//! hash (the admin token) is constant-time.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jiff::{SignedDuration, Timestamp};
use rand::RngCore;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::model::{ApiKey, TenantId, Tier};
use crate::store::{self, Store};

pub const SESSION_TTL: SignedDuration = SignedDuration::from_hours(7 * 24);
pub const KEY_PREFIX: &str = "sq_";
/// Characters of a key kept for display ("sq_" and 8 more).
const DISPLAY_PREFIX_LEN: usize = 11;

/// The part of a presented key shown in the admin UI, by which keys are told apart.
pub fn key_prefix(secret: &str) -> &str {
    secret
        .char_indices()
        .nth(DISPLAY_PREFIX_LEN)
        .map_or(secret, |(end, _)| &secret[..end])
}

pub fn hash(secret: &str) -> [u8; 32] {
    Sha256::digest(secret.as_bytes()).into()
}

/// 32 random bytes, URL-safe base64.
fn random_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Applies `SYNAPTIQ_ADMIN_TOKEN` if set, else generates a token on first start.
/// Returns the token when it was generated, so it can be shown once.
pub async fn prepare_admin_token(
    store: &Store,
    clock: &dyn Clock,
    configured: Option<&str>,
) -> Result<Option<String>> {
    let now = clock.now().as_millisecond();
    if let Some(token) = configured {
        let hashed = hash(token);
        store
            .write(move |conn| {
                if store::sessions::admin_token_hash(conn)?.as_deref() != Some(&hashed[..]) {
                    store::sessions::set_admin_token_hash(conn, &hashed, now)?;
                    store::sessions::delete_all(conn)?;
                }
                Ok(())
            })
            .await?;
        return Ok(None);
    }
    let token = format!("sqa_{}", random_secret());
    let hashed = hash(&token);
    let created = store
        .write(move |conn| {
            if store::sessions::admin_token_hash(conn)?.is_some() {
                return Ok(false);
            }
            store::sessions::set_admin_token_hash(conn, &hashed, now)?;
            Ok(true)
        })
        .await?;
    Ok(created.then_some(token))
}

/// Replaces the admin token and ends every session; returns the new token.
pub async fn reset_admin_token(store: &Store, clock: &dyn Clock) -> Result<String> {
    let token = format!("sqa_{}", random_secret());
    let hashed = hash(&token);
    let now = clock.now().as_millisecond();
    store
        .write(move |conn| {
            store::sessions::set_admin_token_hash(conn, &hashed, now)?;
            store::sessions::delete_all(conn)
        })
        .await?;
    Ok(token)
}

/// A new admin session for a correct token: the session secret and when it expires.
pub async fn login(store: &Store, clock: &dyn Clock, token: &str) -> Result<(String, Timestamp)> {
    let offered = hash(token);
    let stored = store.read(store::sessions::admin_token_hash).await?;
    let matches = stored.is_some_and(|stored| bool::from(stored.as_slice().ct_eq(&offered)));
    if !matches {
        return Err(Error::Unauthorized("invalid admin token"));
    }
    let session = random_secret();
    let hashed = hash(&session);
    let now = clock.now();
    let expires = now.saturating_add(SESSION_TTL).unwrap_or(now);
    store
        .write(move |conn| {
            store::sessions::delete_expired(conn, now.as_millisecond())?;
            store::sessions::insert(
                conn,
                &hashed,
                now.as_millisecond(),
                expires.as_millisecond(),
            )
        })
        .await?;
    Ok((session, expires))
}

pub async fn session_is_live(store: &Store, clock: &dyn Clock, session: &str) -> Result<bool> {
    let hashed = hash(session);
    let now = clock.now().as_millisecond();
    store
        .read(move |conn| store::sessions::is_live(conn, &hashed, now))
        .await
}

pub async fn logout(store: &Store, session: &str) -> Result<()> {
    let hashed = hash(session);
    store
        .write(move |conn| store::sessions::delete(conn, &hashed))
        .await
}

/// Creates a key; the secret is returned here and never again.
pub async fn create_key(
    store: &Store,
    clock: &dyn Clock,
    tenant: TenantId,
    name: &str,
    tier: Tier,
) -> Result<(ApiKey, String)> {
    let name = name.trim().to_owned();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(Error::invalid("name", "must be 1-100 characters"));
    }
    let secret = format!("{KEY_PREFIX}{}", random_secret());
    let key = ApiKey {
        id: uuid::Uuid::now_v7().to_string(),
        tenant,
        name,
        tier,
        prefix: secret[..DISPLAY_PREFIX_LEN].to_owned(),
        created_at: clock.now(),
        last_used_at: None,
        revoked_at: None,
    };
    let hashed = hash(&secret);
    let key = store
        .write(move |conn| {
            if !store::tenants::exists(conn, &key.tenant)? {
                return Err(Error::NotFound("tenant"));
            }
            store::api_keys::insert(conn, &key, &hashed)?;
            Ok(key)
        })
        .await?;
    Ok((key, secret))
}

use crate::store::key_cache::Lookup;
pub use crate::store::key_cache::{KEY_CACHE_TTL, KeyCache};

/// The live key a bearer secret belongs to.
pub async fn authenticate_key(
    store: &Store,
    cache: &KeyCache,
    secret: &str,
) -> Result<Option<ApiKey>> {
    if !secret.starts_with(KEY_PREFIX) {
        return Ok(None);
    }
    let hashed = hash(secret);
    let generation = match cache.lookup(&hashed) {
        Lookup::Live(key) => return Ok(Some(key)),
        Lookup::Unknown { generation } => generation,
    };
    let key = store
        .read(move |conn| store::api_keys::find_active_by_hash(conn, &hashed))
        .await?;
    cache.found(hashed, key.as_ref(), generation);
    Ok(key)
}

pub async fn list_keys(store: &Store, tenant: Option<TenantId>) -> Result<Vec<ApiKey>> {
    store
        .read(move |conn| store::api_keys::list(conn, tenant.as_ref()))
        .await
}

/// Revokes a key (of `tenant`, when given); revoking it again is a 404. Requests
/// authenticated through `cache` refuse it from the moment this returns.
pub async fn revoke_key(
    store: &Store,
    cache: &KeyCache,
    clock: &dyn Clock,
    tenant: Option<TenantId>,
    id: &str,
) -> Result<ApiKey> {
    let (id, now) = (id.to_owned(), clock.now().as_millisecond());
    let revoked = store
        .write(move |conn| {
            let key = store::api_keys::get(conn, &id)?
                .filter(|k| tenant.as_ref().is_none_or(|t| *t == k.tenant))
                .ok_or(Error::NotFound("API key"))?;
            if !store::api_keys::revoke(conn, &id, now)? {
                return Err(Error::NotFound("API key"));
            }
            Ok(store::api_keys::get(conn, &id)?.unwrap_or(key))
        })
        .await?;
    cache.forget_all();
    Ok(revoked)
}

/// Records that a key was used; callers throttle this so it costs no write per request.
pub async fn touch_key(store: &Store, clock: &dyn Clock, id: String) -> Result<()> {
    let now = clock.now().as_millisecond();
    store
        .write(move |conn| store::api_keys::touch(conn, &id, now))
        .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::SystemClock;
    use crate::domain::tenants;

    /// A store with the default tenant and one key: (its directory, the store, the key, the
    /// secret).
    async fn with_key() -> (tempfile::TempDir, Store, ApiKey, String) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("synaptiq.db")).unwrap();
        tenants::ensure_default(&store, &SystemClock).await.unwrap();
        let tenant = TenantId::default_tenant();
        let (key, secret) = create_key(&store, &SystemClock, tenant, "ci", Tier::Pro)
            .await
            .unwrap();
        (dir, store, key, secret)
    }

    #[tokio::test]
    async fn a_key_revoked_through_the_cache_is_refused_at_once() {
        let (_dir, store, key, secret) = with_key().await;
        let cache = KeyCache::default();
        let found = authenticate_key(&store, &cache, &secret).await.unwrap();
        assert_eq!(found.map(|k| k.id), Some(key.id.clone()));
        revoke_key(&store, &cache, &SystemClock, None, &key.id)
            .await
            .unwrap();
        assert!(
            authenticate_key(&store, &cache, &secret)
                .await
                .unwrap()
                .is_none()
        );
    }

    #[tokio::test]
    async fn a_key_revoked_by_another_process_is_refused_once_its_cached_copy_expires() {
        let (_dir, store, key, secret) = with_key().await;
        let cache = KeyCache::default();
        assert!(
            authenticate_key(&store, &cache, &secret)
                .await
                .unwrap()
                .is_some()
        );
        let elsewhere = KeyCache::default();
        revoke_key(&store, &elsewhere, &SystemClock, None, &key.id)
            .await
            .unwrap();
        let cached = authenticate_key(&store, &cache, &secret).await.unwrap();
        assert!(cached.is_some(), "believed without a read while fresh");
        tokio::time::sleep(KEY_CACHE_TTL).await;
        assert!(
            authenticate_key(&store, &cache, &secret)
                .await
                .unwrap()
                .is_none()
        );
    }
}
