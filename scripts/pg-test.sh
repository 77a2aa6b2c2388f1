# Sourced by scripts/test: starts a throwaway Debian PostgreSQL cluster on 127.0.0.1 for the
# repository tests and exports TANDEM_TEST_PG_URL. `pg_stop` removes it again.
# initdb refuses root, so the cluster runs as the postgres user (created by the package).
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$pg_bin" ]; then echo "pg-test: PostgreSQL is not installed (run scripts/install-deps)" >&2; return 1; fi
PG_DIR=$(mktemp -d /tmp/tandem-pg.XXXXXX)
chown postgres:postgres "$PG_DIR"
PGPORT=${TANDEM_TEST_PG_PORT:-55432}
runuser -u postgres -- "$pg_bin/initdb" -D "$PG_DIR/data" -A trust -U postgres -E UTF8 >"$PG_DIR/initdb.log" 2>&1
runuser -u postgres -- "$pg_bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w \
  -o "-p $PGPORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null
export TANDEM_TEST_PG_URL="jdbc:postgresql://127.0.0.1:$PGPORT/postgres?user=postgres"
pg_stop() {
  runuser -u postgres -- "$pg_bin/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$PG_DIR"
}
