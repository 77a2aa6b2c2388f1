# Sourced by ./tandem and the scripts: exports JAVA_HOME pointing at a JDK 21 or newer.
# Looks at $JAVA_HOME first, then every JDK under /usr/lib/jvm, newest first.
# (The machines' default `java` is 17, which cannot run Tandem.)
tandem_java_major() {
  local release="$1/release" v
  [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] && [ -f "$release" ] || return 1
  v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$release")
  [ -n "$v" ] && echo "$v"
}
tandem_find_jdk() {
  local candidate major
  for candidate in ${JAVA_HOME:-} $(ls -d /usr/lib/jvm/*/ 2>/dev/null | sed 's:/$::'); do
    major=$(tandem_java_major "$candidate") || continue
    if [ "$major" -ge 21 ]; then echo "$major $candidate"; fi
  done | sort -rn | head -n 1 | cut -d' ' -f2
}
if [ -z "${JAVA_HOME:-}" ] || ! { m=$(tandem_java_major "$JAVA_HOME") && [ "$m" -ge 21 ]; }; then
  JAVA_HOME=$(tandem_find_jdk)
fi
if [ -z "${JAVA_HOME:-}" ]; then
  echo "tandem: no JDK 21 or newer found in \$JAVA_HOME or /usr/lib/jvm; install one (e.g. openjdk-21-jdk) and retry" >&2
  exit 1
fi
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"
