//! `App`: the one handle to everything the server runs on, built once at start-up.

use std::collections::HashMap;
use std::ops::Deref;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use url::Url;

use crate::agent::Agent;
use crate::clock::Clock;
use crate::config::Config;
use crate::error::{Error, Result};
use crate::outbound::dns::Resolver;
use crate::outbound::url_guard;
use crate::search::LeadSearch;
use crate::search::chunks::ChunkSearch;
use crate::store::key_cache::KeyCache;
use crate::store::{self, Store};

/// How often a key's `last_used_at` is written at most: a write per request would cost more
/// than the request.
const KEY_TOUCH_INTERVAL: Duration = Duration::from_secs(60);

#[derive(Clone)]
pub struct App(Arc<Inner>);

pub struct Inner {
    pub config: Config,
    /// The external URL: snippets, the admin link, same-origin checks, cookie `Secure`.
    pub public_url: Url,
    pub store: Store,
    pub leads_index: LeadSearch,
    pub chunks_index: ChunkSearch,
    pub clock: Arc<dyn Clock>,
    /// Who answers the visitor: the built-in agent or a model, from the configuration.
    pub agent: Agent,
    /// Resolves outbound host names (webhooks, LLM providers) without glibc's NSS.
    pub resolver: Resolver,
    /// Sends webhook deliveries: guarded against internal addresses, never redirected.
    pub webhook_client: reqwest::Client,
    /// Keys recently found live; a revocation through the API clears it.
    pub api_keys: KeyCache,
    key_touches: Mutex<HashMap<String, Instant>>,
}

impl Deref for App {
    type Target = Inner;

    fn deref(&self) -> &Inner {
        &self.0
    }
}

impl App {
    /// Opens the data directory: database (migrated), `default` tenant, search indexes.
    pub async fn open(config: Config, public_url: Url, clock: Arc<dyn Clock>) -> Result<Self> {
        let store = open_store(&config.data_dir)?;
        let now = clock.now().as_millisecond();
        store
            .write(move |conn| store::tenants::ensure_default(conn, now))
            .await?;
        let index_dir = config.data_dir.join("index");
        let refresh = config.search_refresh;
        let for_index = store.clone();
        let (leads_index, chunks_index) = tokio::task::spawn_blocking(move || {
            let leads = LeadSearch::open(&index_dir.join("leads"), &for_index, refresh)?;
            let chunks = ChunkSearch::open(&index_dir.join("chunks"), &for_index, refresh)?;
            Ok::<_, Error>((leads, chunks))
        })
        .await
        .map_err(Error::internal)??;
        let resolver = Resolver::from_system()?;
        let webhook_client = url_guard::client(
            config.webhooks.timeout,
            config.webhooks.allowed_hosts,
            &resolver,
        )?;
        let agent = Agent::from_config(&config.llm, &resolver);
        Ok(Self(Arc::new(Inner {
            agent,
            config,
            public_url,
            store,
            leads_index,
            chunks_index,
            clock,
            resolver,
            webhook_client,
            api_keys: KeyCache::default(),
            key_touches: Mutex::new(HashMap::new()),
        })))
    }

    /// Flushes the index and closes the database; blocking.
    pub fn close(&self) {
        self.leads_index.close();
        self.chunks_index.close();
        self.store.close();
    }

    /// Records a key's use, at most once per interval per key, without delaying the caller.
    pub fn note_key_used(&self, key_id: &str) {
        let due = {
            let mut touches = self
                .key_touches
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            let now = Instant::now();
            let due = touches
                .get(key_id)
                .is_none_or(|last| now.duration_since(*last) >= KEY_TOUCH_INTERVAL);
            if due {
                touches.insert(key_id.to_owned(), now);
            }
            due
        };
        if due {
            let (app, id) = (self.clone(), key_id.to_owned());
            tokio::spawn(async move {
                let now = app.clock.now().as_millisecond();
                let touched = app
                    .store
                    .write(move |conn| store::api_keys::touch(conn, &id, now));
                if let Err(err) = touched.await {
                    tracing::warn!(%err, "could not record API key use");
                }
            });
        }
    }
}

/// Opens (creating) the data directory, private to this user, and the database in it.
pub fn open_store(data_dir: &Path) -> Result<Store> {
    crate::data_dir::create_private_dir(data_dir)?;
    Store::open(&data_dir.join("synaptiq.db"))
}
