//! Mail runs: the file each printed and the temporary file it was written to, unpublished until
//! the file is renamed into place (`services::letters::mail_run`).

use super::schema::mail_runs;
use super::DbConn;
use chrono::NaiveDateTime;
use diesel::prelude::*;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = mail_runs)]
pub struct MailRun {
    pub id: i64,
    pub path: String,
    pub staged_path: String,
    pub letters: i32,
}

/// Records a run of `letters` letters written by `node` to `staged_path`, to be published at
/// `path`. Call it in the transaction that marks the letters printed.
pub fn insert(
    conn: &mut DbConn,
    node: &str,
    (path, staged_path): (&str, &str),
    letters: i32,
    at: NaiveDateTime,
) -> QueryResult<i64> {
    diesel::insert_into(mail_runs::table)
        .values((
            mail_runs::node.eq(node),
            mail_runs::path.eq(path),
            mail_runs::staged_path.eq(staged_path),
            mail_runs::letters.eq(letters),
            mail_runs::created_at.eq(at),
        ))
        .returning(mail_runs::id)
        .get_result(conn)
}

/// The runs `node` wrote (or a node before they were told apart) whose file was not renamed
/// into place yet, oldest first.
pub fn unpublished(conn: &mut DbConn, node: &str) -> QueryResult<Vec<MailRun>> {
    mail_runs::table
        .filter(mail_runs::published_at.is_null())
        .filter(mail_runs::node.eq(node).or(mail_runs::node.is_null()))
        .order(mail_runs::id.asc())
        .select(MailRun::as_select())
        .load(conn)
}

pub fn set_published(conn: &mut DbConn, id: i64, at: NaiveDateTime) -> QueryResult<()> {
    diesel::update(mail_runs::table.find(id)).set(mail_runs::published_at.eq(Some(at))).execute(conn).map(drop)
}
