#!/usr/bin/env bash
# SQLite beside PostgreSQL (docs/benchmarks.md, "100,000 scopes: SQLite and PostgreSQL"): for each database, 100,000
# scopes loaded by ScopeLoader, `./tandem server` started as a user starts it, then over loopback REST
# (CentralRestLoad): the filtered scope list a Micetro client pages through (limit 100) and the unfiltered list at a
# random offset, with 1 and 8 clients; then writes (POST ranges) with 1 and 8 clients. PostgreSQL is a cluster of its
# own with fsync on (bench/pg-durable.sh). Usage: bench/sqlite-postgres.sh [reads=5000] [writes=2000] [databases="sqlite postgresql"].
# Needs root.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
source scripts/java-home.sh
reads=${1:-5000}
writes=${2:-2000}
databases=${3:-sqlite postgresql}
echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'); machine: $(nproc) CPUs, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1);" \
  "disk: $(df --output=source,fstype . | tail -1 | xargs)"
echo "java: $("$JAVA_HOME/bin/java" -version 2>&1 | head -1)"
mvn -B -ntp -o -q -DskipTests package test-compile dependency:build-classpath -Dmdep.outputFile=target/bench-cp.txt >/dev/null
cp="target/test-classes:target/classes:$(cat target/bench-cp.txt)"
work=$(mktemp -d /tmp/tandem-bench.XXXXXX)
pid=""
source bench/pg-durable.sh
cleanup() { if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi; rm -rf "$work"; bench_pg_stop; }
trap cleanup EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
export TANDEM_ADMIN_PASSWORD=bench-password-1

for db in $databases; do
  echo "== $db, load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
  rm -rf "$work/data"
  if [ "$db" = sqlite ]; then target="$work/data"; dbargs=(); else target="$BENCH_PG_URL"; dbargs=(--db "$BENCH_PG_URL"); fi
  mkdir -p "$work/data"
  "$JAVA_HOME/bin/java" -cp "$cp" org.tandem.bench.ScopeLoader "$target" 100000 2>&1 | grep -v '^WARNING'
  ./tandem server --host 127.0.0.1 --port "$port" --data "$work/data" "${dbargs[@]}" >"$work/server-$db.log" 2>&1 &
  pid=$!
  for _ in $(seq 600); do curl -fs "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break; sleep 0.1; done
  curl -fs "http://127.0.0.1:$port/health" >/dev/null || { cat "$work/server-$db.log"; exit 1; }
  for mode in scopes deep; do
    for clients in 1 8; do
      "$JAVA_HOME/bin/java" -cp "$cp" org.tandem.bench.CentralRestLoad "$port" "$TANDEM_ADMIN_PASSWORD" "$mode" "$reads" "$clients" 300 \
        | sed "s/^/$db $clients client(s) /"
    done
  done
  for clients in 1 8; do
    "$JAVA_HOME/bin/java" -cp "$cp" org.tandem.bench.CentralRestLoad "$port" "$TANDEM_ADMIN_PASSWORD" writes "$writes" "$clients" 300 \
      | sed "s/^/$db $clients client(s) /"
  done
  (grep -c "SQLITE_BUSY" "$work/server-$db.log" || true) | sed "s/^/$db: SQLITE_BUSY errors in the server log: /"
  echo "$db server RSS: $(awk '/VmRSS/ {printf "%d MB", $2/1024}' /proc/$pid/status)"
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
