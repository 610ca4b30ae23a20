//! The identity-check limits with two (three) client addresses and two tickets: every check counts
//! per address; per ticket only failures count, a success clears them, and nobody can lock a
//! resident out of their own ticket. Idempotency keys belong to one ticket.

use crate::helpers::{error_body, spawn, spawn_at, Backend, TestApp};
use serde_json::{json, Value};
use std::net::{IpAddr, Ipv4Addr};

const X: (&str, &str) = ("DV-2026-000103", "1992-07-01");
const Y: (&str, &str) = ("DV-2026-000101", "1988-04-12");
const WRONG_DOB: &str = "1992-07-02";

/// A client connecting from 127.0.0.`n` (the server trusts only the TCP peer address).
fn client_from(n: u8) -> reqwest::Client {
    reqwest::Client::builder().local_address(IpAddr::V4(Ipv4Addr::new(127, 0, 0, n))).build().unwrap()
}

async fn lookup(app: &TestApp, client: &reqwest::Client, number: &str, dob: &str) -> u16 {
    let body = json!({"citation_number": number, "date_of_birth": dob});
    client.post(app.url("/api/v1/public/lookup")).json(&body).send().await.unwrap().status().as_u16()
}

fn minute() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() / 60
}

/// Runs `scenario` on a fresh app allowing 3 checks a minute. The limits count in one-minute
/// windows: a run that straddles the turn of a minute proves nothing and is run again.
async fn with_limit_3<F, Fut>(backend: Backend, scenario: F)
where
    F: Fn(TestApp) -> Fut,
    Fut: std::future::Future<Output = Vec<u16>>,
{
    with_limit_3_and(backend, &[], scenario).await
}

/// [`with_limit_3`] with more configuration.
async fn with_limit_3_and<F, Fut>(backend: Backend, extra: &[(&str, &str)], scenario: F)
where
    F: Fn(TestApp) -> Fut,
    Fut: std::future::Future<Output = Vec<u16>>,
{
    for _ in 0..3 {
        let mut env = vec![("PLEADESK_LOOKUP_PER_MINUTE", "3")];
        env.extend_from_slice(extra);
        let app = spawn(backend, &env).await;
        app.with_current_samples().await;
        let start = minute();
        let got = scenario(app).await;
        if minute() == start {
            return;
        }
        eprintln!("the minute turned during the run ({got:?}); running it again");
    }
    panic!("three runs straddled a minute");
}

async fn successes_never_lock_a_ticket(backend: Backend) {
    with_limit_3(backend, |app| async move {
        let start = minute();
        let (a, b) = (client_from(1), client_from(2));
        let mut got = Vec::new();
        for _ in 0..3 {
            got.push(lookup(&app, &a, X.0, X.1).await);
        }
        got.push(lookup(&app, &a, X.0, X.1).await);
        for _ in 0..3 {
            got.push(lookup(&app, &b, X.0, X.1).await);
        }
        got.push(lookup(&app, &b, Y.0, Y.1).await);
        if minute() == start {
            // Address 1 used its three checks; address 2 has its own three, whatever ticket.
            assert_eq!(got, [200, 200, 200, 429, 200, 200, 200, 429]);
        }
        got
    })
    .await;
}

async fn failures_lock_a_ticket_only_for_those_who_failed_and_a_success_clears_them(backend: Backend) {
    with_limit_3(backend, |app| async move {
        let start = minute();
        let (a, b, c) = (client_from(1), client_from(2), client_from(3));
        let got = vec![
            lookup(&app, &a, X.0, WRONG_DOB).await,
            lookup(&app, &a, X.0, WRONG_DOB).await,
            lookup(&app, &b, X.0, WRONG_DOB).await,
            // X has had three failures: refused to the addresses that failed on it, even with
            // the right birth date …
            lookup(&app, &a, X.0, X.1).await,
            // … while the other ticket answers them …
            lookup(&app, &b, Y.0, Y.1).await,
            lookup(&app, &b, X.0, X.1).await,
            // … and the resident, from another address, gets in; that clears the failures.
            lookup(&app, &c, X.0, X.1).await,
            lookup(&app, &c, X.0, WRONG_DOB).await,
            lookup(&app, &c, X.0, X.1).await,
        ];
        if minute() == start {
            assert_eq!(got, [404, 404, 404, 429, 200, 429, 200, 404, 200]);
            // Address 3 has used its three checks.
            let resp = client_from(3)
                .post(app.url("/api/v1/public/lookup"))
                .json(&json!({"citation_number": X.0, "date_of_birth": X.1}))
                .send()
                .await
                .unwrap();
            error_body(resp, 429, "rate_limited").await;
        }
        got
    })
    .await;
}

async fn an_idempotency_key_belongs_to_one_ticket(app: TestApp) {
    app.with_current_samples().await;
    let plead = |(number, dob): (&str, &str), name: &str| {
        let charges = if number == X.0 { 2 } else { 1 };
        let pleas: Vec<Value> = (1..=charges).map(|seq| json!({"charge_seq": seq, "plea": "not_guilty"})).collect();
        let body = json!({
            "citation_number": number, "date_of_birth": dob, "pleas": pleas,
            "language": "en", "signature_name": name, "attest": true,
        });
        app.client.post(app.url("/api/v1/public/pleas")).header("Idempotency-Key", "same-key").json(&body).send()
    };
    let x = plead(X, "José Luis Muñoz Peña").await.unwrap();
    assert_eq!(x.status(), 201);
    let y = plead(Y, "Maria Hernández").await.unwrap();
    assert_eq!(y.status(), 201, "the same key for another ticket is another request");
    let (x, y): (Value, Value) = (x.json().await.unwrap(), y.json().await.unwrap());
    assert_ne!(x["confirmation"], y["confirmation"]);
    // Each repeat gets its own ticket's receipt.
    let again: Value = plead(Y, "Maria Hernández").await.unwrap().json().await.unwrap();
    assert_eq!(again["confirmation"], y["confirmation"]);
    let again: Value = plead(X, "José Luis Muñoz Peña").await.unwrap().json().await.unwrap();
    assert_eq!(again["confirmation"], x["confirmation"]);
    let submissions: i64 = app
        .with_db(|c| {
            use diesel::prelude::*;
            pleadesk::db::schema::submissions::table.count().get_result(c).unwrap()
        })
        .await;
    assert_eq!(submissions, 2);
}

crate::on_both_backends!(an_idempotency_key_belongs_to_one_ticket);

mod limits_sqlite {
    use super::*;

    #[actix_web::test]
    async fn successes_never_lock_a_ticket() {
        super::successes_never_lock_a_ticket(Backend::Sqlite).await;
    }

    #[actix_web::test]
    async fn failures_lock_a_ticket_only_for_those_who_failed_and_a_success_clears_them() {
        super::failures_lock_a_ticket_only_for_those_who_failed_and_a_success_clears_them(Backend::Sqlite).await;
    }
}

mod limits_postgres {
    use super::*;

    #[actix_web::test]
    #[cfg_attr(not(pg_tests), ignore = "set PLEADESK_TEST_PG to a PostgreSQL server URL to run this")]
    async fn successes_never_lock_a_ticket() {
        super::successes_never_lock_a_ticket(Backend::Postgres).await;
    }

    #[actix_web::test]
    #[cfg_attr(not(pg_tests), ignore = "set PLEADESK_TEST_PG to a PostgreSQL server URL to run this")]
    async fn failures_lock_a_ticket_only_for_those_who_failed_and_a_success_clears_them() {
        super::failures_lock_a_ticket_only_for_those_who_failed_and_a_success_clears_them(Backend::Postgres).await;
    }
}

/// Behind a reverse proxy (issue 10, point 6) every request comes from the proxy's address. With
/// the proxy in PLEADESK_TRUSTED_PROXIES, the clients it forwards for count apart; a client that
/// writes the header itself, not through a trusted proxy, gains nothing by it.
#[actix_web::test]
async fn behind_a_trusted_proxy_each_client_counts_apart() {
    with_limit_3_and(Backend::Sqlite, &[("PLEADESK_TRUSTED_PROXIES", "127.0.0.9")], |app| async move {
        let start = minute();
        let (proxy, direct) = (client_from(9), client_from(5));
        let ask = |client: &reqwest::Client, forwarded_for: &str| {
            let body = json!({"citation_number": X.0, "date_of_birth": X.1});
            let req = client.post(app.url("/api/v1/public/lookup")).json(&body);
            req.header("X-Forwarded-For", forwarded_for).send()
        };
        let mut got = Vec::new();
        for _ in 0..4 {
            got.push(ask(&proxy, "198.51.100.1").await.unwrap().status().as_u16());
        }
        got.push(ask(&proxy, "6.6.6.6, 198.51.100.2").await.unwrap().status().as_u16());
        for n in 0..4 {
            got.push(ask(&direct, &format!("198.51.100.{}", 10 + n)).await.unwrap().status().as_u16());
        }
        if minute() == start {
            assert_eq!(got, [200, 200, 200, 429, 200, 200, 200, 200, 429]);
        }
        got
    })
    .await;
}

/// On PostgreSQL several nodes may serve one court (issue 10, point 6): the counts are the
/// database's, so a client spreading its checks over two nodes gets no more than on one, and a
/// ticket locked by failures on one node is locked on the other.
#[actix_web::test]
#[cfg_attr(not(pg_tests), ignore = "set PLEADESK_TEST_PG to a PostgreSQL server URL to run this")]
async fn two_nodes_on_postgres_share_the_limits() {
    let limit = [("PLEADESK_LOOKUP_PER_MINUTE", "3")];
    for _ in 0..3 {
        let a = spawn(Backend::Postgres, &limit).await;
        a.with_current_samples().await;
        let b = spawn_at(a.database_url.clone(), &limit).await;
        let start = minute();
        let one = client_from(5);
        let mut got = Vec::new();
        for node in [&a, &b, &a, &b] {
            got.push(lookup(node, &one, X.0, X.1).await);
        }
        // Three addresses fail on Y, on either node: Y is locked for them on both …
        for (n, node) in [(6, &a), (7, &b), (8, &a)] {
            got.push(lookup(node, &client_from(n), Y.0, WRONG_DOB).await);
        }
        got.push(lookup(&b, &client_from(6), Y.0, Y.1).await);
        got.push(lookup(&a, &client_from(8), Y.0, Y.1).await);
        // … and the resident, from an address that never failed, gets in on either.
        got.push(lookup(&b, &client_from(9), Y.0, Y.1).await);
        if minute() == start {
            assert_eq!(got, [200, 200, 200, 429, 404, 404, 404, 429, 429, 200]);
            return;
        }
        eprintln!("the minute turned during the run ({got:?}); running it again");
    }
    panic!("three runs straddled a minute");
}
