#!/usr/bin/env bash
# "Central API" benchmark (figures go to docs/benchmarks.md):
#  1. time from start to a healthy /health on an empty embedded database;
#  2. GetDHCPScopes with a filter and limit 100, over loopback JSON-RPC, with 100,000 scopes loaded;
#  3. the server's resident memory (VmRSS) after that load.
# Usage: bench/central-api.sh [requests=10000] [concurrency=4]. Runs everything on 127.0.0.1 only.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
source scripts/java-home.sh
requests=${1:-10000}
concurrency=${2:-4}
mvn -B -ntp -q -DskipTests package test-compile dependency:build-classpath -Dmdep.outputFile=target/bench-cp.txt >/dev/null
cp="target/test-classes:target/classes:$(cat target/bench-cp.txt)"
work=$(mktemp -d /tmp/tandem-bench.XXXXXX)
pid=""
cleanup() { if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi; rm -rf "$work"; }
trap cleanup EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
export TANDEM_ADMIN_PASSWORD=bench-password-1

start_server() {   # starts ./tandem server (same JVM options as users get), sets ready_ms and pid
  local t0 t1
  t0=$(date +%s%N)
  ./tandem server --host 127.0.0.1 --port "$port" --data "$work/data" >"$work/server.log" 2>&1 &
  pid=$!
  for _ in $(seq 600); do
    if curl -fs "http://127.0.0.1:$port/health" >/dev/null 2>&1; then break; fi
    sleep 0.05
  done
  t1=$(date +%s%N)
  curl -fs "http://127.0.0.1:$port/health" >/dev/null || { cat "$work/server.log"; exit 1; }
  ready_ms=$(( (t1 - t0) / 1000000 ))
  # CPU time the server used to get ready: on a busy shared machine wall time mostly measures the
  # other processes; this shows what start-up itself costs.
  ready_cpu_ms=$(awk -v hz="$(getconf CLK_TCK)" '{printf "%d", ($14 + $15) * 1000 / hz}' /proc/$pid/stat)
}
stop_server() { kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""; }

echo "machine: $(nproc) cores; $(lscpu | sed -n 's/^Model name: *//p')"
echo "java: $("$JAVA_HOME/bin/java" -version 2>&1 | head -1); TANDEM_JAVA_OPTS=${TANDEM_JAVA_OPTS:-(launcher defaults)}"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
rm -f target/tandem-*.jsa       # run 1 is a first start ever: no class-data archive yet
for i in 1 2 3; do
  rm -rf "$work/data"
  start_server
  echo "ready on empty database, run $i: $ready_ms ms wall, $ready_cpu_ms ms CPU (creates and migrates the database, creates administrator)"
  grep "Central started" "$work/server.log" || true
  stop_server
done
"$JAVA_HOME/bin/java" -cp "$cp" org.tandem.bench.ScopeLoader "$work/data" 100000
start_server
echo "ready with 100,000 scopes: $ready_ms ms wall, $ready_cpu_ms ms CPU"
"$JAVA_HOME/bin/java" -cp "$cp" org.tandem.bench.CentralApiLoad "$port" "$TANDEM_ADMIN_PASSWORD" "$requests" "$concurrency" 300
echo "server-side time of GetDHCPScopes (Micrometer, recent window):"
curl -fs "http://127.0.0.1:$port/metrics" | grep 'tandem_rpc_requests_seconds{method="GetDHCPScopes"' | sed 's/^/  /'
echo "server RSS after load: $(awk '/VmRSS/ {printf "%d MB", $2/1024}' /proc/$pid/status) (VmHWM peak: $(awk '/VmHWM/ {printf "%d MB", $2/1024}' /proc/$pid/status))"
stop_server
