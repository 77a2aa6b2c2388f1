#!/usr/bin/env bash
# Kea engine speed: full sync vs the bare config-get round trip (same server, same channel, one run) and the memory
# a synced config holds, with 5,000 and 20,000 subnets on a real Kea 2.2 started on loopback by KeaLab.
# Usage: bench/kea-sync.sh [SUBNETS...]   (needs root for /run/kea; prints a Markdown table)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
source scripts/java-home.sh
mvn -B -ntp -q test-compile
cp_file=$(mktemp)
trap 'rm -f "$cp_file"' EXIT
mvn -B -ntp -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$cp_file" >/dev/null
echo "machine: $(nproc) cores; $(lscpu | sed -n 's/^Model name: *//p'); $(kea-dhcp4 -v)"
java -Xmx2g -Djdk.attach.allowAttachSelf=true -cp "target/classes:target/test-classes:$(cat "$cp_file")" \
  org.tandem.bench.KeaSyncBenchmark "$@" 2> >(grep -v -E 'WARNING|SLF4J' >&2)
