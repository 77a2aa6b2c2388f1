#!/usr/bin/env bash
# TLS cost (figures go to docs/tls.md): self-signed identity generation and reload, and GET /health on a Central
# over HTTP and HTTPS, kept-alive and with a new connection (full TLS handshake) per request. Loopback only.
# Usage: bench/tls.sh [keptAliveRequests=5000] [newConnectionRequests=500]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
source scripts/java-home.sh
mvn -B -ntp -q -o test-compile dependency:build-classpath -Dmdep.outputFile=target/bench-cp.txt >/dev/null
echo "machine: $(nproc) cores; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
"$JAVA_HOME/bin/java" -cp "target/test-classes:target/classes:$(cat target/bench-cp.txt)" org.tandem.bench.TlsBench "${1:-5000}" "${2:-500}" 2>/dev/null
