use crate::web::AppState;
use actix_web::{web, HttpResponse};
use diesel::connection::SimpleConnection;

/// `GET /healthz`: 200 `{"status":"ok"}` when the database answers, else 503.
pub async fn healthz(state: web::Data<AppState>) -> HttpResponse {
    let pool = state.pool.clone();
    let ok = web::block(move || -> bool {
        match pool.get_timeout(std::time::Duration::from_secs(2)) {
            Ok(mut c) => c.batch_execute("SELECT 1").is_ok(),
            Err(_) => false,
        }
    })
    .await
    .unwrap_or(false);
    if ok {
        HttpResponse::Ok().json(serde_json::json!({"status": "ok"}))
    } else {
        HttpResponse::ServiceUnavailable().json(serde_json::json!({"status": "unavailable"}))
    }
}
