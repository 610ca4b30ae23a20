//! One scrape: this node's request counters and pool, and the database's figures
//! (`services::operations`), in the Prometheus text format. When the database does not answer
//! within two seconds the scrape still succeeds, with `pleadesk_database_up 0` and without the
//! figures, so that an outage shows in the graphs instead of as a failed scrape.

use crate::db::DbPool;
use crate::error::AppError;
use crate::services::operations::{self, Figures};
use prometheus::core::Collector;
use prometheus::{IntCounter, IntCounterVec, IntGauge, IntGaugeVec, Opts, Registry, TextEncoder};
use std::time::Duration;

pub async fn text(pool: &DbPool, requests: &Registry) -> Result<String, AppError> {
    let (state, max) = (pool.state(), pool.max_size());
    let p = pool.clone();
    let read = actix_web::web::block(move || {
        let mut conn = p.get_timeout(Duration::from_secs(2)).map_err(AppError::from)?;
        operations::figures(&mut conn)
    })
    .await;
    let figures = match read {
        Ok(Ok(f)) => Some(f),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "metrics: the database's figures could not be read");
            None
        }
        Err(_) => None,
    };
    let scraped = Registry::new();
    let pool_figures = PoolFigures {
        in_use: state.connections.saturating_sub(state.idle_connections),
        idle: state.idle_connections,
        max,
    };
    register(&scraped, figures.as_ref(), pool_figures).map_err(internal)?;
    let mut families = requests.gather();
    families.extend(scraped.gather());
    families.sort_by(|a, b| a.name().cmp(b.name()));
    let mut out = String::new();
    TextEncoder::new().encode_utf8(&families, &mut out).map_err(internal)?;
    Ok(out)
}

fn internal(e: prometheus::Error) -> AppError {
    AppError::Internal(anyhow::anyhow!("metrics: {e}"))
}

struct PoolFigures {
    in_use: u32,
    idle: u32,
    max: u32,
}

fn gauge(r: &Registry, name: &str, help: &str, value: i64) -> prometheus::Result<()> {
    let g = IntGauge::new(name, help)?;
    g.set(value);
    r.register(Box::new(g))
}

fn gauges(r: &Registry, name: &str, help: &str, label: &str, values: &[(&str, i64)]) -> prometheus::Result<()> {
    let g = IntGaugeVec::new(Opts::new(name, help), &[label])?;
    for (l, v) in values {
        g.with_label_values(&[*l]).set(*v);
    }
    r.register(Box::new(g))
}

/// A total kept in the database, shown as a counter (it only grows; every node reads the same).
fn total(r: &Registry, name: &str, help: &str, value: i64) -> prometheus::Result<()> {
    let c = IntCounter::new(name, help)?;
    c.inc_by(value.max(0) as u64);
    r.register(Box::new(c))
}

fn register(r: &Registry, figures: Option<&Figures>, pool: PoolFigures) -> prometheus::Result<()> {
    gauge(
        r,
        "pleadesk_database_up",
        "1 when the database answered this scrape's queries, else 0",
        figures.is_some() as i64,
    )?;
    gauges(
        r,
        "pleadesk_db_pool_connections",
        "Connections of this node's database pool, in use or idle",
        "state",
        &[("in_use", pool.in_use.into()), ("idle", pool.idle.into())],
    )?;
    gauge(r, "pleadesk_db_pool_max_connections", "The most connections this node's pool opens", pool.max.into())?;
    gauges(
        r,
        "pleadesk_build_info",
        "The PleaDesk version this node runs (the value is 1)",
        "version",
        &[(env!("CARGO_PKG_VERSION"), 1)],
    )?;
    let Some(f) = figures else {
        return Ok(());
    };
    let jobs = IntGaugeVec::new(
        Opts::new(
            "pleadesk_jobs",
            "Background jobs waiting (queued), running, or parked after their last attempt, by kind",
        ),
        &["kind", "state"],
    )?;
    for (kind, state, n) in &f.jobs {
        jobs.with_label_values(&[kind.as_str(), state]).set(*n);
    }
    r.register(Box::new(jobs) as Box<dyn Collector>)?;
    gauge(
        r,
        "pleadesk_jobs_parked",
        "Jobs parked after their last attempt: an admin must look (console, Jobs)",
        f.parked_jobs,
    )?;
    gauges(r, "pleadesk_letters", "Letters by status (queued: waiting for the mail run)", "status", &f.letters)?;
    let pleas = IntCounterVec::new(
        Opts::new("pleadesk_pleas_received_total", "Pleas (submissions) received since the database began, by channel"),
        &["channel"],
    )?;
    for (channel, n) in &f.pleas {
        pleas.with_label_values(&[*channel]).inc_by((*n).max(0) as u64);
    }
    r.register(Box::new(pleas))?;
    total(r, "pleadesk_scans_received_total", "Scan uploads received since the database began", f.scans)?;
    total(r, "pleadesk_scan_pages_received_total", "Scanned pages received since the database began", f.scan_pages)
}
