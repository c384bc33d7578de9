#!/usr/bin/env bash
# JSON-RPC latency of get_repos and get_user (with its permission map) on a large site.
#
# Builds (once, then reuses) a data set through Cairn's own services on the data folder's H2 database: REPOS bare
# repositories in repository groups of 50 (20 with a commit, every 10th private), USERS users, USER_GROUPS user groups of 12
# members, grants spread over repositories and repository groups. Then starts `java -jar target/cairn.war` on a free
# port of 127.0.0.1 with an empty changeset cache, and times, as admin and as a regular user (user001):
#   first after start   the first call (cold JVM; get_repos also reads every repository's tip from disk once)
#   cold                a grant changes right before every call, so the permissions are computed again
#   warm                permissions and tips cached
# and prints p50/p95/max over N calls as a Markdown table.
#
# Settings (environment):
#   CAIRN_WAR         the WAR [target/cairn.war]
#   BENCH_WORK        work folder; the data set stays there for later runs [/tmp/cairn-apibench]
#   REPOS USERS USER_GROUPS  data set size [2000 200 50]
#   N                 timed calls per row [50]
#   CAIRN_JAVA_OPTS   JVM options of Cairn [-Xmx1g]
#   START_TIMEOUT     seconds Cairn may take to start [180]
#   KEEP=1            keep Cairn's logs of this run (they are kept anyway when something fails)
#
# Everything listens on 127.0.0.1 only; the Cairn process started is stopped on exit.
set -euo pipefail
export LC_ALL=C

HERE=$(cd "$(dirname "$0")" && pwd)
CAIRN_WAR=${CAIRN_WAR:-$HERE/../target/cairn.war}
BENCH_WORK=${BENCH_WORK:-/tmp/cairn-apibench}
REPOS=${REPOS:-2000}
USERS=${USERS:-200}
USER_GROUPS=${USER_GROUPS:-50}
N=${N:-50}
START_TIMEOUT=${START_TIMEOUT:-180}

log() { printf '[api-bench] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }
# shellcheck source=bench/lib.sh
. "$HERE/lib.sh"
CAIRN_JAVA_OPTS=${CAIRN_JAVA_OPTS:-$(bench_java_opts 1g)}

for c in java unzip; do command -v "$c" >/dev/null || die "$c not found"; done
[ -f "$CAIRN_WAR" ] || die "no $CAIRN_WAR: run 'mvn -B package -DskipTests' first"
CAIRN_WAR=$(cd "$(dirname "$CAIRN_WAR")" && pwd)/$(basename "$CAIRN_WAR")
mkdir -p "$BENCH_WORK"
BENCH_WORK=$(cd "$BENCH_WORK" && pwd)

# The helper runs on the WAR's own classes and libraries, unpacked once per WAR build.
WAR_DIR=$BENCH_WORK/war
WAR_STAMP="$CAIRN_WAR $(stat -c %Y:%s "$CAIRN_WAR")"
if [ "$(cat "$WAR_DIR/.stamp" 2>/dev/null)" != "$WAR_STAMP" ]; then
  rm -rf "$WAR_DIR" && mkdir -p "$WAR_DIR"
  unzip -q "$CAIRN_WAR" 'WEB-INF/classes/*' 'WEB-INF/lib/*' -d "$WAR_DIR"
  echo "$WAR_STAMP" > "$WAR_DIR/.stamp"
fi
helper() {
  java -Xmx1g -Djava.util.logging.config.file=/dev/null -cp "$WAR_DIR/WEB-INF/classes:$WAR_DIR/WEB-INF/lib/*" \
    "$HERE/ApiBench.java" "$@"
}

SITE=$BENCH_WORK/site-$REPOS-$USERS-$USER_GROUPS
INI=$SITE/cairn.ini
KEYS=$SITE/keys.properties
if [ ! -f "$KEYS" ]; then
  rm -rf "$SITE" && mkdir -p "$SITE"
  # gc_threads = 0: no background repacks of the benchmark's repositories
  printf '[cairn]\ndata_dir = %s\nadmin_password = bench-admin-1\n[git]\ngc_threads = 0\n' "$SITE/data" > "$INI"
  log "building the data set in $SITE ($REPOS repositories, $USERS users, $USER_GROUPS user groups)"
  helper data "$INI" "$REPOS" "$USERS" "$USER_GROUPS" "$KEYS.tmp" || true
  [ -f "$KEYS.tmp" ] || die "building the data set failed"
  mv "$KEYS.tmp" "$KEYS"
else
  log "reusing the data set in $SITE"
fi
helper reset-tips "$INI"

RUN_DIR=$BENCH_WORK/run-$(date +%Y%m%d-%H%M%S)-$$
mkdir -p "$RUN_DIR"
CAIRN_PID=""
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  cairn_stop
  if [ "$rc" = 0 ] && [ "${KEEP:-0}" != 1 ]; then rm -rf "$RUN_DIR"; else log "logs kept in $RUN_DIR"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

cairn_start "$RUN_DIR" "$INI"
port=$CAIRN_PORT
log "measuring, N=$N"

load() { cut -d' ' -f1-3 /proc/loadavg; }
echo "Cairn API latency: $REPOS repositories, $USERS users, $USER_GROUPS user groups; $(nproc) cores;" \
  "$(date -u +%FT%TZ); load average before: $(load)"
helper measure "http://127.0.0.1:$port" "$KEYS" "$N"
echo "load average after: $(load)"
