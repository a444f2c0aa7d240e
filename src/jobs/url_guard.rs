//! PLACEHOLDER until the url-guard branch lands: same signatures, checks nothing.
#![allow(clippy::unused_async, clippy::missing_errors_doc)]

use std::net::IpAddr;
use std::time::Duration;

use crate::config::AllowedHosts;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused(pub String);

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Refused {}

pub fn check_url(raw: &str, _allowed: AllowedHosts) -> Result<url::Url, Refused> {
    url::Url::parse(raw).map_err(|e| Refused(e.to_string()))
}

pub async fn check_destination(_url: &url::Url, _allowed: AllowedHosts) -> Result<(), Refused> {
    Ok(())
}

pub fn refusal(_ip: IpAddr, _allowed: AllowedHosts) -> Option<&'static str> {
    None
}

pub fn client(
    timeout: Duration,
    _allowed: AllowedHosts,
) -> Result<reqwest::Client, crate::error::Error> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .timeout(timeout)
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .build()
        .map_err(crate::error::Error::internal)
}
