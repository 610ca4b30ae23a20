//! Reading request bodies with a hard size limit and a JSON 413 when it is passed.

use crate::error::AppError;
use actix_multipart::MultipartError;
use actix_web::error::PayloadError;
use actix_web::{http::header, web, HttpRequest};
use futures_util::{Stream, StreamExt};
use std::cell::Cell;
use std::rc::Rc;
use std::task::Poll;

/// Reads the whole body, refusing it (413) as soon as it grows past `limit` bytes.
pub async fn read_limited(req: &HttpRequest, mut payload: web::Payload, limit: usize) -> Result<web::Bytes, AppError> {
    let too_large = || {
        AppError::PayloadTooLarge(format!(
            "the body is larger than the limit of {} bytes; split the file and send the parts one by one",
            limit
        ))
    };
    let declared =
        req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        return Err(too_large());
    }
    let mut body = web::BytesMut::with_capacity(declared.unwrap_or(0).min(limit));
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| AppError::invalid(format!("the body could not be read: {e}")))?;
        if body.len() + chunk.len() > limit {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

/// What [`multipart_body`] tells as the body streams in.
pub struct BodyProgress {
    /// Bytes arrived so far.
    pub seen: Rc<Cell<usize>>,
    /// Set once the body has ended.
    pub ended: Rc<Cell<bool>>,
}

/// A request body as a stream for a multipart reader: every byte counted as it arrives, the stream
/// ending in an error past `limit` bytes, and its end marked (for [`next_or_incomplete`]).
pub fn multipart_body(
    payload: web::Payload,
    limit: usize,
) -> (impl Stream<Item = Result<web::Bytes, PayloadError>> + 'static, BodyProgress) {
    let progress = BodyProgress { seen: Rc::new(Cell::new(0)), ended: Rc::new(Cell::new(false)) };
    let (counter, ended) = (progress.seen.clone(), progress.ended.clone());
    let stream = payload
        .into_inner()
        .map(move |chunk| {
            let chunk = chunk?;
            counter.set(counter.get() + chunk.len());
            if counter.get() > limit {
                return Err(PayloadError::Overflow);
            }
            Ok(chunk)
        })
        .chain(futures_util::stream::poll_fn(move |_| {
            ended.set(true);
            Poll::Ready(None)
        }));
    (stream, progress)
}

/// The next field of a multipart body, or the next chunk of a field. actix-multipart waits for
/// more of the body when it ends inside what could still be a boundary (a lone CR at the very
/// end), even after the body has ended: nothing would ever wake it, and the request would never be
/// answered. Once the body has `ended`, waiting means the body is incomplete.
pub async fn next_or_incomplete<T, S>(stream: &mut S, ended: &Cell<bool>) -> Option<Result<T, MultipartError>>
where
    S: Stream<Item = Result<T, MultipartError>> + Unpin,
{
    std::future::poll_fn(|cx| match stream.poll_next_unpin(cx) {
        Poll::Pending if ended.get() => Poll::Ready(Some(Err(MultipartError::Incomplete))),
        other => other,
    })
    .await
}

/// The media type of the request without parameters, lower-cased (`text/csv; charset=utf-8` → `text/csv`).
pub fn media_type(req: &HttpRequest) -> String {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or("").trim().to_ascii_lowercase())
        .unwrap_or_default()
}

/// The `Idempotency-Key` header, if sent: 1 to 200 printable characters.
pub fn idempotency_key(req: &actix_web::HttpRequest) -> Result<Option<String>, AppError> {
    match req.headers().get("idempotency-key") {
        Some(v) => {
            let k = v.to_str().unwrap_or("").trim().to_string();
            if k.is_empty() || k.len() > 200 {
                return Err(AppError::field("Idempotency-Key", "an Idempotency-Key is 1 to 200 printable characters"));
            }
            Ok(Some(k))
        }
        None => Ok(None),
    }
}
