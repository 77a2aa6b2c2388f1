# Sourced by bench/durability.sh and bench/sqlite-postgres.sh: a throwaway Debian PostgreSQL cluster on 127.0.0.1
# with its default durability (fsync on, synchronous_commit on), unlike scripts/pg-test.sh whose test cluster runs
# with fsync=off. Exports BENCH_PG_URL and BENCH_PG_DATA; `bench_pg_stop` removes it.
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$pg_bin" ]; then echo "bench: PostgreSQL is not installed (run scripts/install-deps)" >&2; return 1; fi
BENCH_PG_DIR=$(mktemp -d /tmp/tandem-bench-pg.XXXXXX)
chown postgres:postgres "$BENCH_PG_DIR"
bench_pg_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
runuser -u postgres -- "$pg_bin/initdb" -D "$BENCH_PG_DIR/data" -A trust -U postgres -E UTF8 >"$BENCH_PG_DIR/initdb.log" 2>&1
runuser -u postgres -- "$pg_bin/pg_ctl" -D "$BENCH_PG_DIR/data" -l "$BENCH_PG_DIR/server.log" -w \
  -o "-p $bench_pg_port -k $BENCH_PG_DIR -c listen_addresses=127.0.0.1 -c max_connections=100" start >/dev/null
export BENCH_PG_DATA="$BENCH_PG_DIR/data"
export BENCH_PG_URL="jdbc:postgresql://127.0.0.1:$bench_pg_port/postgres?user=postgres"
echo "PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') on port $bench_pg_port, fsync on (defaults), data $BENCH_PG_DATA"
bench_pg_stop() {
  runuser -u postgres -- "$pg_bin/pg_ctl" -D "$BENCH_PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$BENCH_PG_DIR"
}
