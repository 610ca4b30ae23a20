//! Logging: one span per request with a request id, the method, the route *pattern* (never the
//! concrete path, which may hold a citation number) and the status. No client address, query
//! string, body or error detail reaches the log from here.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::{Error, HttpMessage};
use tracing::Span;
use tracing_actix_web::{RequestId, RootSpanBuilder};

pub struct PrivateRootSpan;

impl RootSpanBuilder for PrivateRootSpan {
    fn on_request_start(request: &ServiceRequest) -> Span {
        let route = request.match_pattern().unwrap_or_else(|| "(unmatched)".to_string());
        let request_id = request.extensions().get::<RequestId>().map(|r| r.to_string()).unwrap_or_default();
        tracing::info_span!("request", %request_id, method = %request.method(), %route, status = tracing::field::Empty)
    }

    fn on_request_end<B: MessageBody>(span: Span, outcome: &Result<ServiceResponse<B>, Error>) {
        let status = match outcome {
            Ok(resp) => resp.status().as_u16(),
            Err(e) => e.as_response_error().status_code().as_u16(),
        };
        span.record("status", status);
        if status >= 500 {
            tracing::warn!(parent: &span, status, "request failed");
        } else {
            tracing::info!(parent: &span, status, "request done");
        }
    }
}

/// Installs the log subscriber once (later calls are ignored, which tests rely on).
/// `RUST_LOG` filters as usual; the default is `info`.
pub fn init() {
    init_with_default("info");
}

/// Like [`init`] with another default level (tests use `warn`).
pub fn init_with_default(level: &str) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(level));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr)
        .try_init();
}
