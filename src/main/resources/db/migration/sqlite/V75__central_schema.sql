-- Tandem Central's schema on SQLite, the embedded default: the tables of postgresql/V1..V75 as they stand after V75,
-- written once for SQLite (its ALTER TABLE can neither drop a constraint nor change a column's type, so the PostgreSQL
-- history cannot be replayed here). Migrations after V75 that both databases accept go to db/migration/common.
-- IPv4 addresses are BIGINT (0..2^32-1); times are epoch milliseconds. INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT: a deleted
-- object's id (and so its Micetro ref) is never handed to a new one, as PostgreSQL's identity columns never do.
-- Primary keys say NOT NULL: SQLite otherwise lets a non-integer primary key be NULL (SchemaParityIT checks both agree).

CREATE TABLE dhcp_servers (
    id                 INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    name               VARCHAR(253)  NOT NULL,
    type               VARCHAR(8)    NOT NULL,
    address            VARCHAR(253)  NOT NULL,
    port               INTEGER       NOT NULL,
    agent_token        VARCHAR(2000),
    username           VARCHAR(200),
    password           VARCHAR(2000),
    use_tls            BOOLEAN       NOT NULL DEFAULT FALSE,
    state              VARCHAR(32)   NOT NULL DEFAULT 'Unknown',
    kea_hooks_location VARCHAR(1000),
    CONSTRAINT dhcp_servers_name UNIQUE (name)
);

CREATE TABLE ranges (
    id          INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    name        VARCHAR(200)  NOT NULL,
    first_ip    BIGINT        NOT NULL,
    last_ip     BIGINT        NOT NULL,
    description VARCHAR(1000) NOT NULL DEFAULT '',
    CONSTRAINT ranges_name UNIQUE (name),
    CONSTRAINT ranges_first_ip UNIQUE (first_ip)
);
CREATE INDEX ranges_last_ip ON ranges (last_ip);

CREATE TABLE dhcp_scopes (
    id          INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    range_id    BIGINT        NOT NULL REFERENCES ranges (id),
    server_id   BIGINT        NOT NULL REFERENCES dhcp_servers (id),
    name        VARCHAR(200)  NOT NULL,
    description VARCHAR(1000) NOT NULL DEFAULT '',
    enabled     BOOLEAN       NOT NULL DEFAULT TRUE,
    first_ip    BIGINT        NOT NULL,
    last_ip     BIGINT        NOT NULL,
    CONSTRAINT dhcp_scopes_range_server UNIQUE (range_id, server_id)
);
CREATE INDEX dhcp_scopes_name ON dhcp_scopes (name);
CREATE INDEX dhcp_scopes_server ON dhcp_scopes (server_id);
CREATE INDEX dhcp_scopes_first_ip ON dhcp_scopes (first_ip);

CREATE TABLE dhcp_address_pools (
    id       INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    scope_id BIGINT NOT NULL REFERENCES dhcp_scopes (id) ON DELETE CASCADE,
    first_ip BIGINT NOT NULL,
    last_ip  BIGINT NOT NULL
);
CREATE INDEX dhcp_address_pools_scope ON dhcp_address_pools (scope_id, first_ip);

CREATE TABLE dhcp_exclusions (
    id       INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    scope_id BIGINT NOT NULL REFERENCES dhcp_scopes (id) ON DELETE CASCADE,
    first_ip BIGINT NOT NULL,
    last_ip  BIGINT NOT NULL
);
CREATE INDEX dhcp_exclusions_scope ON dhcp_exclusions (scope_id, first_ip);

CREATE TABLE dhcp_reservations (
    id                 INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    scope_id           BIGINT        NOT NULL REFERENCES dhcp_scopes (id) ON DELETE CASCADE,
    name               VARCHAR(200)  NOT NULL,
    client_identifier  VARCHAR(200)  NOT NULL,
    reservation_method VARCHAR(32)   NOT NULL,
    address            BIGINT        NOT NULL,
    description        VARCHAR(1000) NOT NULL DEFAULT '',
    ddns_host_name     VARCHAR(253),
    filename           VARCHAR(1000),
    server_name        VARCHAR(253),
    next_server        VARCHAR(253),
    CONSTRAINT dhcp_reservations_address UNIQUE (scope_id, address),
    CONSTRAINT dhcp_reservations_client UNIQUE (scope_id, reservation_method, client_identifier)
);
CREATE INDEX dhcp_reservations_name ON dhcp_reservations (name);

CREATE TABLE dhcp_failover_relationships (
    id                       INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    name                     VARCHAR(200) NOT NULL,
    primary_server_id        BIGINT       NOT NULL REFERENCES dhcp_servers (id),
    secondary_server_id      BIGINT       NOT NULL REFERENCES dhcp_servers (id),
    failover_mode            VARCHAR(16)  NOT NULL,
    percentage               INTEGER      NOT NULL,
    mclt                     INTEGER      NOT NULL,
    port                     INTEGER      NOT NULL,
    peer_port                INTEGER      NOT NULL,
    load_balance_max_seconds INTEGER      NOT NULL,
    max_response_delay       INTEGER      NOT NULL,
    max_unacked_updates      INTEGER      NOT NULL,
    heartbeat_delay          INTEGER,
    max_ack_delay            INTEGER,
    max_unacked_clients      INTEGER,
    auto_failover            BOOLEAN,
    state                    VARCHAR(32)  NOT NULL DEFAULT 'Empty',
    CONSTRAINT dhcp_failover_relationships_name UNIQUE (name)
);

CREATE TABLE dhcp_failover_scopes (
    relationship_id BIGINT NOT NULL REFERENCES dhcp_failover_relationships (id) ON DELETE CASCADE,
    scope_id        BIGINT NOT NULL REFERENCES dhcp_scopes (id) ON DELETE CASCADE,
    PRIMARY KEY (relationship_id, scope_id),
    CONSTRAINT dhcp_failover_scopes_scope UNIQUE (scope_id)
);

CREATE TABLE dhcp_failover_peer_addresses (
    relationship_id   BIGINT      NOT NULL PRIMARY KEY REFERENCES dhcp_failover_relationships (id) ON DELETE CASCADE,
    primary_address   VARCHAR(64),
    secondary_address VARCHAR(64)
);

CREATE TABLE users (
    id            INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    name          VARCHAR(100)  NOT NULL,
    password_hash VARCHAR(100)  NOT NULL,
    role          VARCHAR(32)   NOT NULL,
    created_at    BIGINT        NOT NULL,
    full_name     VARCHAR(200)  NOT NULL DEFAULT '',
    email         VARCHAR(254)  NOT NULL DEFAULT '',
    description   VARCHAR(1000) NOT NULL DEFAULT '',
    CONSTRAINT users_name UNIQUE (name)
);

CREATE TABLE sessions (
    token_hash VARCHAR(64) NOT NULL PRIMARY KEY,
    user_id    BIGINT      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at BIGINT      NOT NULL,
    expires_at BIGINT      NOT NULL
);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE change_log (
    id           INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    at           BIGINT        NOT NULL,
    user_name    VARCHAR(100)  NOT NULL,
    save_comment VARCHAR(1000) NOT NULL DEFAULT '',
    action       VARCHAR(16)   NOT NULL,
    object_type  VARCHAR(64)   NOT NULL,
    object_ref   VARCHAR(300)  NOT NULL,
    before_json  TEXT,
    after_json   TEXT
);
CREATE INDEX change_log_object ON change_log (object_ref);
CREATE INDEX change_log_at ON change_log (at);

-- SQLite has one writer at a time anyway; the row stays so the repositories' write transactions read the same on both.
CREATE TABLE write_lock (
    id      INTEGER NOT NULL PRIMARY KEY,
    version BIGINT NOT NULL
);
INSERT INTO write_lock (id, version) VALUES (1, 0);

-- The change journal (org.tandem.change.ChangeRecovery). Times as epoch milliseconds (java.sql.Timestamp).
CREATE TABLE change_journal (
    id           INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    who          VARCHAR(255) NOT NULL,
    save_comment TEXT         NOT NULL,
    state        VARCHAR(20)  NOT NULL,
    started_at   TIMESTAMP    NOT NULL,
    finished_at  TIMESTAMP,
    outcome      TEXT,
    CONSTRAINT change_journal_state_ck
        CHECK (state IN ('OPEN', 'COMMITTED', 'APPLIED', 'ROLLED_BACK', 'UNDONE', 'NEEDS_ATTENTION'))
);
CREATE INDEX change_journal_state_ix ON change_journal (state);

CREATE TABLE change_journal_server (
    change_id   BIGINT       NOT NULL REFERENCES change_journal (id) ON DELETE CASCADE,
    apply_order INTEGER      NOT NULL,
    server_name VARCHAR(255) NOT NULL,
    old_config  TEXT         NOT NULL,
    new_config  TEXT         NOT NULL,
    step        VARCHAR(20)  NOT NULL,
    PRIMARY KEY (change_id, apply_order),
    CONSTRAINT change_journal_server_name_uq UNIQUE (change_id, server_name),
    CONSTRAINT change_journal_server_step_ck
        CHECK (step IN ('PLANNED', 'APPLYING', 'APPLIED', 'ROLLING_BACK', 'ROLLED_BACK'))
);

CREATE TABLE web_keys (
    name   VARCHAR(40)  NOT NULL PRIMARY KEY,
    secret VARCHAR(100) NOT NULL
);
