//! Two leads that are one person become one: the possible matches a chat visitor's claimed
//! email creates, and the merge that settles them.

use jiff::Timestamp;
use rusqlite::Connection;

use super::super::events;
use super::{Refresh, searchable};
use crate::app::App;
use crate::error::{Error, Result};
use crate::model::{EventKind, Lead, LeadStatus, TenantId};
use crate::store;
use crate::store::lead_matches::Match;
use crate::store::search_changes::Kind;

/// A lead that may be the same person as the one asked about.
pub struct PossibleMatch {
    pub lead: Lead,
    pub reason: String,
    pub since: Timestamp,
}

/// The leads linked to lead `id` as possibly the same person.
pub async fn possible_matches(
    app: &App,
    tenant: &TenantId,
    id: &str,
) -> Result<Vec<PossibleMatch>> {
    let (tenant, id) = (tenant.clone(), id.to_owned());
    app.store
        .read(move |conn| {
            let links = store::lead_matches::for_lead(conn, &tenant, &id)?;
            let ids: Vec<String> = links.iter().map(|m| m.lead_id.clone()).collect();
            let leads = store::leads::get_many(conn, &tenant, &ids)?;
            Ok(links
                .into_iter()
                .filter_map(
                    |Match {
                         lead_id,
                         reason,
                         since,
                     }| {
                        let lead = leads.iter().find(|l| l.id == lead_id)?.clone();
                        Some(PossibleMatch {
                            lead,
                            reason,
                            since,
                        })
                    },
                )
                .collect())
        })
        .await
}

/// Merges lead `from` into lead `into`: its conversations, meetings, events and links move
/// over, `into` keeps its own fields and takes `from`'s where it has none (and `from`'s
/// status and qualification when they are further along), and `from` is deleted. Emits
/// `lead.deleted` for `from` and `lead.updated` for `into`.
pub async fn merge(
    app: &App,
    tenant: &TenantId,
    into: &str,
    from: &str,
    refresh: Refresh,
) -> Result<Lead> {
    if into == from {
        return Err(Error::invalid(
            "from",
            "must name another lead than the one merged into",
        ));
    }
    let now = app.clock.now();
    let (tenant, into, from) = (tenant.clone(), into.to_owned(), from.to_owned());
    let (lead, seq) = app
        .store
        .write(move |conn| {
            let kept = store::leads::get(conn, &tenant, &into)?.ok_or(Error::NotFound("lead"))?;
            let gone = store::leads::get(conn, &tenant, &from)?
                .ok_or(Error::NotFound("the lead named by from"))?;
            absorb(conn, kept, gone, now)
        })
        .await?;
    searchable(app, seq, refresh).await?;
    Ok(lead)
}

fn absorb(conn: &Connection, kept: Lead, gone: Lead, now: Timestamp) -> Result<(Lead, u64)> {
    let tenant = kept.tenant.clone();
    store::conversations::move_to_lead(conn, &tenant, &gone.id, &kept.id)?;
    store::meetings::move_to_lead(conn, &tenant, &gone.id, &kept.id)?;
    store::events::move_to_lead(conn, &tenant, &gone.id, &kept.id)?;
    store::lead_matches::move_links(conn, &tenant, &gone.id, &kept.id)?;
    store::leads::delete(conn, &tenant, &gone.id)?;
    events::record(conn, &tenant, EventKind::LeadDeleted, &gone, now)?;
    let deleted = store::search_changes::record(conn, Kind::Lead, &tenant, &gone.id)?;
    let before = kept.clone();
    let mut lead = combined(kept, gone);
    lead.updated_at = now;
    let changed = super::record_change(conn, &before, &lead, now)?;
    store::leads::settle_claim(conn, &lead)?;
    Ok((lead, changed.unwrap_or(deleted)))
}

/// `kept` with the gaps filled from `gone`, and `gone`'s assessment when it got further.
fn combined(mut kept: Lead, gone: Lead) -> Lead {
    kept.phone = kept.phone.or(gone.phone);
    kept.company = kept.company.or(gone.company);
    for (key, value) in gone.metadata {
        kept.metadata.entry(key).or_insert(value);
    }
    if progress(gone.status) > progress(kept.status) {
        kept.status = gone.status;
        kept.qualification_score = gone.qualification_score;
        kept.qualification = gone.qualification;
    }
    kept
}

/// How far along the funnel a status is: a merge keeps the further one.
fn progress(status: LeadStatus) -> u8 {
    match status {
        LeadStatus::New => 0,
        LeadStatus::Qualifying => 1,
        LeadStatus::Disqualified | LeadStatus::Nurturing => 2,
        LeadStatus::Qualified => 3,
        LeadStatus::Booked => 4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lead(status: LeadStatus) -> Lead {
        Lead {
            id: "a".into(),
            tenant: TenantId::from_stored("t".into()),
            name: "Ann".into(),
            email: "ann@example.com".into(),
            phone: None,
            company: Some("Kept Co".into()),
            status,
            qualification_score: 10,
            qualification: None,
            metadata: serde_json::Map::new(),
            source: crate::model::LeadSource::Api,
            created_at: Timestamp::UNIX_EPOCH,
            updated_at: Timestamp::UNIX_EPOCH,
        }
    }

    #[test]
    fn the_kept_lead_keeps_its_fields_and_takes_the_gaps_and_the_further_status() {
        let mut kept = lead(LeadStatus::New);
        kept.metadata.insert("crm".into(), "1".into());
        let mut gone = lead(LeadStatus::Booked);
        gone.phone = Some("+1 555".into());
        gone.company = Some("Gone Co".into());
        gone.qualification_score = 90;
        gone.metadata.insert("crm".into(), "2".into());
        gone.metadata.insert("utm".into(), "x".into());
        let merged = combined(kept, gone);
        assert_eq!(merged.phone.as_deref(), Some("+1 555"));
        assert_eq!(merged.company.as_deref(), Some("Kept Co"));
        assert_eq!(merged.metadata["crm"], "1");
        assert_eq!(merged.metadata["utm"], "x");
        assert_eq!(merged.status, LeadStatus::Booked);
        assert_eq!(merged.qualification_score, 90);
    }

    #[test]
    fn a_status_further_back_does_not_replace_the_kept_one() {
        let merged = combined(lead(LeadStatus::Qualified), lead(LeadStatus::Qualifying));
        assert_eq!(merged.status, LeadStatus::Qualified);
    }
}
