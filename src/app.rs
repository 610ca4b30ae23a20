//! Start-up: open the pool, apply migrations, sweep the data folder of what interrupted work
//! left (`services::sweep`), bind the listener, build the server; `serve` also starts the
//! background worker.

use crate::config::Config;
use crate::db::{self, DbPool};
use crate::jobs::{self, Worker, WorkerHandle};
use crate::mail::Mailer;
use crate::services::letters::LetterContext;
use crate::web::{self, AppState};
use actix_web::dev::Server;
use std::net::TcpListener;
use std::time::Duration;

pub struct Application {
    port: u16,
    server: Server,
    pool: DbPool,
    config: Config,
    letters: LetterContext,
}

impl Application {
    /// Everything that can fail at start-up fails here, before the server accepts a request.
    pub async fn build(mut config: Config) -> anyhow::Result<Application> {
        let url = config.database_url.clone();
        std::fs::create_dir_all(&config.data_dir)
            .map_err(|e| anyhow::anyhow!("PLEADESK_DATA_DIR: cannot create {}: {e}", config.data_dir.display()))?;
        let data_dir = config.data_dir.clone();
        let pool = actix_web::rt::task::spawn_blocking(move || -> anyhow::Result<DbPool> {
            let pool = db::connect(&url)?;
            let mut conn = pool.get()?;
            let ran = db::migrate(&mut conn)?;
            if ran > 0 {
                tracing::info!(migrations = ran, "database migrated");
            }
            // What a killed process left half-done in the data folder; a failure is reported,
            // not fatal (the next start-up tries again).
            if let Err(e) = crate::services::sweep::run(&mut conn, &data_dir) {
                tracing::error!(error = %e, "the start-up sweep of the data folder did not finish");
            }
            // Made now, so that the first sign-in with an unknown name takes no longer than others.
            crate::auth::dummy_hash();
            Ok(pool)
        })
        .await??;
        let listener = TcpListener::bind(config.bind)
            .map_err(|e| anyhow::anyhow!("PLEADESK_BIND: cannot listen on {}: {e}", config.bind))?;
        let port = listener.local_addr()?.port();
        config.follow_bind(listener.local_addr()?);
        let letters = LetterContext::from_config(&config)?;
        // A template that does not load is a start-up error, not a surprise at the first letter.
        letters.templates().map_err(|e| anyhow::anyhow!("PLEADESK_TEMPLATES_DIR: {e}"))?;
        // The residents' messages (field errors, status lines) in every language, loaded once.
        crate::i18n::install(
            crate::i18n::Catalog::load(&config.templates_dir)
                .map_err(|e| anyhow::anyhow!("PLEADESK_TEMPLATES_DIR: {e}"))?,
        );
        let state = actix_web::web::Data::new(AppState::new(pool.clone(), config.clone(), letters.clone())?);
        let server = web::server(listener, state)?;
        Ok(Application { port, server, pool, config, letters })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Where residents reach this server (PLEADESK_BASE_URL, or the address bound).
    pub fn base_url(&self) -> &str {
        &self.config.base_url
    }

    /// The configuration it runs with (`base_url` as bound).
    pub fn config(&self) -> &Config {
        &self.config
    }

    pub fn pool(&self) -> &DbPool {
        &self.pool
    }

    /// A worker over this application's database and configuration.
    pub fn worker(&self) -> anyhow::Result<Worker> {
        worker(&self.pool, &self.config, self.letters.clone())
    }

    /// Runs until SIGINT/SIGTERM (actix-web finishes in-flight requests first) or a stop, with
    /// the background worker running beside it when `with_worker` is set.
    pub async fn run_until_stopped(self, with_worker: bool) -> anyhow::Result<()> {
        let handle: Option<WorkerHandle> = if with_worker {
            let interval = Duration::from_secs(self.config.worker_interval_secs);
            Some(jobs::spawn(self.worker()?, interval))
        } else {
            None
        };
        let result = self.server.await;
        if let Some(h) = handle {
            actix_web::rt::task::spawn_blocking(move || h.stop()).await?;
        }
        Ok(result?)
    }
}

/// Builds a worker (also used by `pleadesk jobs run-once`).
pub fn worker(pool: &DbPool, config: &Config, letters: LetterContext) -> anyhow::Result<Worker> {
    let mailer = Mailer::from_config(config.smtp_url.as_deref(), &config.data_dir)?;
    let name = format!("{}-{}", crate::config::host_name(), std::process::id());
    let deadlines = crate::services::daily_job::Rules {
        deadlines: config.court.deadlines.clone(),
        after_plea: config.court.after_plea,
    };
    Ok(Worker { pool: pool.clone(), letters, mailer, name, deadlines })
}
