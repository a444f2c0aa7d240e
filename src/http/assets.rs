//! Static files embedded in the binary (assets/). The widget's scripts are served by
//! `widget.rs`: put together, compressed and content-hashed once, on first use.

use poem::endpoint::EmbeddedFilesEndpoint;
use rust_embed::RustEmbed;

#[derive(RustEmbed)]
#[folder = "assets/admin/"]
pub struct AdminFiles;

/// `/admin`: the admin UI's files.
pub fn admin() -> EmbeddedFilesEndpoint<AdminFiles> {
    EmbeddedFilesEndpoint::<AdminFiles>::new()
}
