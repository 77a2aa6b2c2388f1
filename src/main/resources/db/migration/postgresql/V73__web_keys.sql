-- Keys of the web UI (the one that signs CSRF tokens), shared by every Central node on this database and kept
-- across restarts, so a form loaded from one node or before a restart still posts. V73: clear of other branches.
CREATE TABLE web_keys (
    name   VARCHAR(40)  NOT NULL PRIMARY KEY,
    secret VARCHAR(100) NOT NULL
);
