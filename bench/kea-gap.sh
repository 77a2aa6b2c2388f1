#!/usr/bin/env bash
# Longest gap without DHCP answers during a scope change on a Kea HA pair: plain config-set on both vs Tandem.
# Builds three network namespaces joined by veths and a bridge (198.18.0.0/24, benchmarking space, only inside
# them), runs kea-dhcp4 + kea-ctrl-agent in two, and the Java side plus perfdhcp in the third. Cleans up on exit.
# Usage: bench/kea-gap.sh [HOT_STANDBY|LOAD_BALANCING]   (needs root)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
mode="${1:-HOT_STANDBY}"
source scripts/java-home.sh
mvn -B -ntp -q test-compile
s=$(od -An -N2 -tx1 /dev/urandom | tr -d ' \n')
k1="tgk1-$s"; k2="tgk2-$s"; c="tgc-$s"
work=$(mktemp -d)
cleanup() {
  ip netns del "$k1" 2>/dev/null || true
  ip netns del "$k2" 2>/dev/null || true
  ip netns del "$c" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
mvn -B -ntp -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$work/cp" >/dev/null
ip netns add "$k1"; ip netns add "$k2"; ip netns add "$c"
ip link add "tk1-$s" netns "$k1" type veth peer name "tc1-$s" netns "$c"
ip link add "tk2-$s" netns "$k2" type veth peer name "tc2-$s" netns "$c"
ip -n "$c" link add "br-$s" type bridge
ip -n "$c" link set "tc1-$s" master "br-$s"
ip -n "$c" link set "tc2-$s" master "br-$s"
ip -n "$k1" addr add 198.18.0.1/24 dev "tk1-$s"
ip -n "$k2" addr add 198.18.0.2/24 dev "tk2-$s"
ip -n "$c" addr add 198.18.0.10/24 dev "br-$s"
for ns in "$k1" "$k2" "$c"; do ip -n "$ns" link set lo up; done
ip -n "$k1" link set "tk1-$s" up; ip -n "$k2" link set "tk2-$s" up
ip -n "$c" link set "tc1-$s" up; ip -n "$c" link set "tc2-$s" up; ip -n "$c" link set "br-$s" up
echo "machine: $(nproc) cores; $(lscpu | sed -n 's/^Model name: *//p'); Kea $(kea-dhcp4 -v); mode $mode"
ip netns exec "$c" java -cp "target/classes:target/test-classes:$(cat "$work/cp")" \
  org.tandem.bench.KeaGapBenchmark "$mode" "$k1" "$k2" "tk1-$s" "tk2-$s" "br-$s" "$work/perfdhcp.out" \
  2> >(grep -v -E 'WARNING|SLF4J' >&2) | grep -v INFO || true
python3 bench/kea-gap-report.py "$work/perfdhcp.out" "$work/perfdhcp.out.windows"
