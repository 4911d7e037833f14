-- Every durable Stevedore resource, one row per (kind, id); the document is the resource's JSON form.
-- Portable SQL (SQLite now, PostgreSQL later through the same JDBC layer).
CREATE TABLE resources (
    kind VARCHAR(64)   NOT NULL,
    id   VARCHAR(1024) NOT NULL,
    json TEXT          NOT NULL,
    PRIMARY KEY (kind, id)
);
