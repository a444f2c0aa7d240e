//! Running the HTTP server: bind, serve, and shut down gracefully.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use poem::http::uri::Scheme;
use poem::listener::{Acceptor, Listener, TcpAcceptor, TcpListener};
use poem::web::{LocalAddr, RemoteAddr};
use tokio::sync::oneshot;
use url::Url;

use crate::app::App;
use crate::clock::Clock;
use crate::config::Config;
use crate::data_dir::{self, ServerLock};
use crate::domain::auth;
use crate::error::{Error, Result};
use crate::http;
use crate::jobs::Jobs;

/// How long in-flight requests may take to finish once shutdown starts.
const DRAIN: Duration = Duration::from_secs(30);
/// A connection with nothing read or written for this long is closed: idle keep-alives and
/// vanished clients. Longer than any reply takes to start (an LLM can be slow).
const IDLE: Duration = Duration::from_secs(300);

pub struct RunningServer {
    pub addr: SocketAddr,
    pub app: App,
    /// The admin token, when this start generated it (first start without one configured).
    pub generated_admin_token: Option<String>,
    stop: oneshot::Sender<()>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
    jobs: Jobs,
    /// Released once the database is closed, so `restore` can take over.
    lock: ServerLock,
}

/// Opens the data directory and starts serving on `config.bind`. A start that fails on a
/// disk too full for it says so, and how much space it needs, instead of SQLite's
/// "disk I/O error"; one that succeeds on such a disk serves reads and warns.
pub async fn start(config: Config, clock: Arc<dyn Clock>) -> Result<RunningServer> {
    let data_dir = config.data_dir.clone();
    if let Some(shortage) = data_dir::space_shortage(&data_dir) {
        tracing::warn!("{shortage}");
    }
    start_on(config, clock)
        .await
        .map_err(|err| match data_dir::space_shortage(&data_dir) {
            Some(shortage) => Error::Unavailable(format!("cannot start ({err}): {shortage}")),
            None => err,
        })
}

async fn start_on(config: Config, clock: Arc<dyn Clock>) -> Result<RunningServer> {
    let lock = ServerLock::acquire(&config.data_dir, "starting another")?;
    if let Some(warning) = data_dir::exposure(&config.data_dir) {
        tracing::warn!("{warning}");
    }
    let acceptor = TcpListener::bind(config.bind)
        .into_acceptor()
        .await
        .map(NoDelay)
        .map_err(|e| Error::Unavailable(format!("cannot listen on {}: {e}", config.bind)))?;
    let addr = acceptor
        .local_addr()
        .first()
        .and_then(|a| a.as_socket_addr().copied())
        .ok_or_else(|| Error::internal("listener has no address"))?;
    let public_url = match &config.public_url {
        Some(url) => url.clone(),
        None => Url::parse(&format!("http://{addr}")).map_err(Error::internal)?,
    };
    let admin_token = config.admin_token.as_ref().map(|t| t.expose().to_owned());
    let app = App::open(config, public_url, clock).await?;
    let generated_admin_token =
        auth::prepare_admin_token(&app.store, app.clock.as_ref(), admin_token.as_deref()).await?;
    let jobs = Jobs::start(&app);
    let endpoint = http::endpoint(app.clone());
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        poem::Server::new_with_acceptor(acceptor)
            .idle_timeout(IDLE)
            .run_with_graceful_shutdown(
                endpoint,
                async {
                    let _ = stopped.await;
                },
                Some(DRAIN),
            )
            .await
    });
    Ok(RunningServer {
        addr,
        app,
        generated_admin_token,
        stop,
        task,
        jobs,
        lock,
    })
}

impl RunningServer {
    /// Stops accepting, lets in-flight requests finish, then closes the index and database.
    pub async fn stop(self) -> Result<()> {
        let _ = self.stop.send(());
        let served = self.task.await.map_err(Error::internal)?;
        self.jobs.stop().await;
        let app = self.app;
        tokio::task::spawn_blocking(move || app.close())
            .await
            .map_err(Error::internal)?;
        drop(self.lock);
        served.map_err(Error::from)
    }

    /// The lines a person needs after start-up: where it runs, the token, the snippet.
    pub fn banner(&self) -> String {
        let url = self.app.public_url.as_str().trim_end_matches('/');
        let mut lines = vec![
            format!(
                "Synaptiq {} listening on http://{}",
                env!("CARGO_PKG_VERSION"),
                self.addr
            ),
            format!("  Admin UI:     {url}/admin"),
        ];
        match &self.generated_admin_token {
            Some(token) => lines.push(format!(
                "  Admin token:  {token}   (shown once; only its hash is stored)"
            )),
            None => lines.push(
                "  Admin token:  unchanged (reset with `synaptiq admin-token reset`)".to_owned(),
            ),
        }
        lines.push(format!(
            "  Widget:       <script src=\"{url}/widget.js\" data-tenant=\"default\"></script>"
        ));
        lines.push(format!("  API docs:     {url}/api/docs"));
        lines.join("\n")
    }
}

/// Accepts connections with Nagle's algorithm off, and with hyper's own refusals rewritten as
/// JSON errors (`http::refused`). A streamed chat answer is many small writes (an SSE event
/// per delta), and with Nagle on each one after the first waits for the client's delayed ACK
/// (up to 40 ms on Linux).
struct NoDelay(TcpAcceptor);

impl Acceptor for NoDelay {
    type Io = http::refused::JsonRefusals<tokio::net::TcpStream>;

    fn local_addr(&self) -> Vec<LocalAddr> {
        self.0.local_addr()
    }

    async fn accept(&mut self) -> std::io::Result<(Self::Io, LocalAddr, RemoteAddr, Scheme)> {
        let (io, local, remote, scheme) = self.0.accept().await?;
        // A connection that cannot take the option (already reset) still gets served, or
        // fails on its own; it must not end the accept loop.
        if let Err(err) = io.set_nodelay(true) {
            tracing::debug!(%err, "TCP_NODELAY not set on an accepted connection");
        }
        Ok((http::refused::JsonRefusals::new(io), local, remote, scheme))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn accepted_connections_have_nagle_off() {
        let mut acceptor = NoDelay(
            TcpListener::bind("127.0.0.1:0")
                .into_acceptor()
                .await
                .expect("bind"),
        );
        let addr = acceptor.local_addr()[0]
            .as_socket_addr()
            .copied()
            .expect("address");
        let _client = tokio::net::TcpStream::connect(addr).await.expect("connect");
        let (io, ..) = acceptor.accept().await.expect("accept");
        assert!(io.get_ref().nodelay().expect("read TCP_NODELAY"));
    }
}
