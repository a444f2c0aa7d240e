//! `synaptiq healthcheck`: a container image built `FROM scratch` has no curl, so the
//! binary probes its own server's `/api/health` and exits 0 (healthy) or 1.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;

use clap::Args;

use crate::config::Config;
use crate::error::{Error, Result};

#[derive(Args, Debug)]
pub struct HealthcheckArgs {
    /// The server's base URL [default: the configured bind address, over loopback when it
    /// listens on every address]
    #[arg(long, value_name = "URL")]
    pub url: Option<String>,
}

/// GETs `/api/health` once and fails unless the server answers 2xx within five seconds.
pub async fn check(config: &Config, args: HealthcheckArgs) -> Result<()> {
    let base = match args.url {
        Some(url) => url.trim_end_matches('/').to_owned(),
        None => local_url(config.bind)?,
    };
    let url = format!("{base}/api/health");
    // The probe goes to our own server, never through a proxy from the environment.
    let client = crate::outbound::client("healthcheck", |builder| {
        builder.no_proxy().timeout(Duration::from_secs(5))
    })?;
    let response = client
        .get(&url)
        .send()
        .await
        .map_err(|e| Error::Unavailable(format!("{url}: {e}")))?;
    let status = response.status();
    let body = response.text().await.unwrap_or_default();
    if !status.is_success() {
        return Err(Error::Unavailable(format!("{url}: {status} {body}")));
    }
    println!("{body}");
    Ok(())
}

/// The URL a process on the same machine reaches `bind` at.
fn local_url(bind: SocketAddr) -> Result<String> {
    if bind.port() == 0 {
        return Err(Error::invalid(
            "bind",
            "port 0 picks a port at random: pass --url",
        ));
    }
    let ip = match bind.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    Ok(format!("http://{}", SocketAddr::new(ip, bind.port())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_address_is_probed_over_loopback() {
        let url = |s: &str| local_url(s.parse().unwrap());
        assert_eq!(url("0.0.0.0:8080").unwrap(), "http://127.0.0.1:8080");
        assert_eq!(url("[::]:8080").unwrap(), "http://[::1]:8080");
        assert_eq!(url("10.0.0.5:9000").unwrap(), "http://10.0.0.5:9000");
        assert!(url("127.0.0.1:0").is_err());
    }
}
