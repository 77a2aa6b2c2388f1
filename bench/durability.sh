#!/usr/bin/env bash
# Durability measurements of docs/reliability.md ("Acknowledged writes and SIGKILL"), on the embedded SQLite and on a
# PostgreSQL cluster of its own with fsync on:
#  1. SIGKILLs while 4 to 8 clients write through the API, each acknowledged write looked up after restarts
#     (DurabilityKillIT with KILLS kills per database);
#  2. fsync + fdatasync calls per acknowledged write (strace -f -c on Central's JVM and, on PostgreSQL, the cluster);
#  3. SQLite file size after GROWTH writes, after deleting them through the API, after a checkpoint and a VACUUM, and
#     the same on a database made with auto_vacuum=INCREMENTAL (GROWTH_INCREMENTAL writes).
# Usage: bench/durability.sh [KILLS=100] [GROWTH=100000] [GROWTH_INCREMENTAL=20000]. Needs root (strace, the cluster).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
source scripts/java-home.sh
kills=${1:-100}
growth=${2:-100000}
growth_incremental=${3:-20000}
command -v strace >/dev/null || { echo "bench: strace is not installed (apt-get install strace)" >&2; exit 1; }
echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'); machine: $(nproc) CPUs, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1);" \
  "disk: $(df --output=source,fstype . | tail -1 | xargs)"
echo "java: $("$JAVA_HOME/bin/java" -version 2>&1 | head -1); load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
mvn -B -ntp -o -q -DskipTests test-compile dependency:build-classpath -Dmdep.outputFile=target/bench-cp.txt >/dev/null
cp="target/test-classes:target/classes:$(cat target/bench-cp.txt)"
source bench/pg-durable.sh
trap bench_pg_stop EXIT

echo "== 1. SIGKILLs while clients write ($kills per database)"
TANDEM_TEST_PG_URL="$BENCH_PG_URL" mvn -B -ntp -o verify -Dtest=NoSuchTest -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test=DurabilityKillIT -Djacoco.skip=true -Ddurability.kills="$kills" -Ddurability.deadlineMinutes=60 2>&1 \
  | grep -E "DurabilityKillIT .*(seed|kills,|REFUSED)|Tests run:|FAIL" || true

echo "== 2. fsync and fdatasync per acknowledged write (200 writes, 4 clients, after 100 warm-up writes)"
java -cp "$cp" org.tandem.faults.DurabilityBench fsync sqlite - 200 4 2>&1 | grep -v '^WARNING'
java -cp "$cp" org.tandem.faults.DurabilityBench fsync postgresql "$BENCH_PG_URL" 200 4 "$BENCH_PG_DATA" 2>&1 | grep -v '^WARNING'

echo "== 3. SQLite file size: $growth writes and deletes (4 clients), then $growth_incremental on auto_vacuum=INCREMENTAL"
java -cp "$cp" org.tandem.faults.DurabilityBench growth "$growth" 4 default 2>&1 | grep -v '^WARNING'
java -cp "$cp" org.tandem.faults.DurabilityBench growth "$growth_incremental" 4 incremental 2>&1 | grep -v '^WARNING'
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
