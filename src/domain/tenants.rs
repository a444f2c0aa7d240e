//! Tenants: the unit of isolation. Every widget, key and row belongs to one.

use crate::app::App;
use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::model::{Tenant, TenantId};
use crate::store::{self, Store};

pub async fn create(app: &App, id: &str, name: Option<String>) -> Result<Tenant> {
    create_in(&app.store, app.clock.as_ref(), id, name).await
}

/// Creates a tenant through any store (the CLI has no `App`).
pub async fn create_in(
    store: &Store,
    clock: &dyn Clock,
    id: &str,
    name: Option<String>,
) -> Result<Tenant> {
    let id = TenantId::parse("id", id)?;
    let name = valid_name(name.as_deref().unwrap_or(id.as_str()))?;
    let now = clock.now();
    let tenant = Tenant {
        id,
        name,
        created_at: now,
        updated_at: now,
    };
    store
        .write(move |conn| {
            store::tenants::insert(conn, &tenant)?;
            Ok(tenant)
        })
        .await
}

/// Makes sure the `default` tenant exists; a fresh install serves it.
pub async fn ensure_default(store: &Store, clock: &dyn Clock) -> Result<()> {
    let now = clock.now().as_millisecond();
    store
        .write(move |conn| store::tenants::ensure_default(conn, now))
        .await?;
    Ok(())
}

pub async fn list(store: &Store) -> Result<Vec<Tenant>> {
    store.read(store::tenants::list).await
}

pub async fn get(app: &App, id: &str) -> Result<Tenant> {
    let id = TenantId::parse("id", id).map_err(|_| Error::NotFound("tenant"))?;
    app.store
        .read(move |conn| store::tenants::get(conn, &id))
        .await?
        .ok_or(Error::NotFound("tenant"))
}

/// The tenant, if it exists: callers resolve tenant names from headers and widget tags.
pub async fn find(store: &Store, id: TenantId) -> Result<Option<TenantId>> {
    store
        .read(move |conn| Ok(store::tenants::exists(conn, &id)?.then_some(id)))
        .await
}

pub async fn rename(app: &App, id: &str, name: String) -> Result<Tenant> {
    let id = TenantId::parse("id", id).map_err(|_| Error::NotFound("tenant"))?;
    let name = valid_name(&name)?;
    let now = app.clock.now();
    app.store
        .write(move |conn| {
            let mut tenant = store::tenants::get(conn, &id)?.ok_or(Error::NotFound("tenant"))?;
            tenant.name = name;
            tenant.updated_at = now;
            store::tenants::update(conn, &tenant)?;
            Ok(tenant)
        })
        .await
}

fn valid_name(name: &str) -> Result<String> {
    let name = name.trim().to_owned();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(Error::invalid("name", "must be 1-200 characters"));
    }
    Ok(name)
}
