//! Configuration: defaults < `synaptiq.toml` < environment < flags, validated at start-up.
//!
//! Every key is resolved from its highest-precedence source and parsed there, so an error
//! names the key, the value and where it came from in one line.

use std::collections::BTreeMap;
use std::fmt;
use std::net::SocketAddr;
use std::num::NonZeroU32;
use std::path::{Path, PathBuf};
use std::time::Duration;

use ipnet::IpNet;
use url::Url;

mod parse;
mod sources;

pub use parse::{log_filter, parse_duration};

/// Values given on the command line; `None` means "not given".
#[derive(Debug, Default, Clone)]
pub struct Flags {
    pub config: Option<PathBuf>,
    pub data_dir: Option<PathBuf>,
    pub bind: Option<String>,
    pub public_url: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Config {
    pub data_dir: PathBuf,
    pub bind: SocketAddr,
    /// `None` until the listener is bound: the default is `http://{bound address}`.
    pub public_url: Option<Url>,
    pub admin_token: Option<Secret>,
    pub llm: LlmConfig,
    pub webhooks: WebhookConfig,
    pub rate_limits: RateLimitConfig,
    pub trusted_proxies: Vec<IpNet>,
    pub log: String,
    pub log_format: LogFormat,
    /// How often the search index commits pending changes (DESIGN.md "search/").
    pub search_refresh: Duration,
    /// An active conversation with no message for this long is completed and summarised.
    pub conversation_idle_timeout: Duration,
    /// A request body must arrive within this (uploads: ten times it), so a client that
    /// trickles one in (slowloris) cannot hold a connection for long.
    pub request_timeout: Duration,
    /// Conversations with no message for this many days are deleted, daily; `None` keeps them.
    pub retention_days: Option<u32>,
    /// The executable whose `extract` command reads uploads in a child process (`serve`
    /// sets it to its own); `None` reads them in process.
    pub extractor: Option<PathBuf>,
}

#[derive(Debug, Clone)]
pub struct LlmConfig {
    pub provider: LlmProvider,
    pub base_url: Option<Url>,
    pub api_key: Option<Secret>,
    pub model: Option<String>,
    /// The wall-clock budget of one chat turn with the model, tool calls included.
    pub timeout: Duration,
    /// Model-answered turns one conversation may have; `None`: no limit.
    pub max_turns_per_conversation: Option<NonZeroU32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LlmProvider {
    Builtin,
    OpenAi,
    Anthropic,
}

#[derive(Debug, Clone)]
pub struct WebhookConfig {
    pub retry_delays: Vec<Duration>,
    pub timeout: Duration,
    pub allowed_hosts: AllowedHosts,
}

/// Which destination addresses webhooks may reach besides public ones.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AllowedHosts {
    pub loopback: bool,
    /// RFC 1918, unique-local IPv6 and CGNAT (100.64.0.0/10) addresses.
    pub private: bool,
    /// `*`: every address, link-local and reserved ranges included.
    pub any: bool,
}

#[derive(Debug, Clone, Copy)]
pub struct RateLimitConfig {
    pub free: NonZeroU32,
    pub pro: NonZeroU32,
    pub enterprise: NonZeroU32,
    pub public: NonZeroU32,
    /// Invalid API keys per client IP and minute before the IP is locked out (brute force).
    pub invalid_keys: NonZeroU32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

/// A secret value whose `Debug` never prints it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// One line naming the key, where its value came from and what is wrong with it.
#[derive(Debug, thiserror::Error)]
#[error("invalid configuration: {0}")]
pub struct ConfigError(String);

/// Every key a `synaptiq.toml` may hold; the environment variable is `SYNAPTIQ_` + uppercase.
pub const KEYS: &[&str] = &[
    "data_dir",
    "bind",
    "public_url",
    "admin_token",
    "llm_provider",
    "llm_base_url",
    "llm_api_key",
    "llm_model",
    "llm_timeout",
    "llm_max_turns_per_conversation",
    "webhook_retry_delays",
    "webhook_timeout",
    "webhook_allowed_hosts",
    "rate_limit_free",
    "rate_limit_pro",
    "rate_limit_enterprise",
    "rate_limit_public",
    "rate_limit_invalid_keys",
    "trusted_proxies",
    "log",
    "log_format",
    "search_refresh_interval",
    "conversation_idle_timeout",
    "request_timeout",
    "retention_days",
];

impl Config {
    /// Loads from the process environment.
    pub fn load(flags: &Flags) -> Result<Self, ConfigError> {
        Self::load_with(flags, |name| std::env::var(name).ok())
    }

    /// Loads with an explicit environment, so tests need not touch the process's.
    pub fn load_with(
        flags: &Flags,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, ConfigError> {
        sources::load(flags, &env)
    }

    /// Defaults only, rooted at `data_dir`: what tests and tools start from.
    pub fn for_data_dir(data_dir: &Path) -> Self {
        let flags = Flags {
            data_dir: Some(data_dir.to_path_buf()),
            ..Flags::default()
        };
        match Self::load_with(&flags, |_| None) {
            Ok(config) => config,
            Err(err) => unreachable!("defaults are valid: {err}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(flags: &Flags, env: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let env: BTreeMap<String, String> = env
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        Config::load_with(flags, |k| env.get(k).cloned())
    }

    #[test]
    fn defaults_match_the_documented_ones() {
        let c = load(&Flags::default(), &[]).unwrap();
        assert_eq!(c.data_dir, PathBuf::from("./synaptiq-data"));
        assert_eq!(c.bind.to_string(), "127.0.0.1:8080");
        assert_eq!(c.llm.provider, LlmProvider::Builtin);
        assert_eq!(c.webhooks.retry_delays.len(), 5);
        assert_eq!(c.webhooks.retry_delays[4], Duration::from_secs(24 * 3600));
        assert_eq!(c.webhooks.timeout, Duration::from_secs(30));
        assert_eq!(c.rate_limits.free.get(), 60);
        assert_eq!(c.rate_limits.public.get(), 30);
        assert_eq!(c.search_refresh, Duration::from_millis(50));
        assert_eq!(c.llm.timeout, Duration::from_secs(60));
        assert_eq!(c.llm.max_turns_per_conversation, None);
        assert_eq!(c.retention_days, None);
    }

    #[test]
    fn a_log_filter_is_checked_without_panicking() {
        let log = |v: &str| load(&Flags::default(), &[("SYNAPTIQ_LOG", v)]);
        assert_eq!(
            log("info,synaptiq=debug").unwrap().log,
            "info,synaptiq=debug"
        );
        // The fuzz target's input: a multi-byte character tracing-subscriber's parser sliced.
        let err = log("webhke,,,,,\rtlad11111http://1v1\u{13418}=2seb12")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("SYNAPTIQ_LOG") && err.contains("ASCII"),
            "{err}"
        );
        let one = "info,synaptiq[request{method=GET}]=debug";
        assert_eq!(log(one).unwrap().log, one);
        // Another fuzz find: with two, tracing-subscriber's debug assertions panicked.
        let err = log("a[s{f=x}]=info,a[s{f=x}]=debug")
            .unwrap_err()
            .to_string();
        assert!(err.contains("at most one directive"), "{err}");
    }

    #[test]
    fn retention_is_off_or_a_number_of_days() {
        let days = |v: &str| load(&Flags::default(), &[("SYNAPTIQ_RETENTION_DAYS", v)]);
        assert_eq!(days("90").unwrap().retention_days, Some(90));
        assert_eq!(days("off").unwrap().retention_days, None);
        for bad in ["0", "-3", "1.5", "forever", "36501"] {
            let err = days(bad).unwrap_err().to_string();
            assert!(err.contains("SYNAPTIQ_RETENTION_DAYS"), "{bad}: {err}");
            assert!(err.contains("from 1 to 36500"), "{bad}: {err}");
        }
    }

    #[test]
    fn flag_beats_env_beats_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("synaptiq.toml");
        std::fs::write(
            &path,
            "bind = \"127.0.0.1:1\"\nrate_limit_pro = 7\nlog = \"debug\"\n",
        )
        .unwrap();
        let mut flags = Flags {
            config: Some(path),
            ..Flags::default()
        };
        let c = load(&flags, &[("SYNAPTIQ_BIND", "127.0.0.1:2")]).unwrap();
        assert_eq!(c.bind.port(), 2);
        assert_eq!(c.rate_limits.pro.get(), 7);
        assert_eq!(c.log, "debug");
        flags.bind = Some("127.0.0.1:3".into());
        let c = load(&flags, &[("SYNAPTIQ_BIND", "127.0.0.1:2")]).unwrap();
        assert_eq!(c.bind.port(), 3);
    }

    #[test]
    fn bad_values_name_the_key() {
        let cases = [
            (
                "SYNAPTIQ_WEBHOOK_TIMEOUT",
                "soon",
                "SYNAPTIQ_WEBHOOK_TIMEOUT",
            ),
            ("SYNAPTIQ_LLM_PROVIDER", "gemini", "unknown provider"),
            (
                "SYNAPTIQ_TRUSTED_PROXIES",
                "10.0.0.0/33",
                "SYNAPTIQ_TRUSTED_PROXIES",
            ),
            ("SYNAPTIQ_BIND", "localhost", "SYNAPTIQ_BIND"),
            ("SYNAPTIQ_RATE_LIMIT_FREE", "0", "SYNAPTIQ_RATE_LIMIT_FREE"),
            (
                "SYNAPTIQ_WEBHOOK_RETRY_DELAYS",
                "1m,xx",
                "SYNAPTIQ_WEBHOOK_RETRY_DELAYS",
            ),
            (
                "SYNAPTIQ_WEBHOOK_ALLOWED_HOSTS",
                "intranet",
                "SYNAPTIQ_WEBHOOK_ALLOWED_HOSTS",
            ),
            ("SYNAPTIQ_PUBLIC_URL", "ftp://x", "SYNAPTIQ_PUBLIC_URL"),
            ("SYNAPTIQ_LOG_FORMAT", "xml", "SYNAPTIQ_LOG_FORMAT"),
            ("SYNAPTIQ_LLM_TIMEOUT", "0s", "SYNAPTIQ_LLM_TIMEOUT"),
            (
                "SYNAPTIQ_LLM_MAX_TURNS_PER_CONVERSATION",
                "0",
                "SYNAPTIQ_LLM_MAX_TURNS_PER_CONVERSATION",
            ),
            (
                "SYNAPTIQ_LLM_MAX_TURNS_PER_CONVERSATION",
                "many",
                "SYNAPTIQ_LLM_MAX_TURNS_PER_CONVERSATION",
            ),
        ];
        for (key, value, expected) in cases {
            let err = load(&Flags::default(), &[(key, value)])
                .unwrap_err()
                .to_string();
            assert!(err.contains(expected), "{key}={value}: {err}");
            assert!(!err.contains('\n'), "one line: {err}");
        }
    }

    #[test]
    fn unknown_toml_key_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("synaptiq.toml");
        std::fs::write(&path, "bnid = \"127.0.0.1:1\"\n").unwrap();
        let err = load(
            &Flags {
                config: Some(path),
                ..Flags::default()
            },
            &[],
        )
        .unwrap_err();
        assert!(err.to_string().contains("unknown key `bnid`"), "{err}");
    }

    #[test]
    fn llm_key_falls_back_to_provider_variable() {
        let c = load(
            &Flags::default(),
            &[
                ("SYNAPTIQ_LLM_PROVIDER", "anthropic"),
                ("ANTHROPIC_API_KEY", "k"),
            ],
        )
        .unwrap();
        assert_eq!(c.llm.api_key.as_ref().map(Secret::expose), Some("k"));
        assert!(!format!("{c:?}").contains("\"k\""));
    }

    #[test]
    fn llm_turn_limit_is_read_from_env_and_file() {
        let c = load(
            &Flags::default(),
            &[("SYNAPTIQ_LLM_MAX_TURNS_PER_CONVERSATION", "25")],
        )
        .unwrap();
        assert_eq!(
            c.llm.max_turns_per_conversation.map(NonZeroU32::get),
            Some(25)
        );
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("synaptiq.toml");
        std::fs::write(
            &path,
            "llm_max_turns_per_conversation = 3\nllm_timeout = \"20s\"\n",
        )
        .unwrap();
        let flags = Flags {
            config: Some(path),
            ..Flags::default()
        };
        let c = load(&flags, &[]).unwrap();
        assert_eq!(
            c.llm.max_turns_per_conversation.map(NonZeroU32::get),
            Some(3)
        );
        assert_eq!(c.llm.timeout, Duration::from_secs(20));
    }
}
