//! Queries on citations and their charges.

use super::schema::{charges, citations, submissions};
use super::DbConn;
use crate::domain::{CaseStatus, CitationDraft, Disposition, Language, PreferredLanguage};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use std::collections::HashMap;

/// The columns an import writes. `created_at` is set on insert only; `status` starts at the
/// column default (`open`) and is never touched by an import.
#[derive(Insertable, AsChangeset)]
#[diesel(table_name = citations, treat_none_as_default_value = false, treat_none_as_null = true)]
struct CitationFields<'a> {
    citation_number: &'a str,
    agency: &'a str,
    issued_at: NaiveDateTime,
    location: &'a str,
    officer_badge: Option<&'a str>,
    court_date: NaiveDate,
    first_name: &'a str,
    middle_name: Option<&'a str>,
    last_name: &'a str,
    date_of_birth: NaiveDate,
    address_line1: &'a str,
    address_line2: Option<&'a str>,
    city: &'a str,
    state: &'a str,
    postal_code: &'a str,
    license_number: Option<&'a str>,
    license_state: Option<&'a str>,
    plate: Option<&'a str>,
    plate_state: Option<&'a str>,
    email: Option<&'a str>,
    phone: Option<&'a str>,
    /// The language of the letters (en or es), derived from `preferred_language`.
    language: &'a str,
    preferred_language: &'a str,
    response_due: NaiveDate,
    import_hash: &'a str,
    #[diesel(skip_update)]
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

/// A checked citation to write, with what the import worked out for it.
#[derive(Debug, Clone, Copy)]
pub struct CitationWrite<'a> {
    pub draft: &'a CitationDraft,
    pub response_due: NaiveDate,
    /// The content hash that decides whether a re-import changes anything.
    pub hash: &'a str,
}

impl<'a> CitationFields<'a> {
    fn from(c: &CitationWrite<'a>, now: NaiveDateTime) -> Self {
        let d = &c.draft;
        let p = &d.defendant;
        CitationFields {
            citation_number: d.number.as_str(),
            agency: &d.agency,
            issued_at: d.issued_at.naive_utc(),
            location: &d.location,
            officer_badge: d.officer_badge.as_deref(),
            court_date: d.court_date,
            first_name: &p.first_name,
            middle_name: p.middle_name.as_deref(),
            last_name: &p.last_name,
            date_of_birth: p.date_of_birth.date(),
            address_line1: &p.address_line1,
            address_line2: p.address_line2.as_deref(),
            city: &p.city,
            state: &p.state,
            postal_code: &p.postal_code,
            license_number: p.license_number.as_deref(),
            license_state: p.license_state.as_deref(),
            plate: d.plate.as_deref(),
            plate_state: d.plate_state.as_deref(),
            email: p.email.as_deref(),
            phone: p.phone.as_deref(),
            language: p.language.template_language().as_str(),
            preferred_language: p.language.as_str(),
            response_due: c.response_due,
            import_hash: c.hash,
            created_at: now,
            updated_at: now,
        }
    }
}

#[derive(Insertable)]
#[diesel(table_name = charges, treat_none_as_default_value = false)]
struct NewCharge<'a> {
    citation_id: i64,
    seq: i32,
    offense_code: &'a str,
    fine_cents: i64,
    points: i32,
}

/// What an import did with one citation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Imported,
    Updated,
    Unchanged,
    /// The citation differs but already has a plea: refused, never overwritten.
    HasPlea,
}

struct Existing {
    id: i64,
    hash: String,
    has_plea: bool,
}

/// Writes a batch of checked citations (the caller holds the transaction) and says what happened
/// to each, in order. The citations already on file are locked first (see [`lock`]), so that the
/// "plea on file?" check and the rewrite of the charges cannot interleave with a plea.
pub fn apply_import(conn: &mut DbConn, batch: &[CitationWrite]) -> QueryResult<Vec<Outcome>> {
    let now = super::now();
    let numbers: Vec<&str> = batch.iter().map(|c| c.draft.number.as_str()).collect();
    lock_numbers(conn, &numbers)?;
    let existing = find_existing(conn, &numbers)?;

    let mut outcomes = Vec::with_capacity(batch.len());
    let mut fresh: Vec<&CitationWrite> = Vec::new();
    let mut replaced: Vec<(i64, &CitationWrite)> = Vec::new();
    for c in batch {
        outcomes.push(match existing.get(c.draft.number.as_str()) {
            None => {
                fresh.push(c);
                Outcome::Imported
            }
            Some(e) if e.hash == c.hash => Outcome::Unchanged,
            Some(e) if e.has_plea => Outcome::HasPlea,
            Some(e) => {
                replaced.push((e.id, c));
                Outcome::Updated
            }
        });
    }

    if !fresh.is_empty() {
        let rows: Vec<CitationFields> = fresh.iter().map(|c| CitationFields::from(c, now)).collect();
        insert_citations(conn, &rows)?;
        let fresh_numbers: Vec<&str> = fresh.iter().map(|c| c.draft.number.as_str()).collect();
        let ids: HashMap<String, i64> = citations::table
            .filter(citations::citation_number.eq_any(&fresh_numbers))
            .select((citations::citation_number, citations::id))
            .load::<(String, i64)>(conn)?
            .into_iter()
            .collect();
        let with_ids: Vec<(i64, &CitationWrite)> =
            fresh.iter().filter_map(|c| ids.get(c.draft.number.as_str()).map(|id| (*id, *c))).collect();
        insert_charges(conn, &with_ids)?;
    }
    for (id, c) in &replaced {
        diesel::update(citations::table.find(*id)).set(CitationFields::from(c, now)).execute(conn)?;
        diesel::delete(charges::table.filter(charges::citation_id.eq(*id))).execute(conn)?;
    }
    insert_charges(conn, &replaced)?;
    Ok(outcomes)
}

/// Locks a citation's row until the end of the caller's write transaction: an import and a plea
/// on the same citation then run one after the other. On PostgreSQL a `SELECT … FOR UPDATE`; on
/// SQLite nothing to do, as [`super::write_transaction`] already holds the database's one write
/// lock (`BEGIN IMMEDIATE`) from its start.
pub fn lock(conn: &mut DbConn, id: i64) -> QueryResult<()> {
    lock_many(conn, &[id])
}

/// [`lock`] for several cases, in id order (so that two transactions locking overlapping sets —
/// two workers on one page of the daily job — take turns instead of deadlocking).
pub fn lock_many(conn: &mut DbConn, ids: &[i64]) -> QueryResult<()> {
    if let DbConn::Pg(c) = conn {
        citations::table
            .filter(citations::id.eq_any(ids))
            .order(citations::id)
            .select(citations::id)
            .for_update()
            .load::<i64>(c)?;
    }
    Ok(())
}

/// [`lock`] for the citations of an import batch that are already on file, in id order (so that
/// two imports locking overlapping batches cannot deadlock).
fn lock_numbers(conn: &mut DbConn, numbers: &[&str]) -> QueryResult<()> {
    if let DbConn::Pg(c) = conn {
        citations::table
            .filter(citations::citation_number.eq_any(numbers))
            .order(citations::id)
            .select(citations::id)
            .for_update()
            .load::<i64>(c)?;
    }
    Ok(())
}

fn find_existing(conn: &mut DbConn, numbers: &[&str]) -> QueryResult<HashMap<String, Existing>> {
    let pleaded = diesel::dsl::exists(submissions::table.filter(submissions::citation_id.eq(citations::id.nullable())));
    let rows = citations::table
        .filter(citations::citation_number.eq_any(numbers))
        .select((citations::citation_number, citations::id, citations::import_hash, pleaded))
        .load::<(String, i64, String, bool)>(conn)?;
    Ok(rows.into_iter().map(|(n, id, hash, has_plea)| (n, Existing { id, hash, has_plea })).collect())
}

// Multi-row inserts do not compile on the multi-backend connection, so the one place that needs
// them matches on the backend (NOTES-stack.md).
fn insert_citations(conn: &mut DbConn, rows: &[CitationFields]) -> QueryResult<()> {
    // 26 columns: 500 rows stay far below both backends' limit on bound parameters.
    for chunk in rows.chunks(500) {
        match conn {
            DbConn::Sqlite(c) => diesel::insert_into(citations::table).values(chunk).execute(c)?,
            DbConn::Pg(c) => diesel::insert_into(citations::table).values(chunk).execute(c)?,
        };
    }
    Ok(())
}

fn insert_charges(conn: &mut DbConn, citations: &[(i64, &CitationWrite)]) -> QueryResult<()> {
    let rows: Vec<NewCharge> = citations
        .iter()
        .flat_map(|(id, c)| {
            c.draft.charges.iter().map(move |ch| NewCharge {
                citation_id: *id,
                seq: ch.seq,
                offense_code: &ch.offense_code,
                fine_cents: ch.fine.get(),
                points: ch.points,
            })
        })
        .collect();
    for chunk in rows.chunks(2000) {
        match conn {
            DbConn::Sqlite(c) => diesel::insert_into(charges::table).values(chunk).execute(c)?,
            DbConn::Pg(c) => diesel::insert_into(charges::table).values(chunk).execute(c)?,
        };
    }
    Ok(())
}

/// A citation as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = citations)]
pub struct CitationRecord {
    pub id: i64,
    pub citation_number: String,
    pub agency: String,
    pub issued_at: NaiveDateTime,
    pub location: String,
    pub officer_badge: Option<String>,
    pub court_date: NaiveDate,
    pub first_name: String,
    pub middle_name: Option<String>,
    pub last_name: String,
    pub date_of_birth: NaiveDate,
    pub address_line1: String,
    pub address_line2: Option<String>,
    pub city: String,
    pub state: String,
    pub postal_code: String,
    pub license_number: Option<String>,
    pub license_state: Option<String>,
    pub plate: Option<String>,
    pub plate_state: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// The language of letters, emails and pages: `en` or `es`.
    pub language: String,
    /// Where the case is in its lifecycle (a name the database should never hold is an error).
    #[diesel(deserialize_as = String)]
    pub status: CaseStatus,
    pub response_due: NaiveDate,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// The defendant's own language (ISO 639-1), as imported.
    pub preferred_language: String,
}

/// A charge with the catalog version of its offense in force when the ticket was issued.
#[derive(Debug, Clone)]
pub struct ChargeRecord {
    /// The row's id (what a disposition points to).
    pub id: i64,
    pub seq: i32,
    pub offense_code: String,
    pub fine_cents: i64,
    pub points: i32,
    pub offense: Option<super::offenses::OffenseRecord>,
}

pub fn find_by_id(conn: &mut DbConn, id: i64) -> QueryResult<Option<CitationRecord>> {
    citations::table.find(id).select(CitationRecord::as_select()).first(conn).optional()
}

/// The citations of `ids` that are on file, in id order.
pub fn find_many(conn: &mut DbConn, ids: &[i64]) -> QueryResult<Vec<CitationRecord>> {
    citations::table
        .filter(citations::id.eq_any(ids))
        .order(citations::id)
        .select(CitationRecord::as_select())
        .load(conn)
}

pub fn find_by_number(conn: &mut DbConn, number: &str) -> QueryResult<Option<CitationRecord>> {
    citations::table
        .filter(citations::citation_number.eq(number))
        .select(CitationRecord::as_select())
        .first(conn)
        .optional()
}

pub fn charges_of(conn: &mut DbConn, citation: &CitationRecord) -> QueryResult<Vec<ChargeRecord>> {
    Ok(charges_of_many(conn, std::slice::from_ref(citation))?.remove(&citation.id).unwrap_or_default())
}

/// [`charges_of`] several citations at once: each one's charges in order, under its id (a
/// citation without charges is not in the map).
pub fn charges_of_many(
    conn: &mut DbConn,
    of: &[CitationRecord],
) -> QueryResult<std::collections::BTreeMap<i64, Vec<ChargeRecord>>> {
    let ids: Vec<i64> = of.iter().map(|c| c.id).collect();
    let rows: Vec<(i64, i64, i32, String, i64, i32)> = charges::table
        .filter(charges::citation_id.eq_any(&ids))
        .order((charges::citation_id, charges::seq))
        .select((
            charges::citation_id,
            charges::id,
            charges::seq,
            charges::offense_code,
            charges::fine_cents,
            charges::points,
        ))
        .load(conn)?;
    let codes: Vec<&str> = rows.iter().map(|r| r.3.as_str()).collect();
    let catalog = super::offenses::Versions::of(conn, &codes)?;
    let issued_on: HashMap<i64, NaiveDate> = of.iter().map(|c| (c.id, c.issued_at.date())).collect();
    let mut by_case: std::collections::BTreeMap<i64, Vec<ChargeRecord>> = std::collections::BTreeMap::new();
    for (citation_id, id, seq, offense_code, fine_cents, points) in rows {
        let issued = issued_on.get(&citation_id).copied();
        let offense = issued.and_then(|on| catalog.in_force(&offense_code, on)).cloned();
        by_case.entry(citation_id).or_default().push(ChargeRecord {
            id,
            seq,
            offense_code,
            fine_cents,
            points,
            offense,
        });
    }
    Ok(by_case)
}

/// The shapes (`AA-9999-999999`) of the citation numbers most recently on file, most common
/// first: how the agencies print them.
pub fn number_shapes(conn: &mut DbConn) -> QueryResult<Vec<String>> {
    let numbers: Vec<String> =
        citations::table.order(citations::id.desc()).limit(1000).select(citations::citation_number).load(conn)?;
    let mut counts: HashMap<String, usize> = HashMap::new();
    for n in &numbers {
        *counts.entry(crate::domain::citation_number::shape_of(n)).or_default() += 1;
    }
    let mut shapes: Vec<(String, usize)> = counts.into_iter().collect();
    shapes.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    Ok(shapes.into_iter().map(|(s, _)| s).collect())
}

pub fn count(conn: &mut DbConn) -> QueryResult<i64> {
    citations::table.count().get_result(conn)
}

/// Moves the cases `ids` from `from` to `to` (as `domain::lifecycle` decided) with the balance
/// `balance_cents` they are left with; returns how many moved (a case no longer in `from` —
/// someone moved it first — is left as it is). With `from == to` only the balance is written,
/// where it differs (nothing is counted as moved).
pub fn set_state_many(
    conn: &mut DbConn,
    ids: &[i64],
    from: CaseStatus,
    to: CaseStatus,
    balance_cents: i64,
) -> QueryResult<usize> {
    let cases = citations::table.filter(citations::id.eq_any(ids)).filter(citations::status.eq(from.as_str()));
    let now = super::now();
    if from == to {
        return diesel::update(cases.filter(citations::balance_cents.ne(balance_cents)))
            .set((citations::balance_cents.eq(balance_cents), citations::updated_at.eq(now)))
            .execute(conn);
    }
    diesel::update(cases)
        .set((
            citations::status.eq(to.as_str()),
            citations::balance_cents.eq(balance_cents),
            citations::updated_at.eq(now),
        ))
        .execute(conn)
}

/// Sets `decided_on` — the date of the last standing (not withdrawn) disposition of any charge,
/// or NULL — where it is not that, on the cases `ids` (every case if `None`); returns how many
/// changed. Set-based: one pass over the dispositions, whatever the number of cases.
pub fn refresh_decided_on(conn: &mut DbConn, ids: Option<&[i64]>) -> QueryResult<usize> {
    if ids.is_some_and(<[i64]>::is_empty) {
        return Ok(0);
    }
    // Case ids are numbers the database gave, never input: written into the text.
    let only = |col: &str| match ids {
        Some(ids) => {
            let list: Vec<String> = ids.iter().map(i64::to_string).collect();
            format!("AND {col} IN ({})", list.join(", "))
        }
        None => String::new(),
    };
    let set = diesel::sql_query(format!(
        "UPDATE citations SET decided_on = s.day \
         FROM (SELECT ch.citation_id AS cid, MAX(d.decided_on) AS day \
               FROM dispositions d JOIN charges ch ON ch.id = d.charge_id \
               WHERE d.withdrawn_at IS NULL {} GROUP BY ch.citation_id) s \
         WHERE s.cid = citations.id AND citations.decided_on IS DISTINCT FROM s.day",
        only("ch.citation_id")
    ))
    .execute(conn)?;
    let cleared = diesel::sql_query(format!(
        "UPDATE citations SET decided_on = NULL WHERE decided_on IS NOT NULL {} \
         AND NOT EXISTS (SELECT 1 FROM dispositions d JOIN charges ch ON ch.id = d.charge_id \
                         WHERE ch.citation_id = citations.id AND d.withdrawn_at IS NULL)",
        only("id")
    ))
    .execute(conn)?;
    Ok(set + cleared)
}

/// Contact details a resident gave with a plea; `None` leaves a field as it was.
pub struct ContactUpdate<'a> {
    pub email: Option<&'a str>,
    pub phone: Option<&'a str>,
    pub language: Option<&'a str>,
    /// (line1, line2, city, state, postal_code)
    pub address: Option<(&'a str, Option<&'a str>, &'a str, &'a str, &'a str)>,
}

pub fn update_contact(conn: &mut DbConn, id: i64, u: &ContactUpdate) -> QueryResult<()> {
    /// Only the fields that are `Some` are written (diesel skips `None` in a changeset).
    #[derive(AsChangeset)]
    #[diesel(table_name = citations)]
    struct Changes<'a> {
        email: Option<&'a str>,
        phone: Option<&'a str>,
        language: Option<&'a str>,
        preferred_language: Option<String>,
        address_line1: Option<&'a str>,
        address_line2: Option<Option<&'a str>>,
        city: Option<&'a str>,
        state: Option<&'a str>,
        postal_code: Option<&'a str>,
    }
    let a = u.address;
    // A letter language chosen with a plea also updates the preferred language, unless the
    // preferred one already maps to it (domain::language::PreferredLanguage::with_choice).
    let preferred_language = match u.language.and_then(|l| l.parse::<Language>().ok()) {
        Some(chosen) => {
            let stored: String = citations::table.find(id).select(citations::preferred_language).first(conn)?;
            let current = PreferredLanguage::parse_or_default(&stored).unwrap_or(PreferredLanguage::ENGLISH);
            Some(current.with_choice(chosen).as_str().to_string())
        }
        None => None,
    };
    let changes = Changes {
        email: u.email,
        phone: u.phone,
        language: u.language,
        preferred_language,
        address_line1: a.map(|a| a.0),
        address_line2: a.map(|a| a.1),
        city: a.map(|a| a.2),
        state: a.map(|a| a.3),
        postal_code: a.map(|a| a.4),
    };
    if u.email.is_none() && u.phone.is_none() && u.language.is_none() && a.is_none() {
        return Ok(());
    }
    diesel::update(citations::table.find(id)).set(changes).execute(conn).map(|_| ())
}

/// Records dispositions decided `on`: (case id, charge seq, disposition) each.
pub fn dispose_all(conn: &mut DbConn, rows: &[(i64, i32, Disposition)], on: NaiveDate) -> QueryResult<()> {
    use super::schema::dispositions;
    if rows.is_empty() {
        return Ok(());
    }
    let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
    let charge_ids: HashMap<(i64, i32), i64> = charges::table
        .filter(charges::citation_id.eq_any(&ids))
        .select((charges::citation_id, charges::seq, charges::id))
        .load::<(i64, i32, i64)>(conn)?
        .into_iter()
        .map(|(c, seq, id)| ((c, seq), id))
        .collect();
    let now = super::now();
    let values: Vec<_> = rows
        .iter()
        .filter_map(|(c, seq, d)| {
            Some((
                dispositions::charge_id.eq(*charge_ids.get(&(*c, *seq))?),
                dispositions::disposition.eq(d.as_str()),
                dispositions::decided_on.eq(on),
                dispositions::created_at.eq(now),
            ))
        })
        .collect();
    for chunk in values.chunks(1000) {
        super::on_backend!(&mut *conn, |c| diesel::insert_into(dispositions::table).values(chunk).execute(c))?;
    }
    Ok(())
}
