-- CloudWatch Logs of one region and account (the plane's logs.db, beside stevedore.db): log groups, their tags,
-- log streams with running totals, and the events. Kept apart from the resources table so that ingestion never
-- takes the control loop's lock (docs/decisions.md, "CloudWatch Logs").
CREATE TABLE log_groups (
    name            VARCHAR(512) NOT NULL PRIMARY KEY,
    created         BIGINT       NOT NULL,
    retention_days  INTEGER,
    log_group_class VARCHAR(32)  NOT NULL,
    kms_key_id      VARCHAR(256)
);

CREATE TABLE log_group_tags (
    group_name VARCHAR(512) NOT NULL,
    tag_key    VARCHAR(128) NOT NULL,
    tag_value  VARCHAR(256) NOT NULL,
    PRIMARY KEY (group_name, tag_key)
);

-- stored_bytes counts each event as its message's UTF-8 bytes plus 26, the size PutLogEvents' quota counts.
CREATE TABLE log_streams (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    group_name     VARCHAR(512) NOT NULL,
    name           VARCHAR(512) NOT NULL,
    created        BIGINT       NOT NULL,
    first_event    BIGINT,
    last_event     BIGINT,
    last_ingestion BIGINT,
    stored_bytes   BIGINT       NOT NULL DEFAULT 0,
    stored_events  BIGINT       NOT NULL DEFAULT 0,
    uploads        BIGINT       NOT NULL DEFAULT 0,
    UNIQUE (group_name, name)
);

-- id grows with ingestion and is never reused (AUTOINCREMENT): read positions and event ids rest on it.
CREATE TABLE log_events (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    stream_id BIGINT  NOT NULL,
    ts        BIGINT  NOT NULL,
    ingested  BIGINT  NOT NULL,
    bytes     INTEGER NOT NULL,
    message   TEXT    NOT NULL
);

CREATE INDEX log_events_by_stream ON log_events (stream_id, ts, id);
