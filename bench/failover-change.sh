#!/usr/bin/env bash
# "Failover changes end to end" (figures go to docs/benchmarks.md): adds one scope to a relationship
# through Central's JSON-RPC API on a real dhcpd pair (2,000 scopes each) and a real Kea HA pair
# (2,000 subnets each), and measures the servers' own time for the same change in the same run
# (src/test/java/org/tandem/bench/FailoverEndToEndBench.java). Needs root (network namespaces).
# Usage: bench/failover-change.sh [rounds=1] [dhcpd|kea|both]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
source scripts/java-home.sh
export TANDEM_LOG_LEVEL=${TANDEM_LOG_LEVEL:-WARN}
mvn -B -ntp -q test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
echo "machine: $(nproc) cores; $(lscpu | sed -n 's/^Model name: *//p'); load $(cut -d' ' -f1-3 /proc/loadavg)"
java -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" org.tandem.bench.FailoverEndToEndBench "${1:-1}" "${2:-both}"
