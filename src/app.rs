//! Start-up: open the pool, apply migrations, bind the listener, build the server.

use crate::config::Config;
use crate::db::{self, DbPool};
use crate::web::{self, AppState};
use actix_web::dev::Server;
use std::net::TcpListener;

pub struct Application {
    port: u16,
    server: Server,
    pool: DbPool,
}

impl Application {
    /// Everything that can fail at start-up fails here, before the server accepts a request.
    pub async fn build(config: Config) -> anyhow::Result<Application> {
        let url = config.database_url.clone();
        let pool = actix_web::rt::task::spawn_blocking(move || -> anyhow::Result<DbPool> {
            let pool = db::connect(&url)?;
            let mut conn = pool.get()?;
            let ran = db::migrate(&mut conn)?;
            if ran > 0 {
                tracing::info!(migrations = ran, "database migrated");
            }
            Ok(pool)
        })
        .await??;
        std::fs::create_dir_all(&config.data_dir).map_err(|e| {
            anyhow::anyhow!(
                "PLEADESK_DATA_DIR: cannot create {}: {e}",
                config.data_dir.display()
            )
        })?;
        let listener = TcpListener::bind(config.bind)
            .map_err(|e| anyhow::anyhow!("PLEADESK_BIND: cannot listen on {}: {e}", config.bind))?;
        let port = listener.local_addr()?.port();
        let state = actix_web::web::Data::new(AppState {
            pool: pool.clone(),
            config,
        });
        let server = web::server(listener, state)?;
        Ok(Application { port, server, pool })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn pool(&self) -> &DbPool {
        &self.pool
    }

    /// Runs until SIGINT/SIGTERM (actix-web finishes in-flight requests first) or a stop.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}
