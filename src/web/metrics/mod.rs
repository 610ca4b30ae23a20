//! `GET /metrics` (SPEC §4): the Prometheus text format, for the addresses in
//! `PLEADESK_METRICS_ALLOW` only. Requests are counted, and timed to their response head, by
//! method, route *pattern* (`/api/v1/citations/{number}`, never the path, which may hold a
//! citation number; never the query string) and status; the job queue, letters, pleas and scans
//! are read from the database at each scrape (`scrape`), so every node reports the same figures
//! for them. No label carries personal data: its values are methods, route patterns, status
//! codes and fixed names.

mod scrape;

use crate::error::AppError;
use crate::web::AppState;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::{web, HttpRequest, HttpResponse};
use ipnet::IpNet;
use prometheus::{HistogramOpts, HistogramVec, IntCounterVec, Opts, Registry};
use std::net::IpAddr;
use std::time::{Duration, Instant};

/// The request counters of one server (each test server has its own).
pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
}

/// The label of requests that matched no route (the catch-all 404).
pub const UNMATCHED: &str = "unmatched";

impl Metrics {
    pub fn new() -> Result<Metrics, prometheus::Error> {
        let requests = IntCounterVec::new(
            Opts::new("pleadesk_http_requests_total", "HTTP requests answered, by method, route pattern and status"),
            &["method", "route", "status"],
        )?;
        let latency = HistogramVec::new(
            HistogramOpts::new(
                "pleadesk_http_request_duration_seconds",
                "Time from a request's arrival to its response head, by method and route pattern",
            )
            .buckets(vec![0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0]),
            &["method", "route"],
        )?;
        let registry = Registry::new();
        registry.register(Box::new(requests.clone()))?;
        registry.register(Box::new(latency.clone()))?;
        Ok(Metrics { registry, requests, latency })
    }

    fn observe(&self, method: &Method, route: &str, status: u16, elapsed: Duration) {
        let method = method_label(method);
        self.requests.with_label_values(&[method, route, &status.to_string()]).inc();
        self.latency.with_label_values(&[method, route]).observe(elapsed.as_secs_f64());
    }
}

/// A known method by its name; anything else (a client may send any token) as "other", so
/// that no client can add series at will.
fn method_label(m: &Method) -> &'static str {
    const KNOWN: [(Method, &str); 7] = [
        (Method::GET, "GET"),
        (Method::HEAD, "HEAD"),
        (Method::POST, "POST"),
        (Method::PUT, "PUT"),
        (Method::DELETE, "DELETE"),
        (Method::PATCH, "PATCH"),
        (Method::OPTIONS, "OPTIONS"),
    ];
    KNOWN.iter().find(|(k, _)| k == m).map(|(_, name)| *name).unwrap_or("other")
}

/// Middleware: counts and times every request by its route pattern.
pub async fn record(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let route = req.match_pattern().unwrap_or_else(|| UNMATCHED.to_string());
    let method = req.method().clone();
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let result = next.call(req).await;
    let status = match &result {
        Ok(resp) => resp.status().as_u16(),
        Err(e) => e.as_response_error().status_code().as_u16(),
    };
    if let Some(state) = state {
        state.metrics.observe(&method, &route, status, started.elapsed());
    }
    result
}

/// Whether a scrape is answered: the connecting address is in the allowed ranges, and nothing
/// says a proxy relayed the request — behind a reverse proxy on the same machine every outside
/// request would otherwise arrive from loopback. A scraper talks to the node directly.
pub fn allowed(peer: Option<IpAddr>, relayed: bool, allow: &[IpNet]) -> bool {
    match peer {
        Some(addr) if !relayed => crate::config::networks::contains(allow, addr),
        _ => false,
    }
}

/// Headers a proxy adds when it passes a request on.
const RELAY_HEADERS: [&str; 3] = ["forwarded", "x-forwarded-for", "x-real-ip"];

/// `GET /metrics`.
pub async fn scrape(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let relayed = RELAY_HEADERS.iter().any(|h| req.headers().contains_key(*h));
    if !allowed(req.peer_addr().map(|a| a.ip()), relayed, &state.config.metrics_allow) {
        return Err(AppError::Forbidden(
            "the metrics are served only to the addresses in PLEADESK_METRICS_ALLOW, directly (not through a proxy)"
                .into(),
        ));
    }
    let text = scrape::text(&state.pool, &state.metrics.registry).await?;
    Ok(HttpResponse::Ok().content_type(prometheus::TEXT_FORMAT).insert_header(("Cache-Control", "no-store")).body(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nets(s: &str) -> Vec<IpNet> {
        crate::config::networks::parse_networks("V", s).unwrap()
    }

    #[test]
    fn only_allowed_direct_peers_may_scrape() {
        let loopback = nets("127.0.0.0/8,::1/128");
        let ip = |s: &str| Some(s.parse::<IpAddr>().unwrap());
        assert!(allowed(ip("127.0.0.1"), false, &loopback));
        assert!(allowed(ip("::1"), false, &loopback));
        assert!(allowed(ip("::ffff:127.0.0.1"), false, &loopback), "IPv4 on a dual-stack listener");
        assert!(!allowed(ip("10.0.0.7"), false, &loopback));
        assert!(!allowed(ip("127.0.0.1"), true, &loopback), "relayed by a proxy on the same machine");
        assert!(!allowed(None, false, &loopback), "no peer address (a Unix socket): refused");
        assert!(!allowed(ip("127.0.0.1"), false, &[]), "an empty list: nobody");
        let monitoring = nets("10.20.0.0/16");
        assert!(allowed(ip("10.20.3.4"), false, &monitoring));
        assert!(!allowed(ip("127.0.0.1"), false, &monitoring));
    }

    #[test]
    fn methods_outside_the_known_set_share_one_label() {
        assert_eq!(method_label(&Method::GET), "GET");
        assert_eq!(method_label(&Method::from_bytes(b"DV-2026-000103").unwrap()), "other");
    }
}
