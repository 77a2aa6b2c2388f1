#!/usr/bin/env bash
# Benchmarks the dhcpd.conf engine (issue 3) in one run, on one generated file:
#   1. generates the 20,000-subnet dhcpd.conf (every subnet's pool names a failover peer; ~3.5 MB);
#   2. times the real `dhcpd -t -cf FILE` on it (wall clock);
#   3. runs the JMH benchmarks (warm JVM): parse + render, and add failover to one scope + render;
#   4. times the whole `./tandem dhcpd-conf check FILE` process, JVM start included (first run builds
#      the AppCDS archive and is reported apart; then 5 runs);
# and prints each figure next to its target, with the ratio of our parse + render to dhcpd -t.
# Usage: bench/dhcpd-conf.sh [SUBNETS]   (needs /usr/sbin/dhcpd; writes only to a temp dir it deletes)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
source scripts/java-home.sh
subnets="${1:-20000}"
work="$(mktemp -d /tmp/tandem-bench-dhcpd-conf.XXXXXX)"
trap 'rm -rf "$work"' EXIT

ms() { echo $(( ($2 - $1) / 1000000 )); }

echo "== building" >&2
mvn -B -ntp -q -DskipTests package test-compile >&2
mvn -B -ntp -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$work/cp.txt" >&2
cp="target/test-classes:target/classes:$(cat "$work/cp.txt")"
conf="$work/bench.conf"
java -cp "$cp" org.tandem.bench.DhcpdConfGenerator "$conf" "$subnets"
bytes=$(stat -c %s "$conf")

echo "== dhcpd -t on $bytes bytes" >&2
t0=$(date +%s%N)
/usr/bin/time -f "%U %S" -o "$work/dhcpd-time.txt" /usr/sbin/dhcpd -t -cf "$conf" > "$work/dhcpd.out" 2>&1 \
  || { cat "$work/dhcpd.out" >&2; exit 1; }
t1=$(date +%s%N)
dhcpd_ms=$(ms "$t0" "$t1")
dhcpd_cpu=$(awk '{printf "%d", ($1 + $2) * 1000}' "$work/dhcpd-time.txt")

echo "== JMH" >&2
java -cp "$cp" org.openjdk.jmh.Main DhcpdConfBenchmark -rf text -rff "$work/jmh.txt" > "$work/jmh.log" 2>&1 \
  || { tail -30 "$work/jmh.log" >&2; exit 1; }
# Sample mode: the mean row has count and error; the percentile rows (":p0.00" best, ":p0.50" median) do not.
mean() { awk -v b="DhcpdConfBenchmark.$1" '$1 == b {print $(NF-3)}' "$work/jmh.txt"; }
pct() { awk -v b="DhcpdConfBenchmark.$1:p$2" '$1 == b {print $(NF-1)}' "$work/jmh.txt"; }
mbs() { awk -v b="$bytes" -v t="$1" 'BEGIN {printf "%.0f", b / 1e6 / (t / 1000)}'; }
parse_mean=$(mean parseAndRender); parse_med=$(pct parseAndRender 0.50); parse_best=$(pct parseAndRender 0.00)
edit_mean=$(mean enableFailoverOnOneScopeAndRender); edit_med=$(pct enableFailoverOnOneScopeAndRender 0.50)
edit_best=$(pct enableFailoverOnOneScopeAndRender 0.00)

echo "== ./tandem dhcpd-conf check" >&2
rm -f target/tandem-quick.jsa
./tandem --version > /dev/null # builds the jar now if the sources changed, so no run below includes a build
t0=$(date +%s%N); ./tandem dhcpd-conf check "$conf" > /dev/null; t1=$(date +%s%N)
first_ms=$(ms "$t0" "$t1")
runs=()
cpu=()
for i in 1 2 3 4 5; do
  t0=$(date +%s%N)
  /usr/bin/time -f "%U %S" -o "$work/time.txt" ./tandem dhcpd-conf check "$conf" > /dev/null
  t1=$(date +%s%N)
  runs+=("$(ms "$t0" "$t1")")
  cpu+=("$(awk '{printf "%d", ($1 + $2) * 1000}' "$work/time.txt")")
done
median() { printf '%s\n' "$@" | sort -n | sed -n 3p; }
best() { printf '%s\n' "$@" | sort -n | sed -n 1p; }

cat <<REPORT
dhcpd.conf engine benchmark ($(date -u +%Y-%m-%dT%H:%MZ))
machine: $(nproc) CPUs, $(lscpu | sed -n 's/^Model name: *//p'), load average $(cut -d' ' -f1-3 /proc/loadavg)
JDK: $("$JAVA_HOME/bin/java" -version 2>&1 | head -1); dhcpd: $(/usr/sbin/dhcpd --version 2>&1)
file: $subnets subnets, $bytes bytes
dhcpd -t:                                 wall $dhcpd_ms ms, CPU (user+sys) $dhcpd_cpu ms
parse + render (JMH, warm):               mean $parse_mean ms, median $parse_med ms = $(mbs "$parse_med") MB/s, best $parse_best ms = $(mbs "$parse_best") MB/s (target >= 100 MB/s)
ratio to dhcpd -t (median):               $(awk -v p="$parse_med" -v d="$dhcpd_ms" 'BEGIN {printf "1/%.0f", d / p}') (target under 1/100)
add failover to one scope + render (JMH): mean $edit_mean ms, median $edit_med ms, best $edit_best ms (target < 5 ms)
./tandem dhcpd-conf check, whole process: first run ${first_ms} ms (builds the AppCDS archive); next 5: wall median $(median "${runs[@]}") ms, best $(best "${runs[@]}") ms; CPU (user+sys) median $(median "${cpu[@]}") ms (target < 1000 ms)
REPORT
