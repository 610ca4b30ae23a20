-- When each staff member last opened the list of pleas linked since they last looked (issue 8):
-- the dashboard counts what was linked after it.
ALTER TABLE users ADD COLUMN linked_seen_at TIMESTAMP;
