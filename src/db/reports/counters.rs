//! Keeping the counters (`report_counts`, `report_deltas`; the triggers that feed them are in the
//! migration `report_counts`). Writers only ever insert deltas, so they never wait on one
//! another; [`compact`] folds the deltas into the counts (the worker's every pass, and a summary
//! that finds many waiting), and [`rebuild`] recomputes the derived columns and the counts from
//! the raw tables (`pleadesk reports rebuild`: after rows were loaded behind the application's
//! back, or to check the counters).

use super::direct::balances;
use crate::db::{self, DbConn};
use diesel::prelude::*;
use diesel::sql_types::BigInt;

/// The advisory lock compactions and rebuilds take turns under on PostgreSQL ("report").
const LOCK: i64 = 0x7265_706f_7274;

/// Adds grouped rows into the counts: the tail of `INSERT INTO report_counts … SELECT …`.
const UPSERT: &str = "ON CONFLICT (measure, slot, name) DO UPDATE SET n = report_counts.n + excluded.n, \
     owing = report_counts.owing + excluded.owing, cents = report_counts.cents + excluded.cents";

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// How many deltas wait to be folded in, counting no further than `limit`.
pub fn pending(conn: &mut DbConn, limit: i64) -> QueryResult<i64> {
    let q = diesel::sql_query("SELECT COUNT(*) AS n FROM (SELECT 1 AS one FROM report_deltas LIMIT $1) d");
    Ok(q.bind::<BigInt, _>(limit).get_result::<Count>(conn)?.n)
}

/// Folds every delta into the counts and deletes it, in a transaction of its own (not inside
/// another: SQLite's write transaction cannot nest). Returns how many were folded. On
/// PostgreSQL the deltas folded are exactly those the same statement deletes (a transaction
/// committing meanwhile keeps its deltas for the next time), and compactions take turns under
/// an advisory lock; SQLite's write transaction already excludes every other writer.
pub fn compact(conn: &mut DbConn) -> QueryResult<usize> {
    db::write_transaction(conn, |c| {
        let folded = if matches!(c, DbConn::Pg(_)) {
            lock(c)?;
            let sql = format!(
                "WITH gone AS (DELETE FROM report_deltas RETURNING measure, slot, name, n, owing, cents), \
                     folded AS (INSERT INTO report_counts (measure, slot, name, n, owing, cents) \
                       SELECT measure, slot, name, SUM(n), SUM(owing), SUM(cents) FROM gone GROUP BY 1, 2, 3 {UPSERT}) \
                     SELECT COUNT(*) AS n FROM gone"
            );
            diesel::sql_query(sql).get_result::<Count>(c)?.n as usize
        } else {
            // `WHERE true`: SQLite's parser needs it before an upsert's ON CONFLICT.
            let sql = format!(
                "INSERT INTO report_counts (measure, slot, name, n, owing, cents) \
                     SELECT measure, slot, name, SUM(n), SUM(owing), SUM(cents) FROM report_deltas WHERE true \
                     GROUP BY 1, 2, 3 {UPSERT}"
            );
            diesel::sql_query(sql).execute(c)?;
            diesel::sql_query("DELETE FROM report_deltas").execute(c)?
        };
        if folded > 0 {
            diesel::sql_query("DELETE FROM report_counts WHERE n = 0 AND owing = 0 AND cents = 0").execute(c)?;
        }
        Ok(folded)
    })
}

fn lock(c: &mut DbConn) -> QueryResult<()> {
    diesel::sql_query("SELECT pg_advisory_xact_lock($1)").bind::<BigInt, _>(LOCK).execute(c).map(|_| ())
}

/// What a rebuild changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rebuilt {
    /// Cases whose stored balance was not what the raw tables give.
    pub balances: usize,
    /// Cases whose stored decision date was not what the raw tables give.
    pub decided: usize,
    /// Counter rows written.
    pub counters: usize,
}

/// Recomputes, in one transaction, each case's balance (`super::direct::balances`, never below
/// zero) and decision date where they differ, then every counter from the raw tables (the view
/// `report_facts`), the deltas dropped. On PostgreSQL writers wait until it is done (their
/// tables are locked EXCLUSIVE, reads go on); run it when the court is quiet.
pub fn rebuild(conn: &mut DbConn) -> QueryResult<Rebuilt> {
    db::write_transaction(conn, |c| {
        if matches!(c, DbConn::Pg(_)) {
            lock(c)?;
            diesel::sql_query("LOCK TABLE citations, submissions, payments, report_deltas IN EXCLUSIVE MODE")
                .execute(c)?;
        }
        let owes = "CASE WHEN b.cents > 0 THEN b.cents ELSE 0 END";
        let sql = format!(
            "{} UPDATE citations SET balance_cents = {owes} FROM balance b \
             WHERE b.cid = citations.id AND citations.balance_cents <> {owes}",
            balances("SELECT id FROM citations")
        );
        let balances = diesel::sql_query(sql).execute(c)?;
        let decided = db::citations::refresh_decided_on(c, None)?;
        diesel::sql_query("DELETE FROM report_deltas").execute(c)?;
        diesel::sql_query("DELETE FROM report_counts").execute(c)?;
        let counters = diesel::sql_query(
            "INSERT INTO report_counts (measure, slot, name, n, owing, cents) \
             SELECT measure, slot, name, SUM(n), SUM(owing), SUM(cents) FROM report_facts GROUP BY measure, slot, name",
        )
        .execute(c)?;
        Ok(Rebuilt { balances, decided, counters })
    })
}
