//! The server under test, in its own process so that its CPU time and memory are its own: started on
//! a free port, waited for until ready, measured through /proc and its `/metrics`, stopped with SIGTERM.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::dataset::SECRET;
use crate::scale::Http;

/// The server under test, in its own process so its CPU time and memory are its own.
pub struct Server {
    child: Child,
    pub http: Http,
    metrics: Http,
}

impl Server {
    pub async fn start(url: &str, token: &str, clients: usize) -> Result<Server, String> {
        let free_port = || {
            std::net::TcpListener::bind("127.0.0.1:0")
                .and_then(|l| l.local_addr())
                .map(|a| a.port())
                .map_err(|e| e.to_string())
        };
        let (port, metrics_port) = (free_port()?, free_port()?);
        let exe = std::env::current_exe().map_err(|e| e.to_string())?;
        let binary = exe.with_file_name("lienthong");
        let child = Command::new(&binary)
            .args(["serve", "--database-url", url])
            .args(["--bind", &format!("127.0.0.1:{port}")])
            // `/metrics` (for the statement count) on a listener of its own, as in production.
            .env(
                "LIENTHONG_METRICS_BIND",
                format!("127.0.0.1:{metrics_port}"),
            )
            .env("LIENTHONG_JWT_SECRET", SECRET)
            .env("LIENTHONG_RATE_LIMIT_PER_MINUTE", "1000000000")
            // The server's log level; `LIENTHONG_BENCH_SERVER_LOG=debug` to see what it did.
            .env(
                "LIENTHONG_LOG",
                std::env::var("LIENTHONG_BENCH_SERVER_LOG").unwrap_or_else(|_| "warn".into()),
            )
            .stdout(Stdio::null())
            .spawn()
            .map_err(|e| {
                format!(
                    "{}: {e} (build it with `cargo build --release`)",
                    binary.display()
                )
            })?;
        let server = Server {
            child,
            http: Http::new(&format!("http://127.0.0.1:{port}"), token, clients),
            metrics: Http::new(&format!("http://127.0.0.1:{metrics_port}"), token, 1),
        };
        for _ in 0..200 {
            if server.http.get("/readyz").await.is_ok() {
                return Ok(server);
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Err("the server did not become ready".into())
    }

    /// User + system CPU time of the server so far.
    pub fn cpu(&self) -> Duration {
        let stat =
            std::fs::read_to_string(format!("/proc/{}/stat", self.child.id())).unwrap_or_default();
        // Fields after the command name (which may hold spaces): utime is the 12th, stime the 13th.
        let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
        let fields: Vec<u64> = after
            .split_whitespace()
            .map(|f| f.parse().unwrap_or(0))
            .collect();
        let ticks = fields.get(11).copied().unwrap_or(0) + fields.get(12).copied().unwrap_or(0);
        Duration::from_millis(ticks * 1000 / clock_ticks())
    }

    /// Peak resident set size of the server so far, in MiB.
    pub fn peak_rss_mib(&self) -> f64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
            .map_or(0.0, |kb| kb / 1024.0)
    }

    pub async fn statements(&self) -> u64 {
        let text = self.metrics.get("/metrics").await.unwrap_or_default();
        text.lines()
            .find_map(|l| l.strip_prefix("db_statements_total "))
            .and_then(|v| v.trim().parse::<f64>().ok())
            .map_or(0, |v| v as u64)
    }

    pub fn stop(mut self) {
        // SIGTERM, so the server drains and exits by itself.
        let _ = Command::new("kill")
            .arg(self.child.id().to_string())
            .status();
        let _ = self.child.wait();
    }
}

fn clock_ticks() -> u64 {
    Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(100)
}
