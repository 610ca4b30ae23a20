-- Which of two pleas for one case stands (issue 8): a clerk's decision on a duplicate. The plea
-- set aside is kept with its status and never applied again; nothing is deleted.
CREATE TABLE plea_decisions (
    id           INTEGER PRIMARY KEY,
    citation_id  BIGINT NOT NULL REFERENCES citations (id),
    stands_id    BIGINT NOT NULL REFERENCES submissions (id),
    set_aside_id BIGINT NOT NULL UNIQUE REFERENCES submissions (id),
    decided_by   BIGINT NOT NULL REFERENCES users (id),
    decided_at   TIMESTAMP NOT NULL
);
CREATE INDEX plea_decisions_citation ON plea_decisions (citation_id);
