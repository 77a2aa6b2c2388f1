-- The configs of a journaled change move to a table of their own, so that a step mark (change_journal_server.step,
-- written two to four times per server and change) rewrites a row of a few bytes. SQLite rewrites a whole row on
-- UPDATE, and that row held both configs: 2 x 21 MB for a Kea server of 20,000 subnets, a quarter to half a second per
-- mark on disk. Both engines run this file (db/migration/common).

CREATE TABLE change_journal_config (
    change_id   BIGINT  NOT NULL,
    apply_order INTEGER NOT NULL,
    old_config  TEXT    NOT NULL,
    new_config  TEXT    NOT NULL,
    PRIMARY KEY (change_id, apply_order),
    FOREIGN KEY (change_id, apply_order) REFERENCES change_journal_server (change_id, apply_order) ON DELETE CASCADE
);

INSERT INTO change_journal_config (change_id, apply_order, old_config, new_config)
SELECT change_id, apply_order, old_config, new_config FROM change_journal_server;

ALTER TABLE change_journal_server DROP COLUMN old_config;
ALTER TABLE change_journal_server DROP COLUMN new_config;
