//! Tenant settings: the agent's voice, the widget's look, what qualifies a lead, and when
//! meetings can be booked. Stored as one JSON document; a PATCH is a JSON merge patch
//! (RFC 7386) validated as a whole, so a bad value never half-applies.

use serde_json::Value;

use crate::app::App;
use crate::error::{Error, Result};
use crate::model::TenantId;
pub use crate::model::settings::*;
use crate::store;

impl TenantSettings {
    /// Checks every value; errors name the field by its JSON path.
    pub fn validate(&self) -> Result<()> {
        text("agentName", &self.agent_name, 60)?;
        text("companyName", &self.company_name, 200)?;
        text("greeting", &self.greeting, 500)?;
        text("tone", &self.tone, 200)?;
        let hex = self
            .accent_color
            .strip_prefix('#')
            .filter(|h| h.len() == 6 && h.chars().all(|c| c.is_ascii_hexdigit()));
        if hex.is_none() {
            return Err(Error::invalid(
                "accentColor",
                "must be a color like #4f46e5",
            ));
        }
        for (i, origin) in self.allowed_origins.iter().enumerate() {
            valid_origin(origin)
                .map_err(|why| Error::invalid(format!("allowedOrigins[{i}]"), why))?;
        }
        if self.qualification_questions.len() > 10 {
            return Err(Error::invalid(
                "qualificationQuestions",
                "at most 10 questions",
            ));
        }
        for (i, q) in self.qualification_questions.iter().enumerate() {
            text_at(
                format!("qualificationQuestions[{i}].question"),
                &q.question,
                300,
            )?;
        }
        self.validate_scoring()?;
        self.validate_routes()?;
        self.scheduling_availability().map(drop)
    }

    fn validate_routes(&self) -> Result<()> {
        let r = &self.routes;
        for (field, url) in [
            ("routes.careersUrl", &r.careers_url),
            ("routes.supportUrl", &r.support_url),
        ] {
            if let Some(url) = url {
                text(field, url, 500)?;
                let web = url::Url::parse(url)
                    .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some());
                if !web {
                    return Err(Error::invalid(field, "must be an http(s) URL"));
                }
            }
        }
        if let Some(email) = &r.support_email {
            text("routes.supportEmail", email, 254)?;
            crate::domain::leads::valid_email(email).map_err(|_| {
                Error::invalid("routes.supportEmail", "must be a valid email address")
            })?;
        }
        if let Some(other) = &r.other_visitors {
            text("routes.otherVisitors", other, 500)?;
        }
        Ok(())
    }

    fn validate_scoring(&self) -> Result<()> {
        let s = &self.scoring;
        if s.rules.len() > 30 {
            return Err(Error::invalid("scoring.rules", "at most 30 rules"));
        }
        for (i, rule) in s.rules.iter().enumerate() {
            if !(-100..=100).contains(&rule.points) {
                return Err(Error::invalid(
                    format!("scoring.rules[{i}].points"),
                    "must be between -100 and 100",
                ));
            }
            let needs_value = matches!(rule.operator, Operator::AtLeast | Operator::AtMost);
            if needs_value && !rule.value.is_some_and(|v| v.is_finite() && v >= 0.0) {
                return Err(Error::invalid(
                    format!("scoring.rules[{i}].value"),
                    "atLeast and atMost need a number ≥ 0",
                ));
            }
            text_at(format!("scoring.rules[{i}].reason"), &rule.reason, 200)?;
        }
        if !(1..=100).contains(&s.qualified_at) {
            return Err(Error::invalid("scoring.qualifiedAt", "must be 1-100"));
        }
        if s.disqualified_below > s.qualified_at {
            return Err(Error::invalid(
                "scoring.disqualifiedBelow",
                "must not be above qualifiedAt",
            ));
        }
        Ok(())
    }

    /// The availability as the scheduler uses it.
    pub fn scheduling_availability(&self) -> Result<crate::scheduling::Availability> {
        let a = &self.availability;
        let timezone = jiff::tz::TimeZone::get(&a.timezone).map_err(|_| {
            Error::invalid(
                "availability.timezone",
                "must be an IANA time zone like Europe/Amsterdam",
            )
        })?;
        if a.weekdays.is_empty() {
            return Err(Error::invalid(
                "availability.weekdays",
                "name at least one day (mon … sun)",
            ));
        }
        let weekdays = a
            .weekdays
            .iter()
            .enumerate()
            .map(|(i, d)| {
                weekday(d).ok_or_else(|| {
                    Error::invalid(
                        format!("availability.weekdays[{i}]"),
                        "must be one of mon, tue, wed, thu, fri, sat, sun",
                    )
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let time = |field: &'static str, raw: &str| {
            raw.parse::<jiff::civil::Time>()
                .map_err(|_| Error::invalid(field, "must be a time like 09:00"))
        };
        let (start, end) = (
            time("availability.startTime", &a.start_time)?,
            time("availability.endTime", &a.end_time)?,
        );
        if start >= end {
            return Err(Error::invalid(
                "availability.endTime",
                "must be after startTime",
            ));
        }
        let bounded = |field: &'static str, value: u32, range: std::ops::RangeInclusive<u32>| {
            if range.contains(&value) {
                Ok(value)
            } else {
                Err(Error::invalid(
                    field,
                    format!("must be {}-{}", range.start(), range.end()),
                ))
            }
        };
        Ok(crate::scheduling::Availability {
            timezone,
            weekdays,
            start,
            end,
            slot_minutes: bounded("availability.slotMinutes", a.slot_minutes, 10..=240)?,
            minimum_notice_minutes: bounded(
                "availability.minimumNoticeMinutes",
                a.minimum_notice_minutes,
                0..=10_080,
            )?,
            horizon_days: bounded("availability.horizonDays", a.horizon_days, 1..=90)?,
        })
    }
}

fn weekday(day: &str) -> Option<jiff::civil::Weekday> {
    use jiff::civil::Weekday::{Friday, Monday, Saturday, Sunday, Thursday, Tuesday, Wednesday};
    Some(match day.to_ascii_lowercase().get(..3)? {
        "mon" => Monday,
        "tue" => Tuesday,
        "wed" => Wednesday,
        "thu" => Thursday,
        "fri" => Friday,
        "sat" => Saturday,
        "sun" => Sunday,
        _ => return None,
    })
}

fn text(field: &'static str, value: &str, max: usize) -> Result<()> {
    text_at(field.to_owned(), value, max)
}

fn text_at(field: String, value: &str, max: usize) -> Result<()> {
    let chars = value.trim().chars().count();
    if chars == 0 || chars > max {
        return Err(Error::invalid(field, format!("must be 1-{max} characters")));
    }
    Ok(())
}

fn valid_origin(origin: &str) -> std::result::Result<(), &'static str> {
    let url =
        url::Url::parse(origin).map_err(|_| "must be an origin like https://www.example.com")?;
    let bare = url.path() == "/"
        && url.query().is_none()
        && url.fragment().is_none()
        && !origin.ends_with('/');
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() || !bare {
        return Err("must be an origin like https://www.example.com (scheme and host, no path)");
    }
    Ok(())
}

/// The tenant's settings (defaults until first changed).
pub async fn get(app: &App, tenant: &TenantId) -> Result<TenantSettings> {
    let tenant = tenant.clone();
    app.store.read(move |conn| load(conn, &tenant)).await
}

/// Whether a page on `origin` may use the tenant's widget: any origin unless the tenant lists
/// allowed origins (compared as the browser sends them, case-insensitively).
pub async fn origin_allowed(app: &App, tenant: &TenantId, origin: &str) -> Result<bool> {
    let allowed = get(app, tenant).await?.allowed_origins;
    Ok(allowed.is_empty() || allowed.iter().any(|a| a.eq_ignore_ascii_case(origin)))
}

/// Reads settings inside any connection (the chat turn reads them with the conversation).
pub fn load(conn: &rusqlite::Connection, tenant: &TenantId) -> Result<TenantSettings> {
    match store::settings::get(conn, tenant)? {
        Some(json) => Ok(serde_json::from_str(&json)?),
        None => {
            let name = store::tenants::get(conn, tenant)?
                .ok_or(Error::NotFound("tenant"))?
                .name;
            Ok(TenantSettings::defaults(&name))
        }
    }
}

/// Applies a JSON merge patch to the tenant's settings; all or nothing.
pub async fn patch(app: &App, tenant: &TenantId, patch: Value) -> Result<TenantSettings> {
    if !patch.is_object() {
        return Err(Error::invalid("body", "must be a JSON object"));
    }
    let tenant = tenant.clone();
    let now = app.clock.now().as_millisecond();
    app.store
        .write(move |conn| {
            let current = load(conn, &tenant)?;
            let defaults = serde_json::to_value(TenantSettings::defaults(&current.company_name))?;
            let mut merged = serde_json::to_value(current)?;
            merge(&mut merged, patch);
            fill_missing(&mut merged, &defaults);
            let settings: TenantSettings = crate::json::parse(&serde_json::to_vec(&merged)?)?;
            settings.validate()?;
            store::settings::put(conn, &tenant, &serde_json::to_string(&settings)?, now)?;
            Ok(settings)
        })
        .await
}

/// Puts back, from `defaults`, every key a patch removed with `null`: a reset.
fn fill_missing(target: &mut Value, defaults: &Value) {
    if let (Value::Object(target), Value::Object(defaults)) = (target, defaults) {
        for (key, default) in defaults {
            match target.get_mut(key) {
                Some(value) => fill_missing(value, default),
                None => {
                    target.insert(key.clone(), default.clone());
                }
            }
        }
    }
}

/// RFC 7386: objects merge key by key, `null` removes, anything else replaces.
fn merge(target: &mut Value, patch: Value) {
    match (target, patch) {
        (Value::Object(target), Value::Object(patch)) => {
            for (key, value) in patch {
                if value.is_null() {
                    target.remove(&key);
                } else {
                    merge(target.entry(key).or_insert(Value::Null), value);
                }
            }
        }
        (target, patch) => *target = patch,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid() {
        TenantSettings::defaults("Acme").validate().unwrap();
    }

    #[test]
    fn merge_patch_follows_rfc_7386() {
        let mut doc = serde_json::json!({"a": 1, "b": {"c": 2, "d": 3}});
        merge(
            &mut doc,
            serde_json::json!({"b": {"c": null, "e": 4}, "f": [1]}),
        );
        assert_eq!(
            doc,
            serde_json::json!({"a": 1, "b": {"d": 3, "e": 4}, "f": [1]})
        );
    }

    #[test]
    fn null_resets_to_the_default() {
        let defaults = serde_json::to_value(TenantSettings::defaults("Acme")).unwrap();
        let mut current = defaults.clone();
        current["greeting"] = "Yo".into();
        current["availability"]["timezone"] = "Europe/Paris".into();
        merge(
            &mut current,
            serde_json::json!({"greeting": null, "availability": {"timezone": null}}),
        );
        fill_missing(&mut current, &defaults);
        assert_eq!(current, defaults);
    }

    #[test]
    fn bad_values_name_their_field() {
        let mut s = TenantSettings::defaults("Acme");
        s.availability.timezone = "Mars/Olympus".into();
        assert!(
            s.validate()
                .unwrap_err()
                .to_string()
                .starts_with("availability.timezone")
        );
        let mut s = TenantSettings::defaults("Acme");
        s.allowed_origins = vec!["https://ok.example".into(), "https://x.example/path".into()];
        assert!(
            s.validate()
                .unwrap_err()
                .to_string()
                .starts_with("allowedOrigins[1]")
        );
        let mut s = TenantSettings::defaults("Acme");
        s.accent_color = "blue".into();
        assert!(
            s.validate()
                .unwrap_err()
                .to_string()
                .starts_with("accentColor")
        );
        let mut s = TenantSettings::defaults("Acme");
        s.availability.start_time = "18:00".into();
        assert!(
            s.validate()
                .unwrap_err()
                .to_string()
                .starts_with("availability.endTime")
        );
    }
}
