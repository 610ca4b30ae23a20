-- Mail runs (issue 10): the file each run printed and the temporary file it was written to,
-- recorded in the transaction that marks its letters printed. The file is renamed into place
-- after the commit; a process killed between the two leaves its run here unpublished with the
-- finished temporary file, and the next start-up (or mail run) renames it into place — letters
-- are never marked printed without their PDF.
CREATE TABLE mail_runs (
    id           INTEGER PRIMARY KEY,
    path         TEXT NOT NULL,
    staged_path  TEXT NOT NULL,
    letters      INTEGER NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    published_at TIMESTAMP
);
CREATE INDEX mail_runs_unpublished ON mail_runs (id) WHERE published_at IS NULL;
