#!/usr/bin/env bash
# Runs the change engine's JMH benchmark (src/test/java/org/tandem/bench/ChangeEngineBench.java)
# and prints its figures; see docs/benchmarks.md for the last recorded run.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
source scripts/java-home.sh
# One INFO line per change would drown the figures.
export TANDEM_LOG_LEVEL=WARN
mvn -B -ntp -q test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
java -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" org.openjdk.jmh.Main ChangeEngineBench "$@"
