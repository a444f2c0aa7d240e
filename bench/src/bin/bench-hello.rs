//! The hello-world baseline: poem answering `GET /hello` with a small JSON object, on the
//! same runtime defaults, so the bench can show what a GET through our stack (auth, rate
//! limit, SQLite, serialisation) costs over the bare framework on the same machine.
//!
//! Prints its URL as the first stdout line, as `synaptiq serve` does, and runs until killed.

use std::process::ExitCode;

use poem::listener::{Acceptor, Listener, TcpListener};
use poem::web::Json;
use poem::{Route, Server, get, handler};
use serde_json::{Value, json};

#[handler]
fn hello() -> Json<Value> {
    Json(json!({ "message": "Hello, world!" }))
}

#[tokio::main]
async fn main() -> ExitCode {
    match serve().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("bench-hello: {err}");
            ExitCode::FAILURE
        }
    }
}

async fn serve() -> std::io::Result<()> {
    let acceptor = TcpListener::bind("127.0.0.1:0").into_acceptor().await?;
    let addr = acceptor
        .local_addr()
        .first()
        .and_then(|addr| addr.as_socket_addr().copied())
        .ok_or_else(|| std::io::Error::other("no local address"))?;
    println!("http://{addr}");
    Server::new_with_acceptor(acceptor)
        .run(Route::new().at("/hello", get(hello)))
        .await
}
