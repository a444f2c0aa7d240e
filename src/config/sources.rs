//! Where settings come from: the TOML file, the environment and the flags, layered and
//! checked into a `Config`.

use super::parse::*;
use super::*;

/// Layers defaults < the file named by `--config` < the environment < flags, and validates.
pub(super) fn load<E: Fn(&str) -> Option<String>>(
    flags: &Flags,
    env: &E,
) -> Result<Config, ConfigError> {
    let file = match &flags.config {
        Some(path) => read_file(path)?,
        None => BTreeMap::new(),
    };
    let sources = Sources { flags, env, file };
    sources.build()
}

fn read_file(path: &Path) -> Result<BTreeMap<String, String>, ConfigError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| ConfigError(format!("--config {}: {e}", path.display())))?;
    let table: toml::Table = text.parse().map_err(|e: toml::de::Error| {
        ConfigError(format!("{}: {}", path.display(), e.message()))
    })?;
    let mut values = BTreeMap::new();
    for (key, value) in table {
        if !KEYS.contains(&key.as_str()) {
            return Err(ConfigError(format!(
                "{}: unknown key `{key}` (known keys: {})",
                path.display(),
                KEYS.join(", ")
            )));
        }
        let text = match value {
            toml::Value::String(s) => s,
            toml::Value::Integer(i) => i.to_string(),
            toml::Value::Boolean(b) => b.to_string(),
            toml::Value::Array(items) => items
                .iter()
                .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
                .collect::<Vec<_>>()
                .join(","),
            other => {
                return Err(ConfigError(format!(
                    "{}: key `{key}` must be a string, number or list, not {}",
                    path.display(),
                    other.type_str()
                )));
            }
        };
        values.insert(key, text);
    }
    Ok(values)
}

struct Sources<'a, E> {
    flags: &'a Flags,
    env: &'a E,
    file: BTreeMap<String, String>,
}

/// A raw value and a description of where it came from, for error messages.
struct Raw {
    value: String,
    origin: String,
}

impl<E: Fn(&str) -> Option<String>> Sources<'_, E> {
    fn raw(&self, key: &str, flag: Option<String>) -> Option<Raw> {
        let env_name = format!("SYNAPTIQ_{}", key.to_uppercase());
        if let Some(value) = flag {
            return Some(Raw {
                value,
                origin: format!("--{}", key.replace('_', "-")),
            });
        }
        if let Some(value) = (self.env)(&env_name) {
            return Some(Raw {
                value,
                origin: env_name,
            });
        }
        self.file.get(key).map(|value| Raw {
            value: value.clone(),
            origin: format!("`{key}` in synaptiq.toml"),
        })
    }

    /// Resolves `key` and parses it; `default` is used when no source sets it.
    fn get<T>(
        &self,
        key: &str,
        flag: Option<String>,
        default: &str,
        parse: impl Fn(&str) -> Result<T, String>,
    ) -> Result<T, ConfigError> {
        match self.raw(key, flag) {
            Some(raw) => parse(raw.value.trim()).map_err(|problem| {
                ConfigError(format!("{} = {:?}: {problem}", raw.origin, raw.value))
            }),
            None => {
                parse(default).map_err(|problem| ConfigError(format!("default {key}: {problem}")))
            }
        }
    }

    fn optional<T>(
        &self,
        key: &str,
        flag: Option<String>,
        parse: impl Fn(&str) -> Result<T, String>,
    ) -> Result<Option<T>, ConfigError> {
        match self.raw(key, flag) {
            Some(raw) if !raw.value.trim().is_empty() => {
                parse(raw.value.trim()).map(Some).map_err(|problem| {
                    ConfigError(format!("{} = {:?}: {problem}", raw.origin, raw.value))
                })
            }
            _ => Ok(None),
        }
    }

    fn build(&self) -> Result<Config, ConfigError> {
        let flag_path = |p: &Option<PathBuf>| p.as_ref().map(|p| p.display().to_string());
        let provider = self.get("llm_provider", None, "builtin", parse_provider)?;
        let fallback_key = match provider {
            LlmProvider::OpenAi => (self.env)("OPENAI_API_KEY"),
            LlmProvider::Anthropic => (self.env)("ANTHROPIC_API_KEY"),
            LlmProvider::Builtin => None,
        };
        let api_key = self
            .optional("llm_api_key", None, |s| Ok(Secret(s.to_owned())))?
            .or_else(|| fallback_key.filter(|k| !k.is_empty()).map(Secret));
        Ok(Config {
            data_dir: self.get(
                "data_dir",
                flag_path(&self.flags.data_dir),
                "./synaptiq-data",
                |s| Ok(PathBuf::from(s)),
            )?,
            bind: self.get(
                "bind",
                self.flags.bind.clone(),
                "127.0.0.1:8080",
                parse_bind,
            )?,
            public_url: self.optional(
                "public_url",
                self.flags.public_url.clone(),
                parse_http_url,
            )?,
            admin_token: self.optional("admin_token", None, parse_admin_token)?,
            llm: LlmConfig {
                provider,
                base_url: self.optional("llm_base_url", None, parse_http_url)?,
                api_key,
                model: self.optional("llm_model", None, |s| Ok(s.to_owned()))?,
                timeout: self.get("llm_timeout", None, "60s", parse_positive_duration)?,
                max_turns_per_conversation: self.optional(
                    "llm_max_turns_per_conversation",
                    None,
                    parse_turn_limit,
                )?,
            },
            webhooks: WebhookConfig {
                retry_delays: self.get(
                    "webhook_retry_delays",
                    None,
                    "1m,5m,30m,2h,24h",
                    parse_delays,
                )?,
                timeout: self.get("webhook_timeout", None, "30s", parse_positive_duration)?,
                allowed_hosts: self.get(
                    "webhook_allowed_hosts",
                    None,
                    "external",
                    parse_allowed_hosts,
                )?,
            },
            rate_limits: RateLimitConfig {
                free: self.get("rate_limit_free", None, "60", parse_rate)?,
                pro: self.get("rate_limit_pro", None, "600", parse_rate)?,
                enterprise: self.get("rate_limit_enterprise", None, "6000", parse_rate)?,
                public: self.get("rate_limit_public", None, "30", parse_rate)?,
                invalid_keys: self.get("rate_limit_invalid_keys", None, "20", parse_rate)?,
            },
            trusted_proxies: self.get("trusted_proxies", None, "", parse_cidrs)?,
            log: self.get("log", None, "info", parse_log_filter)?,
            log_format: self.get("log_format", None, "text", parse_log_format)?,
            search_refresh: self.get(
                "search_refresh_interval",
                None,
                "50ms",
                parse_positive_duration,
            )?,
            conversation_idle_timeout: self.get(
                "conversation_idle_timeout",
                None,
                "30m",
                parse_positive_duration,
            )?,
            request_timeout: self.get("request_timeout", None, "30s", parse_positive_duration)?,
            retention_days: self
                .optional("retention_days", None, parse_retention_days)?
                .flatten(),
            extractor: None,
        })
    }
}
