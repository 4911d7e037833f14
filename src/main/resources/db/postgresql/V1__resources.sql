-- PostgreSQL schema of Stevedore's state (serve --database-url jdbc:postgresql://...), shared by every replica.
-- Every durable resource is one row per (kind, id) holding the resource's JSON form. Each write stamps the
-- row with the next value of one global sequence (its revision); a delete keeps the row as a tombstone
-- (json NULL) so replicas learn about it. A replica refreshes its memory with the rows whose revision is
-- newer than the last one it has seen; writes are serialized by a transaction-level advisory lock, so the
-- revisions visible in any snapshot form a prefix (docs/operations.md, "PostgreSQL and replicas").
CREATE SEQUENCE resource_revision;

CREATE TABLE resources (
    kind     VARCHAR(64)   NOT NULL,
    id       VARCHAR(1024) NOT NULL,
    json     TEXT,
    revision BIGINT        NOT NULL,
    PRIMARY KEY (kind, id)
);

CREATE INDEX resources_revision ON resources (revision);

-- store_meta.tombstone_horizon: tombstones at or below this revision were purged; a replica that has seen
-- less than it reloads everything instead of applying changes.
CREATE TABLE store_meta (
    name  VARCHAR(64) PRIMARY KEY,
    value BIGINT      NOT NULL
);

INSERT INTO store_meta (name, value) VALUES ('tombstone_horizon', 0);

-- The controllers' lease: exactly one replica (holder) runs the reconciler until expires_at (database time);
-- epoch grows with every change of holder and fences controller writes.
CREATE TABLE leader_lease (
    name       VARCHAR(64)  PRIMARY KEY,
    holder     VARCHAR(256) NOT NULL,
    epoch      BIGINT       NOT NULL,
    expires_at TIMESTAMPTZ  NOT NULL
);

INSERT INTO leader_lease (name, holder, epoch, expires_at) VALUES ('controllers', '', 0, 'epoch');
