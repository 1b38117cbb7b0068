//! Abuse under load: ordinary traffic's latency alone, then again while attackers send the abusive
//! requests of `abuse_catalog` back to back. Prints each refusal alone, both latency runs, their p99
//! ratio, and what the attack cost per kind of abuse. The server runs as its own process with the rate
//! limit off, so every abusive request reaches the GraphQL layer (the worst case).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use chrono::Utc;
use lienthong::config::Config;
use lienthong::db;
use sea_orm::ConnectionTrait;

use crate::abuse_catalog::{Abuse, Limits, catalog};
use crate::scale::{Http, QUERY_A, query_b};
use crate::server::Server;
use crate::{ScratchDb, bench_keys, dataset, percentile};

pub struct Options {
    pub postgres: Option<String>,
    pub seconds: u64,
    pub clients: usize,
    pub attackers: usize,
}

/// How one abusive request was answered: status and `extensions.code`.
fn answer_of(status: u16, body: &[u8]) -> (u16, String) {
    let json: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
    let code = json["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or("")
        .to_owned();
    (status, code)
}

async fn send(http: &Http, token: &str, abuse: &Abuse) -> Result<(u16, String), String> {
    let bearer = abuse.token.as_deref().unwrap_or(token);
    let (status, body) = http
        .raw(
            abuse.method,
            &abuse.uri,
            abuse.content_type,
            Some(bearer),
            Bytes::from(abuse.body.clone()),
        )
        .await?;
    Ok(answer_of(status, &body))
}

/// Ordinary clients for `seconds`: district lists with their lots, and single districts, alternately.
async fn ordinary(http: Arc<Http>, clients: usize, seconds: u64) -> (Vec<Duration>, usize) {
    let bodies: Arc<[Bytes; 2]> = Arc::new([
        Bytes::from(serde_json::json!({ "query": QUERY_A }).to_string()),
        Bytes::from(serde_json::json!({ "query": query_b() }).to_string()),
    ]);
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let workers: Vec<_> = (0..clients)
        .map(|c| {
            let (http, bodies) = (http.clone(), bodies.clone());
            tokio::spawn(async move {
                let (mut latencies, mut errors, mut k) = (Vec::new(), 0, c);
                while Instant::now() < deadline {
                    let started = Instant::now();
                    match http.send(bodies[k % 2].clone()).await {
                        Ok(_) => latencies.push(started.elapsed()),
                        Err(_) => errors += 1,
                    }
                    k += 1;
                }
                (latencies, errors)
            })
        })
        .collect();
    let (mut all, mut errors) = (Vec::new(), 0);
    for worker in workers {
        if let Ok((l, e)) = worker.await {
            all.extend(l);
            errors += e;
        }
    }
    all.sort();
    (all, errors)
}

/// Per kind of abuse: latencies, how many answers were not the expected refusal, and the first such.
type Attack = BTreeMap<&'static str, (Vec<Duration>, usize, Option<String>)>;

/// Attackers send the catalog round and round until `stop` is set.
async fn attack(
    http: Arc<Http>,
    token: Arc<str>,
    abuses: Arc<Vec<Abuse>>,
    attackers: usize,
    stop: Arc<std::sync::atomic::AtomicBool>,
) -> Attack {
    let workers: Vec<_> = (0..attackers)
        .map(|a| {
            let (http, token, abuses, stop) =
                (http.clone(), token.clone(), abuses.clone(), stop.clone());
            tokio::spawn(async move {
                let mut seen = Attack::new();
                let mut k = a;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    let abuse = &abuses[k % abuses.len()];
                    let started = Instant::now();
                    let answer = send(&http, &token, abuse).await;
                    let entry = seen.entry(abuse.name).or_default();
                    entry.0.push(started.elapsed());
                    if answer != Ok((abuse.status, abuse.code.to_owned())) {
                        entry.1 += 1;
                        entry.2.get_or_insert_with(|| format!("{answer:?}"));
                    }
                    k += 1;
                }
                seen
            })
        })
        .collect();
    let mut all = Attack::new();
    for worker in workers {
        if let Ok(seen) = worker.await {
            for (name, (latencies, wrong, first)) in seen {
                let entry = all.entry(name).or_default();
                entry.0.extend(latencies);
                entry.1 += wrong;
                entry.2 = entry.2.take().or(first);
            }
        }
    }
    all
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn print_run(name: &str, latencies: &[Duration], errors: usize, seconds: u64) {
    println!(
        "{name:<16} {:>9} {:>8.0} {:>8.2} {:>8.2} {:>7}",
        latencies.len(),
        latencies.len() as f64 / seconds as f64,
        ms(percentile(latencies, 0.50)),
        ms(percentile(latencies, 0.99)),
        errors
    );
}

pub async fn run(options: Options) -> Result<(), Box<dyn std::error::Error>> {
    let Options {
        postgres,
        seconds,
        clients,
        attackers,
    } = options;
    let scratch = ScratchDb::create(postgres.as_deref()).await?;
    let conn = db::connect(&Config::new(scratch.url.clone())).await?;
    db::migrate(&conn).await?;
    dataset::load_province(&conn, Utc::now()).await?;
    let keys = bench_keys()?;
    let issued = Utc::now() - chrono::Duration::seconds(5);
    dataset::store_token(&conn, &keys, "abuse-bench", issued).await?;
    let token: Arc<str> = dataset::sign(&keys, "abuse-bench", issued)?.into();
    if !scratch.url.starts_with("sqlite") {
        conn.execute_unprepared("ANALYZE").await?;
    }
    conn.close().await.ok();
    let server = Server::start(&scratch.url, &token, clients + attackers).await?;
    let http = Arc::new(server.http.clone());

    let defaults = Config::new("");
    let abuses = Arc::new(catalog(&Limits {
        body_bytes: defaults.body_limit_bytes,
        depth: defaults.max_depth,
        complexity: defaults.max_complexity,
        aliases: defaults.max_aliases,
        directives: defaults.max_directives,
    }));
    println!(
        "abuse on {}: {clients} ordinary clients, {attackers} attackers, {seconds} s per run, release build, rate limit off",
        scratch.engine
    );
    println!(
        "\n{:<24} {:>8} {:>7} {:<16} {:>8} {:>3}",
        "abusive request", "bytes", "status", "code", "ms alone", "ok"
    );
    let mut refused = 0;
    for abuse in abuses.iter() {
        let started = Instant::now();
        let answer = send(&http, &token, abuse).await?;
        let ok = answer == (abuse.status, abuse.code.to_owned());
        refused += usize::from(ok);
        println!(
            "{:<24} {:>8} {:>7} {:<16} {:>8.2} {:>3}",
            abuse.name,
            abuse.body.len() + abuse.uri.len(),
            answer.0,
            answer.1,
            ms(started.elapsed()),
            if ok { "yes" } else { "NO" }
        );
    }
    println!("{refused} of {} refused as expected", abuses.len());

    // Warm-up, then ordinary traffic alone, then with the attack.
    ordinary(http.clone(), clients, 2).await;
    println!(
        "\n{:<16} {:>9} {:>8} {:>8} {:>8} {:>7}",
        "ordinary", "requests", "req/s", "p50 ms", "p99 ms", "errors"
    );
    let (alone, alone_errors) = ordinary(http.clone(), clients, seconds).await;
    print_run("alone", &alone, alone_errors, seconds);
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let attacking = tokio::spawn(attack(
        http.clone(),
        token.clone(),
        abuses.clone(),
        attackers,
        stop.clone(),
    ));
    let (attacked, attacked_errors) = ordinary(http.clone(), clients, seconds).await;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let seen = attacking.await?;
    print_run("under attack", &attacked, attacked_errors, seconds);
    let ratio = ms(percentile(&attacked, 0.99)) / ms(percentile(&alone, 0.99)).max(f64::EPSILON);
    println!("p99 under attack / alone: {ratio:.2}x (bound: 2x)");

    println!(
        "\n{:<24} {:>8} {:>8} {:>8} {:>10}",
        "during the attack", "sent", "p99 ms", "max ms", "not refused"
    );
    let (mut sent, mut wrong) = (0, 0);
    let mut firsts = Vec::new();
    for (name, (mut latencies, not_refused, first)) in seen {
        firsts.extend(first.map(|answer| format!("{name}: first answer not expected: {answer}")));
        latencies.sort();
        sent += latencies.len();
        wrong += not_refused;
        println!(
            "{name:<24} {:>8} {:>8.2} {:>8.2} {:>10}",
            latencies.len(),
            ms(percentile(&latencies, 0.99)),
            ms(latencies.last().copied().unwrap_or_default()),
            not_refused
        );
    }
    println!(
        "{sent} abusive requests in {seconds} s ({:.0}/s), {wrong} not refused as expected",
        sent as f64 / seconds as f64
    );
    for line in firsts {
        println!("{line}");
    }

    server.stop();
    scratch.drop_now().await;
    Ok(())
}
