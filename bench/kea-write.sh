#!/usr/bin/env bash
# "Kea write overhead (issue 14)" (figures go to docs/benchmarks.md): one scope change written by Tandem through
# Central's JSON-RPC API (AddDHCPReservation, RemoveDHCPReservation, AddDHCPScope, RemoveDHCPScope) against the bare
# config-get + config-test + config-set + config-write of the same edit sent straight to the Control Agent, interleaved,
# on a real Kea 2.2 pair on loopback (Tandem writes one server, the bare client the other, both with the same subnets),
# for several config sizes (src/test/java/org/tandem/bench/KeaWriteBench.java). Up to 500 subnets it also times the
# floor of a guarded write: the Control Agent calls a Tandem write makes, sent bare, with nothing of Central's.
# Needs root (Kea wants /run/kea). The default run takes about ten minutes on a quiet 2-core machine.
# Usage: bench/kea-write.sh [ROUNDS=5] [SUBNETS[:ROUNDS]...]   (default sizes 1 14 500 5000:3 20000:1)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
source scripts/java-home.sh
export TANDEM_LOG_LEVEL=${TANDEM_LOG_LEVEL:-WARN}
cp_file=$(mktemp)
trap 'rm -f "$cp_file"' EXIT
mvn -B -ntp -q -o test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$cp_file" >/dev/null
echo "machine: $(nproc) cores; $(lscpu | sed -n 's/^Model name: *//p'); load $(cut -d' ' -f1-3 /proc/loadavg); Kea $(kea-dhcp4 -v); $(date -u +%Y-%m-%d)"
java -Xmx3g ${BENCH_JAVA_OPTS:-} -cp "target/test-classes:target/classes:$(cat "$cp_file")" org.tandem.bench.KeaWriteBench "$@"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
