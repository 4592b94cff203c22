//! `reckon bench serve`: a bounded load loop against the web application on 127.0.0.1.
//!
//! The server runs in this process on its own runtime (its own threads); the clients run on
//! another, each with one keep-alive HTTP/1.1 connection, alternating a search for a name
//! taken from the project and a person page. Reports requests, errors and latency
//! percentiles per kind.

use std::time::{Duration, Instant};

use anyhow::Context as _;
use reckon_service::accounts::{self, Role};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

use crate::args::Global;
use crate::commands::open;

const USER: &str = "bench-load";
const PASSWORD: &str = "bench load password, synthetic project only";

pub(crate) fn run(global: &Global, clients: usize, seconds: u64) -> anyhow::Result<()> {
    let mut store = open(global)?;
    if store.user_by_name(USER)?.is_none() {
        accounts::add_user(
            &mut store,
            USER,
            Role::ReadOnly,
            PASSWORD,
            reckon_vault::KdfParams::standard(),
            &global.user,
        )?;
    }
    let (n_records, n_persons) = store.counts()?;
    anyhow::ensure!(n_persons > 0, "link the project first: no persons to read");
    // Names to search for: a spread of the project's records.
    let records = store.records()?;
    let step = (records.len() / 500).max(1);
    let names: Vec<String> = records
        .iter()
        .step_by(step)
        .map(|r| {
            // A surname and a given name, as people type them; sometimes only the surname.
            let name = r.record.display_name();
            name.split_whitespace()
                .take(2)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .filter(|n| !n.is_empty())
        .collect();
    drop(records);
    drop(store);

    let server_runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let state = reckon_server::AppState::new(reckon_server::ServerConfig::new(global.db.clone()))?;
    let listener = server_runtime.block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))?;
    let addr = listener.local_addr()?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = server_runtime.spawn(reckon_server::serve(state, listener, async {
        let _ = stopped.await;
    }));

    let client_runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let result = client_runtime.block_on(async move {
        let cookie = sign_in(addr).await?;
        let deadline = Instant::now() + Duration::from_secs(seconds);
        let mut tasks = Vec::new();
        for client in 0..clients {
            let cookie = cookie.clone();
            let names = names.clone();
            tasks.push(tokio::spawn(async move {
                client_loop(addr, &cookie, &names, n_persons, client, deadline).await
            }));
        }
        let mut searches = Vec::new();
        let mut persons = Vec::new();
        let mut errors = 0usize;
        for task in tasks {
            let (s, p, e) = task.await.context("a client task failed")?;
            searches.extend(s);
            persons.extend(p);
            errors += e;
        }
        anyhow::Ok((searches, persons, errors))
    });
    let _ = stop.send(());
    let _ = server_runtime.block_on(server);
    let (mut searches, mut persons, errors) = result?;
    let total = searches.len() + persons.len();
    println!(
        "reckon bench serve: {n_records} records, {n_persons} persons; {clients} clients for {seconds} s on {addr}"
    );
    println!(
        "requests: {total} ({:.0}/s), errors: {errors}",
        total as f64 / seconds as f64
    );
    println!("| kind | requests | p50 ms | p90 ms | p99 ms | max ms |");
    println!("|---|---|---|---|---|---|");
    for (kind, latencies) in [("search", &mut searches), ("person page", &mut persons)] {
        latencies.sort_by(f64::total_cmp);
        let at = |q: f64| {
            latencies
                .get(((latencies.len() as f64 * q) as usize).min(latencies.len().saturating_sub(1)))
                .copied()
                .unwrap_or(f64::NAN)
        };
        println!(
            "| {kind} | {} | {:.1} | {:.1} | {:.1} | {:.1} |",
            latencies.len(),
            at(0.5),
            at(0.9),
            at(0.99),
            latencies.last().copied().unwrap_or(f64::NAN)
        );
    }
    if errors > 0 {
        return Err(crate::Failed.into());
    }
    Ok(())
}

/// Signs in through the API and returns the session cookie.
async fn sign_in(addr: std::net::SocketAddr) -> anyhow::Result<String> {
    let mut connection = Connection::open(addr).await?;
    let body = serde_json::json!({"name": USER, "password": PASSWORD}).to_string();
    let (status, headers, _) = connection
        .request(&format!(
            "POST /api/v1/session HTTP/1.1\r\nHost: bench\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        ))
        .await?;
    anyhow::ensure!(status == 200, "signing in answered {status}");
    headers
        .lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("set-cookie")
                .then(|| value.trim().split(';').next().unwrap_or("").to_string())
        })
        .context("no session cookie")
}

async fn client_loop(
    addr: std::net::SocketAddr,
    cookie: &str,
    names: &[String],
    n_persons: usize,
    client: usize,
    deadline: Instant,
) -> (Vec<f64>, Vec<f64>, usize) {
    let mut searches = Vec::new();
    let mut persons = Vec::new();
    let mut errors = 0;
    let mut connection = None;
    let mut i = client * 7919;
    while Instant::now() < deadline {
        i = i.wrapping_add(1);
        let search = i.is_multiple_of(2);
        let path = if search {
            let name = &names[i % names.len()];
            format!("/search?q={}", percent_encode(name))
        } else {
            format!("/persons/{}", i * 7 % n_persons + 1)
        };
        let request = format!("GET {path} HTTP/1.1\r\nHost: bench\r\nCookie: {cookie}\r\n\r\n");
        let started = Instant::now();
        if connection.is_none() {
            connection = Connection::open(addr).await.ok();
        }
        let outcome = match connection.as_mut() {
            Some(c) => c.request(&request).await,
            None => Err(anyhow::anyhow!("could not connect")),
        };
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        match outcome {
            Ok((200, _, _)) => {
                if search {
                    searches.push(ms)
                } else {
                    persons.push(ms)
                }
            }
            _ => {
                errors += 1;
                connection = None;
            }
        }
    }
    (searches, persons, errors)
}

fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// One keep-alive HTTP/1.1 connection; responses must carry a Content-Length.
struct Connection {
    reader: BufReader<TcpStream>,
}

impl Connection {
    async fn open(addr: std::net::SocketAddr) -> anyhow::Result<Connection> {
        let stream = TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        Ok(Connection {
            reader: BufReader::new(stream),
        })
    }

    async fn request(&mut self, request: &str) -> anyhow::Result<(u16, String, Vec<u8>)> {
        self.reader.get_mut().write_all(request.as_bytes()).await?;
        let mut status_line = String::new();
        self.reader.read_line(&mut status_line).await?;
        let status: u16 = status_line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .context("no status")?;
        let mut headers = String::new();
        let mut length = None;
        loop {
            let mut line = String::new();
            self.reader.read_line(&mut line).await?;
            if line == "\r\n" || line.is_empty() {
                break;
            }
            if let Some((name, value)) = line.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                length = value.trim().parse::<usize>().ok();
            }
            headers.push_str(&line);
        }
        let length = length.context("no content-length")?;
        let mut body = vec![0; length];
        self.reader.read_exact(&mut body).await?;
        Ok((status, headers, body))
    }
}
