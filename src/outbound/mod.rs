//! Everything that leaves the machine: the URL guard, DNS, the HTTP clients (webhooks, LLM
//! providers), request signing and the webhook sender. Names resolve through [`dns`], and TLS trusts the system's CA certificates or, on a host without
//! any (an empty container, a chroot), Mozilla's, built into the binary.

pub mod dns;
pub mod signing;
pub mod url_guard;
pub mod webhook;

use crate::error::{Error, Result};

/// Builds `configure(builder)`; when the system has no CA certificates to verify against,
/// builds it again trusting the bundled Mozilla roots instead.
pub fn client(
    what: &str,
    configure: impl Fn(reqwest::ClientBuilder) -> reqwest::ClientBuilder,
) -> Result<reqwest::Client> {
    match configure(reqwest::Client::builder()).build() {
        Ok(client) => Ok(client),
        Err(system) => {
            tracing::warn!(
                err = %system,
                "{what}: no usable system CA certificates; trusting the Mozilla roots built in"
            );
            configure(reqwest::Client::builder())
                .tls_certs_only(bundled_roots())
                .build()
                .map_err(|err| Error::internal(format!("{what} HTTP client: {err}")))
        }
    }
}

fn bundled_roots() -> Vec<reqwest::Certificate> {
    webpki_root_certs::TLS_SERVER_ROOT_CERTS
        .iter()
        .filter_map(|der| reqwest::Certificate::from_der(der).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_bundled_roots_are_all_usable() {
        assert_eq!(
            super::bundled_roots().len(),
            webpki_root_certs::TLS_SERVER_ROOT_CERTS.len()
        );
        assert!(super::bundled_roots().len() > 100);
    }
}
