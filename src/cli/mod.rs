//! The command line: `serve`, and the commands that work on the data directory directly
//! (safe while a server runs: SQLite WAL lets both write).
//!
//! Scripting output goes to stdout, human notes to stderr. Exit codes: 0 ok, 1 runtime
//! failure, 2 usage or configuration error (invalid input rows included).

mod backup;
mod health;
mod held_log;
mod leads;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::clock::{Clock, SystemClock};
use crate::config::{Config, Flags, LogFormat};
use crate::domain::{auth, tenants};
use crate::error::{Error, Result};
use crate::model::{LeadStatus, TenantId, Tier};
use crate::store::Store;

#[derive(Parser, Debug)]
#[command(
    name = "synaptiq",
    version,
    about = "Self-hosted AI sales agent: chat widget, leads, webhooks — one binary"
)]
pub struct Cli {
    /// A synaptiq.toml with any configuration key (flags and SYNAPTIQ_* variables win)
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// State directory [env: SYNAPTIQ_DATA_DIR] [default: ./synaptiq-data]
    #[arg(long, global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the server (works with no configuration at all)
    Serve(ServeArgs),
    /// Create, list and revoke API keys
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Create and list tenants
    #[command(subcommand)]
    Tenants(TenantsCommand),
    /// Manage the admin token
    #[command(subcommand, name = "admin-token")]
    AdminToken(AdminTokenCommand),
    /// Print the OpenAPI spec (JSON) on stdout
    Openapi,
    /// Rebuild the search indexes from the database (safe while a server runs)
    Reindex,
    /// Write a consistent copy of the database to PATH (safe while a server runs)
    Backup {
        /// Where to write the copy (a single SQLite file; replaced if it exists)
        path: PathBuf,
    },
    /// Replace the database with a backup and rebuild the search indexes (stop the server
    /// first; the replaced database is kept as synaptiq.db.before-restore)
    Restore {
        /// A file written by `synaptiq backup`
        path: PathBuf,
    },
    /// Import leads from CSV (safe while a server runs)
    #[command(subcommand)]
    Import(ImportCommand),
    /// Export leads as CSV on stdout (safe while a server runs)
    #[command(subcommand)]
    Export(ExportCommand),
    /// Probe the server's /api/health; exit 0 when healthy, 1 otherwise (a container's
    /// HEALTHCHECK: the image has no curl)
    Healthcheck(health::HealthcheckArgs),
    /// Extract an upload's text: the file on stdin, JSON on stdout, under memory, CPU and
    /// output limits. The server runs this in a child process for every upload.
    #[command(hide = true)]
    Extract {
        /// The uploaded file's name (its extension helps tell the format)
        #[arg(long)]
        name: Option<String>,
        /// Read the input as the JSON API's Markdown `content`, not as a file
        #[arg(long)]
        content: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum ImportCommand {
    /// Create (or update) leads from a CSV file, validated as the API validates them; rows
    /// that fail are reported by line
    Leads(leads::ImportLeads),
}

#[derive(Subcommand, Debug)]
pub enum ExportCommand {
    /// Every lead of a tenant as RFC 4180 CSV on stdout, newest first (what
    /// `import leads` reads back)
    Leads(leads::ExportLeads),
}

#[derive(Args, Debug)]
pub struct ServeArgs {
    /// Listen address; port 0 picks a free port [env: SYNAPTIQ_BIND] [default: 127.0.0.1:8080]
    #[arg(long, value_name = "ADDR")]
    pub bind: Option<String>,
    /// External URL, used in snippets and cookies [env: SYNAPTIQ_PUBLIC_URL] [default: http://{bind}]
    #[arg(long, value_name = "URL")]
    pub public_url: Option<String>,
}

#[derive(Subcommand, Debug)]
pub enum KeysCommand {
    /// Create a key and print it, alone, on stdout (it is shown only this once)
    Create {
        /// What the key is for, to tell keys apart in `keys list` and the admin UI (e.g.
        /// "zapier")
        #[arg(long)]
        name: String,
        /// The key's rate-limit tier: requests per minute as SYNAPTIQ_RATE_LIMIT_FREE, _PRO
        /// or _ENTERPRISE set them (60, 600 and 6000 by default)
        #[arg(long, value_enum, default_value_t = TierArg::Free)]
        tier: TierArg,
        /// The tenant whose leads, conversations and settings the key reaches
        #[arg(long, default_value = "default")]
        tenant: String,
    },
    /// List keys (tab-separated: id, tenant, name, tier, prefix, created, last used, revoked)
    List {
        /// Only this tenant's keys (all tenants' by default)
        #[arg(long)]
        tenant: Option<String>,
    },
    /// Revoke a key by id
    Revoke {
        /// The key's id, as `keys list` shows it (the first column)
        id: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum TenantsCommand {
    /// Create a tenant; ids are 1-64 characters of a-z, 0-9 and -
    Create {
        /// The tenant's id, as widgets (`data-tenant`) and `--tenant` name it
        id: String,
        /// Its display name (the id by default)
        #[arg(long)]
        name: Option<String>,
    },
    /// List tenants (tab-separated: id, name, created)
    List,
}

#[derive(Subcommand, Debug)]
pub enum AdminTokenCommand {
    /// Replace the admin token, end every session, print the new token on stdout
    Reset,
}

#[derive(ValueEnum, Debug, Clone, Copy)]
pub enum TierArg {
    Free,
    Pro,
    Enterprise,
}

#[derive(ValueEnum, Debug, Clone, Copy)]
pub enum StatusArg {
    New,
    Qualifying,
    Qualified,
    Booked,
    Disqualified,
    Nurturing,
}

impl From<StatusArg> for LeadStatus {
    fn from(s: StatusArg) -> Self {
        match s {
            StatusArg::New => LeadStatus::New,
            StatusArg::Qualifying => LeadStatus::Qualifying,
            StatusArg::Qualified => LeadStatus::Qualified,
            StatusArg::Booked => LeadStatus::Booked,
            StatusArg::Disqualified => LeadStatus::Disqualified,
            StatusArg::Nurturing => LeadStatus::Nurturing,
        }
    }
}

impl From<TierArg> for Tier {
    fn from(t: TierArg) -> Self {
        match t {
            TierArg::Free => Tier::Free,
            TierArg::Pro => Tier::Pro,
            TierArg::Enterprise => Tier::Enterprise,
        }
    }
}

/// Runs the parsed command line to an exit code.
pub fn run(cli: Cli) -> ExitCode {
    match &cli.command {
        Command::Openapi => {
            println!("{}", crate::http::spec_json());
            return ExitCode::SUCCESS;
        }
        Command::Extract { name, content } => {
            return crate::ingest::child::run(name.as_deref(), *content);
        }
        _ => {}
    }
    let (bind, public_url) = match &cli.command {
        Command::Serve(args) => (args.bind.clone(), args.public_url.clone()),
        _ => (None, None),
    };
    let flags = Flags {
        config: cli.config.clone(),
        data_dir: cli.data_dir.clone(),
        bind,
        public_url,
    };
    let config = match Config::load(&flags) {
        Ok(config) => config,
        Err(err) => {
            eprintln!("synaptiq: {err}");
            return ExitCode::from(2);
        }
    };
    let log = held_log::HeldLog::default();
    init_logging(&config, log.clone());
    // Blocking work is SQLite reads and index searches, bounded by the reader pool; more
    // threads than that only queue, and each idle thread keeps allocator memory resident.
    // Idle blocking threads take the next task in turn (the longest-waiting first), so the
    // once-a-second jobs kept all eight alive with a 10 s keep-alive; with 2 s the pool
    // shrinks when the server is quiet.
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .max_blocking_threads(crate::store::READERS as usize * 2)
        .thread_keep_alive(std::time::Duration::from_secs(2))
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(err) => {
            eprintln!("synaptiq: cannot start the async runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(dispatch(cli.command, config, log)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Error::Invalid { field, reason }) => {
            eprintln!("synaptiq: {field}: {reason}");
            ExitCode::from(2)
        }
        Err(err) => {
            eprintln!("synaptiq: {err}");
            ExitCode::FAILURE
        }
    }
}

fn init_logging(config: &Config, log: held_log::HeldLog) {
    let filter = crate::config::log_filter().parse_lossy(&config.log);
    // Colours only for a person at a terminal: journald and log files get plain text.
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(log);
    let _ = match config.log_format {
        LogFormat::Json => builder.json().try_init(),
        LogFormat::Text => builder.try_init(),
    };
}

async fn dispatch(command: Command, config: Config, log: held_log::HeldLog) -> Result<()> {
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    match command {
        Command::Serve(_) => serve(config, clock, &log).await,
        Command::Openapi | Command::Extract { .. } => Ok(()),
        Command::Keys(cmd) => {
            keys(cmd, &open(&config, clock.as_ref()).await?, clock.as_ref()).await
        }
        Command::Tenants(cmd) => {
            tenants_cmd(cmd, &open(&config, clock.as_ref()).await?, clock.as_ref()).await
        }
        Command::Reindex => {
            let store = open(&config, clock.as_ref()).await?;
            let index_dir = config.data_dir.join("index");
            let for_task = store.clone();
            tokio::task::spawn_blocking(move || {
                reindex_one::<crate::search::leads::Leads>(
                    &index_dir.join("leads"),
                    &for_task,
                    "leads",
                )?;
                reindex_one::<crate::search::chunks::Chunks>(
                    &index_dir.join("chunks"),
                    &for_task,
                    "knowledge-base chunks",
                )
            })
            .await
            .map_err(Error::internal)??;
            close(store).await
        }
        Command::Backup { path } => backup::backup(&config, path).await,
        Command::Restore { path } => backup::restore(&config, path).await,
        Command::Import(ImportCommand::Leads(args)) => leads::import(&config, args).await,
        Command::Export(ExportCommand::Leads(args)) => leads::export(&config, args).await,
        Command::Healthcheck(args) => health::check(&config, args).await,
        Command::AdminToken(AdminTokenCommand::Reset) => {
            let store = open(&config, clock.as_ref()).await?;
            let token = auth::reset_admin_token(&store, clock.as_ref()).await?;
            println!("{token}");
            eprintln!("Admin token replaced; every admin session has ended.");
            close(store).await
        }
    }
}

async fn serve(mut config: Config, clock: Arc<dyn Clock>, log: &held_log::HeldLog) -> Result<()> {
    // Listening for the signals starts before the URL is printed: a supervisor (or the
    // bench) may send SIGTERM as soon as the server answers, and without a handler yet that
    // signal would kill it instead of shutting it down.
    let shutdown = shutdown_signal()
        .map_err(|e| Error::internal(format!("cannot listen for SIGINT and SIGTERM: {e}")))?;
    // A first start's log lines (migrations, empty indexes) follow the banner instead of
    // burying its one-time admin token; a failed start writes them out before its error. A
    // later start may rebuild large indexes, and its lines show as they come.
    let first_start = !config.data_dir.join("synaptiq.db").exists();
    let held = first_start.then(|| log.hold());
    config.extractor = crate::ingest::child::this_executable();
    if config.extractor.is_none() {
        tracing::warn!(
            "this executable could not be found (no /proc and no path in argv[0]): uploads \
             are read in process, within byte caps but without the reader's memory limit"
        );
    }
    let server = crate::server::start(config, clock).await?;
    println!("http://{}", server.addr);
    eprintln!("{}", server.banner());
    drop(held);
    shutdown.await;
    eprintln!("Shutting down: finishing in-flight requests…");
    server.stop().await?;
    eprintln!("Stopped cleanly.");
    Ok(())
}

/// Registers for SIGINT and SIGTERM at once; the future resolves on the first of them.
fn shutdown_signal() -> std::io::Result<impl Future<Output = ()>> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut interrupt = signal(SignalKind::interrupt())?;
    let mut term = signal(SignalKind::terminate())?;
    Ok(async move {
        tokio::select! {
            _ = interrupt.recv() => {}
            _ = term.recv() => {}
        }
    })
}

async fn open(config: &Config, clock: &dyn Clock) -> Result<Store> {
    let store = crate::app::open_store(&config.data_dir)?;
    tenants::ensure_default(&store, clock).await?;
    Ok(store)
}

async fn close(store: Store) -> Result<()> {
    tokio::task::spawn_blocking(move || store.close())
        .await
        .map_err(Error::internal)
}

async fn keys(cmd: KeysCommand, store: &Store, clock: &dyn Clock) -> Result<()> {
    match cmd {
        KeysCommand::Create { name, tier, tenant } => {
            let tenant = TenantId::parse("--tenant", &tenant)?;
            let (key, secret) = auth::create_key(store, clock, tenant, &name, tier.into()).await?;
            println!("{secret}");
            eprintln!(
                "Created {} key {} ({}) for tenant {}; it is shown only this once.",
                key.tier.as_str(),
                key.id,
                key.prefix,
                key.tenant
            );
        }
        KeysCommand::List { tenant } => {
            let tenant = tenant
                .map(|t| TenantId::parse("--tenant", &t))
                .transpose()?;
            for key in auth::list_keys(store, tenant).await? {
                let time = |t: Option<jiff::Timestamp>| {
                    t.map(crate::clock::format).unwrap_or_else(|| "-".into())
                };
                println!(
                    "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
                    key.id,
                    key.tenant,
                    key.name,
                    key.tier.as_str(),
                    key.prefix,
                    crate::clock::format(key.created_at),
                    time(key.last_used_at),
                    time(key.revoked_at)
                );
            }
        }
        KeysCommand::Revoke { id } => {
            // A running server sees it when its cached copy of the key expires.
            let cache = auth::KeyCache::default();
            let key = auth::revoke_key(store, &cache, clock, None, &id).await?;
            eprintln!("Revoked key {} ({}).", key.id, key.prefix);
        }
    }
    close(store.clone()).await
}

async fn tenants_cmd(cmd: TenantsCommand, store: &Store, clock: &dyn Clock) -> Result<()> {
    match cmd {
        TenantsCommand::Create { id, name } => {
            let tenant = tenants::create_in(store, clock, &id, name).await?;
            println!("{}", tenant.id);
            eprintln!("Created tenant {} ({}).", tenant.id, tenant.name);
        }
        TenantsCommand::List => {
            for t in tenants::list(store).await? {
                println!(
                    "{}\t{}\t{}",
                    t.id,
                    t.name,
                    crate::clock::format(t.created_at)
                );
            }
        }
    }
    close(store.clone()).await
}

/// `n` and the noun that goes with it: "1 lead", "2 leads".
fn count(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Rebuilds one index with a progress bar on a terminal, plain lines otherwise.
fn reindex_one<S: crate::search::index::Source>(
    dir: &std::path::Path,
    store: &Store,
    what: &str,
) -> Result<()> {
    use std::io::IsTerminal;

    use crate::search::index::{Progress, Reindexed, reindex};
    let started = std::time::Instant::now();
    let bar = if std::io::stderr().is_terminal() {
        indicatif::ProgressBar::new(0)
    } else {
        indicatif::ProgressBar::hidden()
    };
    bar.set_style(
        indicatif::ProgressStyle::with_template("{msg:>24} [{bar:30}] {pos}/{len} ({per_sec})")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.set_message(what.to_owned());
    let outcome = reindex::<S>(dir, store, &mut |progress| match progress {
        Progress::Total(total) => bar.set_length(total),
        Progress::Added(n) => bar.set_position(n),
        Progress::Waiting => {
            bar.set_message(format!("{what}: the running server is rebuilding"));
            if bar.is_hidden() {
                eprintln!("{what}: a server is running; it is rebuilding the index");
            }
        }
    })?;
    bar.finish_and_clear();
    let ms = started.elapsed().as_millis();
    match outcome {
        // Both indexes name their items with a regular plural ("leads", "… chunks").
        Reindexed::Here(n) => eprintln!(
            "Reindexed {} in {ms} ms.",
            count(n, what.strip_suffix('s').unwrap_or(what), what)
        ),
        Reindexed::ByServer => eprintln!("The running server rebuilt its {what} index in {ms} ms."),
    }
    Ok(())
}
