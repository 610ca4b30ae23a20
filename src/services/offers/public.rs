//! The pending offer as the defendant's status page shows it: each charge as charged beside what
//! is offered (offense, fine, points), the expiry and the total — in the defendant's language.

use crate::db::{self, citations::CitationRecord, DbConn};
use crate::domain::{Language, OfferStatus};
use crate::error::AppError;
use chrono::NaiveDate;
use serde::Serialize;

/// One side of a line: an offense with its fine and points.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OffenseTerms {
    pub offense_code: String,
    pub description: String,
    pub fine_cents: i64,
    pub points: i32,
}

/// A charge as charged and as offered.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OfferLineView {
    pub charge_seq: i32,
    pub charged: OffenseTerms,
    pub offered: OffenseTerms,
}

/// The offer waiting for the defendant's answer.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OfferPanel {
    /// The offer's id, for `POST /api/v1/public/offers/{id}/accept|reject`.
    pub id: i64,
    /// The last day to accept.
    pub expires_on: NaiveDate,
    pub lines: Vec<OfferLineView>,
    /// What accepting costs: the offered fines added up.
    pub total_cents: i64,
}

/// The pending offer of `case`, if there is one still open on `today`.
pub fn pending(
    conn: &mut DbConn,
    case: &CitationRecord,
    lang: Language,
    today: NaiveDate,
) -> Result<Option<OfferPanel>, AppError> {
    let (rows, lines) = db::case_parts::offers_of(conn, case.id)?;
    let Some(offer) = rows.iter().rev().find(|o| o.status == OfferStatus::Pending.as_str() && o.expires_on >= today)
    else {
        return Ok(None);
    };
    let charges = db::citations::charges_of(conn, case)?;
    let codes: Vec<&str> = lines.iter().filter(|l| l.0 == offer.id).map(|l| l.2.as_str()).collect();
    let catalog = db::offenses::in_force(conn, &codes, case.issued_at.date())?;
    let describe = |o: Option<&db::offenses::OffenseRecord>, code: &str| {
        o.map(|o| if lang == Language::Es { o.description_es.clone() } else { o.description.clone() })
            .unwrap_or_else(|| code.to_string())
    };
    let mut out = Vec::new();
    for (_, seq, code, fine, points) in lines.iter().filter(|l| l.0 == offer.id) {
        let Some(c) = charges.iter().find(|c| c.seq == *seq) else { continue };
        let charged = OffenseTerms {
            offense_code: c.offense_code.clone(),
            description: describe(c.offense.as_ref(), &c.offense_code),
            fine_cents: c.fine_cents,
            points: c.points,
        };
        let offered = OffenseTerms {
            offense_code: code.clone(),
            description: describe(catalog.iter().find(|o| &o.code == code), code),
            fine_cents: *fine,
            points: *points,
        };
        out.push(OfferLineView { charge_seq: *seq, charged, offered });
    }
    let total_cents = out.iter().map(|l| l.offered.fine_cents).sum();
    Ok(Some(OfferPanel { id: offer.id, expires_on: offer.expires_on, lines: out, total_cents }))
}
