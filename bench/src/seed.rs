//! The seeded data dir of issue #11, created through the HTTP API so nothing bypasses the
//! server: leads across three tenants and conversations (the knowledge base is built by
//! `kb.rs`, as a measured phase). The measured tenant (`default`, the bench's main key)
//! holds the leads the figures are stated for; the two others hold a tenth as many each,
//! interleaved with it, so every search and analytics query filters a shared index and
//! shared tables.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};

use crate::client::{self, Api};
use crate::data;
use crate::load::{self, Outcome, Plan};
use crate::phases::{Seqs, stop_flag};
use crate::server::Launcher;

pub const OTHER_TENANTS: [&str; 2] = ["bench-b", "bench-c"];
/// Of every 12 seeded leads or conversations, 10 go to the measured tenant and one to each
/// other tenant.
const CYCLE: u64 = 12;
const MAIN_SHARE: u64 = 10;
pub const CLIENTS: usize = 64;
/// An upper bound on a seed, whatever the server does (1M leads at 7,000/s take 2.5 min).
const SEED_LIMIT: Duration = Duration::from_secs(30 * 60);

/// The two visitor messages of a seeded conversation: no email, so no lead is created.
const CONVERSATION: [&str; 2] = [
    "Hi, I need help handling inbound leads faster",
    "How does the pricing work?",
];

/// An API key per tenant; the first is the measured tenant's.
#[derive(Clone)]
pub struct Tenants {
    all: Arc<Vec<(String, Api)>>,
}

impl Tenants {
    /// Creates the other tenants and a key for each tenant with the CLI.
    pub async fn create(launcher: &Launcher, http: &reqwest::Client, url: &str) -> Result<Self> {
        let main_key = launcher.create_key(client::DEFAULT_TENANT).await?;
        let mut all = vec![(
            client::DEFAULT_TENANT.to_owned(),
            Api::new(http.clone(), url, &main_key),
        )];
        for id in OTHER_TENANTS {
            let id = launcher.create_tenant(id).await?;
            let key = launcher.create_key(&id).await?;
            all.push((id, Api::new(http.clone(), url, &key)));
        }
        Ok(Self { all: Arc::new(all) })
    }

    /// The same keys at another address (the server restarted on another port).
    pub fn at(&self, url: &str) -> Self {
        let all = self.all.iter().map(|(id, api)| (id.clone(), api.at(url)));
        Self {
            all: Arc::new(all.collect()),
        }
    }

    /// Another tenant's API, by its id.
    pub fn of(&self, tenant: &str) -> Option<&Api> {
        self.all
            .iter()
            .find(|(id, _)| id == tenant)
            .map(|(_, api)| api)
    }

    /// The measured tenant's API.
    pub fn main(&self) -> &Api {
        &self.all[0].1
    }

    /// The tenant the i-th seeded item goes to (its id and API), and whether it is the main one.
    fn pick(&self, i: u64) -> (&str, &Api, bool) {
        let slot = i % CYCLE;
        let index = slot.saturating_sub(MAIN_SHARE - 1);
        let index = usize::try_from(index).unwrap_or(0).min(self.all.len() - 1);
        let (id, api) = &self.all[index];
        (id, api, index == 0)
    }
}

/// How many items to seed so the measured tenant gets `main` of them.
fn total_for(main: u64) -> u64 {
    main + main / MAIN_SHARE * (CYCLE - MAIN_SHARE)
}

/// Leads added by `leads`.
pub struct Seeded {
    pub outcome: Outcome,
    /// The measured tenant's new lead ids.
    pub ids: Vec<String>,
    /// From the last create's answer until the index had every lead: the indexers run only
    /// on CPU time requests leave idle, and the closed loop leaves little.
    pub index_caught_up: Duration,
}

/// Adds about `count` leads to the measured tenant (and a tenth as many to each other one);
/// answers once the index has caught up, so the read phases search a settled index.
pub async fn leads(tenants: &Tenants, seqs: &Seqs, count: u64) -> Result<Seeded> {
    let total = total_for(count);
    let ids = Arc::new(Mutex::new(Vec::with_capacity(
        usize::try_from(count).unwrap_or(0),
    )));
    let plan = Plan {
        clients: CLIENTS,
        requests: total,
        time_limit: SEED_LIMIT,
        rate: None,
    };
    let (tenants2, seqs2, ids2) = (tenants.clone(), seqs.clone(), Arc::clone(&ids));
    let outcome = load::drive(&plan, &stop_flag(), move |i| {
        let (tenants, seqs, ids) = (tenants2.clone(), seqs2.clone(), Arc::clone(&ids2));
        async move {
            let (_, api, main) = tenants.pick(i);
            let id = api.create(&data::lead(seqs.next())).await?;
            if main {
                ids.lock()
                    .map_err(|_| anyhow!("id list lock poisoned"))?
                    .push(id);
            }
            Ok(())
        }
    })
    .await?;
    check("seeding leads", &outcome, total)?;
    let loaded = Instant::now();
    for (_, api) in tenants.all.iter() {
        api.create_searchable(&data::lead(seqs.next()))
            .await
            .context("waiting for the index")?;
    }
    let index_caught_up = loaded.elapsed();
    let ids = std::mem::take(&mut *ids.lock().map_err(|_| anyhow!("id list lock poisoned"))?);
    Ok(Seeded {
        outcome,
        ids,
        index_caught_up,
    })
}

/// Starts `count` two-message conversations in the measured tenant (and a tenth as many in
/// each other one) through `POST /api/chat`.
pub async fn conversations(tenants: &Tenants, count: u64) -> Result<Outcome> {
    let total = total_for(count);
    let plan = Plan {
        clients: CLIENTS,
        requests: total,
        time_limit: SEED_LIMIT,
        rate: None,
    };
    let tenants2 = tenants.clone();
    let outcome = load::drive(&plan, &stop_flag(), move |i| {
        let tenants = tenants2.clone();
        async move {
            let (tenant, api, _) = tenants.pick(i);
            let visitor = format!("bench-seed-{i}");
            let [first, second] = CONVERSATION;
            let id = api.chat_turn(tenant, &visitor, first, None).await?;
            api.chat_turn(tenant, &visitor, second, Some(&id)).await?;
            Ok(())
        }
    })
    .await?;
    check("seeding conversations", &outcome, total)?;
    Ok(outcome)
}

fn check(what: &str, outcome: &Outcome, expected: u64) -> Result<()> {
    if outcome.errors > 0 || outcome.ok < expected {
        bail!(
            "{what}: {} of {expected} done; first error: {}",
            outcome.ok,
            outcome
                .first_error
                .as_deref()
                .unwrap_or("none (time limit)")
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_measured_tenant_gets_its_count_interleaved_with_the_others() {
        let http = reqwest::Client::new();
        let all = ["default", "b", "c"].map(|id| (id.to_owned(), Api::new(http.clone(), "", "")));
        let tenants = Tenants {
            all: Arc::new(all.to_vec()),
        };
        let total = total_for(100_000);
        assert_eq!(total, 120_000);
        let main = (0..total).filter(|&i| tenants.pick(i).2).count();
        assert_eq!(main, 100_000);
        let ids: Vec<&str> = (8..14).map(|i| tenants.pick(i).0).collect();
        assert_eq!(ids, ["default", "default", "b", "c", "default", "default"]);
    }
}
