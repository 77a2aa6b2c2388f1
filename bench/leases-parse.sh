#!/usr/bin/env bash
# Leases parser speed (JMH): generated dhcpd.leases files with 10,000 and 100,000 leases, each written twice.
# Usage: bench/leases-parse.sh   (prints JMH's table and the file sizes)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
source scripts/java-home.sh
mvn -B -ntp -q test-compile
cp_file=$(mktemp)
trap 'rm -f "$cp_file"' EXIT
mvn -B -ntp -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$cp_file" >/dev/null
echo "machine: $(nproc) cores; $(lscpu | sed -n 's/^Model name: *//p')"
java -Xmx2g -cp "target/classes:target/test-classes:$(cat "$cp_file")" org.tandem.bench.LeasesParserBenchmark 2> >(grep -v -E 'WARNING|SLF4J' >&2)
