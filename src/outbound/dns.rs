//! Outbound name resolution in pure Rust (hickory), for webhooks and LLM providers.
//!
//! The release binary links glibc statically, and a static glibc cannot safely load the NSS
//! modules `getaddrinfo` relies on; resolving here also lets the SSRF guard connect to
//! exactly the addresses it checked. Names come from `/etc/hosts` and the name servers in
//! `/etc/resolv.conf`; without that file a name server on 127.0.0.1 is asked, as glibc and
//! musl do. `localhost` always answers with the loopback addresses (RFC 6761).

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use hickory_resolver::TokioResolver;
use hickory_resolver::config::{NameServerConfig, ResolverConfig};
use hickory_resolver::net::runtime::TokioRuntimeProvider;

use crate::error::{Error, Result};

const RESOLV_CONF: &str = "/etc/resolv.conf";

/// A shared resolver with its cache; cheap to clone.
#[derive(Clone)]
pub struct Resolver(Arc<TokioResolver>);

impl Resolver {
    /// The system's configuration, or a local name server when `/etc/resolv.conf` is missing.
    pub fn from_system() -> Result<Self> {
        let builder = match TokioResolver::builder_tokio() {
            Ok(builder) => builder,
            Err(err) => {
                tracing::warn!(
                    %err,
                    "cannot read {RESOLV_CONF}; resolving names with a name server on 127.0.0.1"
                );
                let config =
                    ResolverConfig::from_name_servers(vec![NameServerConfig::udp_and_tcp(
                        IpAddr::from([127, 0, 0, 1]),
                    )]);
                TokioResolver::builder_with_config(config, TokioRuntimeProvider::default())
            }
        };
        let resolver = builder
            .build()
            .map_err(|err| Error::internal(format!("DNS resolver: {err}")))?;
        Ok(Self(Arc::new(resolver)))
    }

    /// Every address `host` resolves to (an IP literal is its own answer).
    pub async fn lookup(&self, host: &str) -> std::result::Result<Vec<IpAddr>, ResolveError> {
        let host = host.trim_start_matches('[').trim_end_matches(']');
        if let Ok(ip) = host.parse::<IpAddr>() {
            return Ok(vec![ip]);
        }
        let found = self
            .0
            .lookup_ip(host)
            .await
            .map_err(|err| ResolveError(format!("cannot resolve {host}: {err}")))?;
        Ok(found.iter().collect())
    }
}

/// Why a name did not resolve: the message names the host.
#[derive(Debug, Clone)]
pub struct ResolveError(pub String);

impl std::fmt::Display for ResolveError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ResolveError {}

/// For HTTP clients without a destination policy (LLM providers): plain resolution, so no
/// reqwest client falls back to `getaddrinfo`.
impl reqwest::dns::Resolve for Resolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let resolver = self.clone();
        Box::pin(async move {
            // Port 0: reqwest puts in the URL's port or the scheme's default.
            let addrs = resolver.lookup(name.as_str()).await?;
            let addrs: reqwest::dns::Addrs =
                Box::new(addrs.into_iter().map(|ip| SocketAddr::new(ip, 0)));
            Ok(addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn localhost_and_literals_resolve_without_a_name_server() {
        let resolver = Resolver::from_system().unwrap();
        let localhost = resolver.lookup("localhost").await.unwrap();
        assert!(localhost.iter().all(IpAddr::is_loopback), "{localhost:?}");
        assert!(!localhost.is_empty());
        assert_eq!(
            resolver.lookup("[::1]").await.unwrap(),
            vec![IpAddr::from([0u16, 0, 0, 0, 0, 0, 0, 1])]
        );
        assert_eq!(
            resolver.lookup("192.0.2.7").await.unwrap(),
            vec![IpAddr::from([192, 0, 2, 7])]
        );
    }

    #[tokio::test]
    async fn a_name_that_cannot_exist_is_an_error_naming_it() {
        let resolver = Resolver::from_system().unwrap();
        let err = resolver
            .lookup("hooks.does-not-exist.invalid")
            .await
            .unwrap_err();
        assert!(err.0.contains("hooks.does-not-exist.invalid"), "{err}");
    }
}
