//! Whether what the server depends on works, checked for real rather than assumed.

use crate::app::App;
use crate::error::Result;
use crate::store;

/// The database answers a read.
pub async fn database(app: &App) -> Result<()> {
    app.store
        .read(|conn| store::tenants::count(conn).map(drop))
        .await
}

/// Both search indexes can be searched.
pub fn search(app: &App) -> Result<()> {
    app.leads_index.check()?;
    app.chunks_index.check()
}
