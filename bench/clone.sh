#!/usr/bin/env bash
# Foundation benchmark: clone one large repository from Cairn and from C git's `git http-backend` (Apache, mod_cgi),
# both serving the very same folder, and compare wall time, server CPU and memory.
#
# Usage: bench/clone.sh            (after `mvn -B package -DskipTests`; see bench/README.md)
# Environment (defaults in brackets):
#   CAIRN_WAR          the executable WAR [<checkout>/target/cairn.war]
#   SHARED_BENCH       the shared harness [<checkout>/../shared/bench, else /work/shared/bench]
#   BENCH_WORK         work folder: cached repositories, one run-* folder per run [/tmp/cairn-bench]
#   REPO_COMMITS REPO_FILES REPO_LARGE REPO_LARGE_MIB REPO_SEED   make-repo.sh arguments [30000 3000 2 8 1]
#                      (git.git size: 80000 4000 4 8 1); BITMAP=1 writes a reachability bitmap [0]
#   TESTS              clone-bench.sh tests [clone_v2 clone_v0 shallow partial]
#   RUNS               repetitions per test, medians are reported [3];  WARMUP=0 drops the unreported first run
#                      of every test (JIT, caches) [1]
#   SERVERS            which servers, in this order [cgit cairn]
#   CAIRN_JAVA_OPTS    JVM options of Cairn [-Xmx1g]
#   TEST_TIMEOUT       seconds one test (all its runs) of one server may take before it is killed [1800]
#   START_TIMEOUT      seconds Cairn may take to start [180]
#   KEEP=1             keep the run folder's Cairn data and client scratch (results and logs are always kept)
# Everything listens on 127.0.0.1 only, on free ports; everything started is stopped on exit.
set -euo pipefail
export LC_ALL=C
umask 022   # Apache's workers run as www-data when started by root: what we create must be readable

HERE=$(cd "$(dirname "$0")" && pwd)
CHECKOUT=$(cd "$HERE/.." && pwd)
CAIRN_WAR=${CAIRN_WAR:-$CHECKOUT/target/cairn.war}
BENCH_WORK=${BENCH_WORK:-/tmp/cairn-bench}
REPO_COMMITS=${REPO_COMMITS:-30000}
REPO_FILES=${REPO_FILES:-3000}
REPO_LARGE=${REPO_LARGE:-2}
REPO_LARGE_MIB=${REPO_LARGE_MIB:-8}
REPO_SEED=${REPO_SEED:-1}
BITMAP=${BITMAP:-0}
TESTS=${TESTS:-clone_v2 clone_v0 shallow partial}
RUNS=${RUNS:-3}
WARMUP=${WARMUP:-1}
SERVERS=${SERVERS:-cgit cairn}
TEST_TIMEOUT=${TEST_TIMEOUT:-1800}
START_TIMEOUT=${START_TIMEOUT:-180}
KEEP=${KEEP:-0}
REPO=bench.git

log() { echo "[clone.sh] $*" >&2; }
die() { log "error: $*"; exit 1; }
# shellcheck source=bench/lib.sh
. "$HERE/lib.sh"
CAIRN_JAVA_OPTS=${CAIRN_JAVA_OPTS:-$(bench_java_opts 1g)}

# ---- prerequisites -------------------------------------------------------------------------------------------------
bench_find_shared clone-bench.sh
[ -f "$CAIRN_WAR" ] || die "$CAIRN_WAR not found: run 'mvn -B package -DskipTests' first, or set CAIRN_WAR"
for c in java git awk; do command -v "$c" >/dev/null || die "$c not found"; done
case " $SERVERS " in *" cgit "*) need_apache=1 ;; *) need_apache=0 ;; esac
missing=""
[ -x /usr/bin/time ] || missing="$missing time"
command -v curl >/dev/null || missing="$missing curl"
command -v openssl >/dev/null || missing="$missing openssl"
command -v python3 >/dev/null || missing="$missing python3"
if [ "$need_apache" = 1 ] && ! command -v apache2 >/dev/null && [ ! -x /usr/sbin/apache2 ]; then
  missing="$missing apache2"
fi
if [ -n "$missing" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    log "installing$missing"
    apt-get update -qq >&2
    # shellcheck disable=SC2086  # a word list
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >&2
  else
    die "missing:$missing (apt-get install$missing)"
  fi
fi

# ---- the repository (cached) ---------------------------------------------------------------------------------------
bench_repo "$BITMAP"
# both servers serve partial clones (Cairn does by default; git http-backend only with this)
GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null git -C "$REPOS_DIR/$REPO" config uploadpack.allowFilter true
chmod 755 "$REPOS_DIR"
chmod -R a+rX "$REPOS_DIR"
REPO_OBJECTS=$(GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null git -C "$REPOS_DIR/$REPO" count-objects -v \
  | awk '/^(count|in-pack):/ { n += $2 } /^(size|size-pack):/ { k += $2 } END { printf "%d objects, %.1f MiB", n, k / 1024 }')

RUN_DIR=$BENCH_WORK/run-$(date +%Y%m%d-%H%M%S)-$$
mkdir -p "$RUN_DIR"
chmod 755 "$RUN_DIR"
RESULTS=$RUN_DIR/results.csv
HEAP_TSV=$RUN_DIR/cairn-heap.tsv
: > "$HEAP_TSV"

# ---- cleanup ---------------------------------------------------------------------------------------------------------
APACHE_STATE="" CAIRN_PID="" JSTAT_PID="" BENCH_PID=""
stop_cairn() {
  cairn_stop
  if [ -n "$JSTAT_PID" ]; then kill "$JSTAT_PID" 2>/dev/null || true; wait "$JSTAT_PID" 2>/dev/null || true; JSTAT_PID=""; fi
}
stop_apache() {
  [ -n "$APACHE_STATE" ] || return 0
  local st=$APACHE_STATE
  APACHE_STATE=""
  if [ -s "$st/run/httpd.pid" ]; then "$SHARED_BENCH/apache-stop.sh" "$st" >/dev/null 2>&1 || true; fi
}
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [ -n "$BENCH_PID" ]; then   # timeout passes TERM on to clone-bench.sh and its git clients
    kill -TERM "$BENCH_PID" 2>/dev/null || true
    wait "$BENCH_PID" 2>/dev/null || true
  fi
  stop_cairn
  stop_apache
  if [ "$KEEP" != 1 ]; then rm -rf "$RUN_DIR/cairn-data" "$RUN_DIR"/client-*; fi
  rm -rf "$BENCH_WORK/.gen-$$"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---- servers -------------------------------------------------------------------------------------------------------
start_apache() { # sets BASE, SERVER_PID
  local port st attempt
  for attempt in 1 2 3; do
    port=$(free_port)
    st=$RUN_DIR/apache-$attempt
    mkdir -p "$st"; chmod 755 "$st"
    APACHE_STATE=$st
    if SERVER_PID=$("$SHARED_BENCH/apache-git-http-backend.sh" "$port" "$REPOS_DIR" "$st" 2>"$st/start.err"); then
      BASE=http://127.0.0.1:$port/git
      log "$(tail -1 "$st/start.err")"
      return 0
    fi
    log "apache did not start on port $port (attempt $attempt): $(tail -2 "$st/start.err" | tr '\n' ' ')"
    stop_apache
  done
  die "apache does not start; see $RUN_DIR/apache-*/"
}

start_cairn() { # sets BASE, SERVER_PID, CAIRN_PID
  # gc_threads = 0: Cairn must not repack the repository it shares with C git (both would then gain a bitmap);
  # shared_packs = false: every clone measured is a pack generation, not an answer kept from the previous run
  printf '[cairn]\nrepos_dir = %s\n[git]\ngc_threads = 0\nshared_packs = false\n' "$REPOS_DIR" > "$RUN_DIR/cairn.ini"
  CAIRN_ADMIN_PASSWORD=${CAIRN_ADMIN_PASSWORD:-bench-$$} cairn_start "$RUN_DIR" "$RUN_DIR/cairn.ini" \
    --data "$RUN_DIR/cairn-data"
  [ "$(cat "/proc/$CAIRN_PID/comm" 2>/dev/null)" = java ] || die "PID $CAIRN_PID is not the JVM"
  BASE=http://127.0.0.1:$CAIRN_PORT
  SERVER_PID=$CAIRN_PID
  if command -v jstat >/dev/null; then
    jstat -gc -t "$CAIRN_PID" 250 > "$RUN_DIR/cairn-jstat.txt" 2>/dev/null &
    JSTAT_PID=$!
  fi
}

# "peak_used_mib peak_live_mib max_committed_mib" of Cairn's heap from line G+1 of the GC log and line J+1 of the jstat
# samples on. Used: the larger of the heap used just before each collection (a true local peak, garbage included) and
# the sampled used (eden + survivors + old). After GC: the largest heap left after a collection ("-": none happened);
# a young collection leaves the old generation's garbage, so it is an upper bound of the live data.
heap_peak() { # gc_from_line jstat_from_line
  local g="" j=""
  if [ -f "$RUN_DIR/cairn-gc.log" ]; then
    g=$(awk -v from="$1" 'NR > from' "$RUN_DIR/cairn-gc.log" | awk '
      function mib(x,   u, v) { u = substr(x, length(x)); v = substr(x, 1, length(x) - 1) + 0
        return u == "G" ? v * 1024 : u == "K" ? v / 1024 : u == "B" ? v / 1048576 : v }
      match($0, /[0-9]+[BKMG]->[0-9]+[BKMG]\([0-9]+[BKMG]\)/) {
        s = substr($0, RSTART, RLENGTH); split(s, a, /->|\(|\)/)
        if (mib(a[1]) > u) u = mib(a[1]); if (mib(a[2]) > l) l = mib(a[2]); if (mib(a[3]) > c) c = mib(a[3]); n++ }
      END { printf "%d %s %d\n", u, n ? sprintf("%d", l) : "-", c }')
  fi
  if [ -s "$RUN_DIR/cairn-jstat.txt" ]; then
    j=$(awk -v from="$2" '
      NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
      NR > from && $1 ~ /^[0-9.]+$/ {
        u = $col["S0U"] + $col["S1U"] + $col["EU"] + $col["OU"]; c = $col["S0C"] + $col["S1C"] + $col["EC"] + $col["OC"]
        if (u > mu) mu = u; if (c > mc) mc = c }
      END { printf "%d %d\n", mu / 1024, mc / 1024 }' "$RUN_DIR/cairn-jstat.txt")
  fi
  echo "${g:-0 - 0} ${j:-0 0}" | awk '{ printf "%d %s %d\n", ($1 > $4 ? $1 : $4), $2, ($3 > $5 ? $3 : $5) }'
}
lines() { if [ -f "$1" ]; then wc -l < "$1"; else echo 0; fi; }

bench_server() { # label
  local label=$1 t g0 j0 rc
  case $label in
    cgit)  start_apache ;;
    cairn) start_cairn ;;
  esac
  # anonymous read must work before measuring anything
  GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null GIT_TERMINAL_PROMPT=0 timeout 60 git ls-remote "$BASE/$REPO" HEAD \
    >/dev/null || die "$label: anonymous 'git ls-remote $BASE/$REPO' fails"
  for t in $TESTS; do
    g0=$(lines "$RUN_DIR/cairn-gc.log"); j0=$(lines "$RUN_DIR/cairn-jstat.txt")
    mkdir -p "$RUN_DIR/client-$label-$t"
    rc=0
    # in the background and waited for, so that INT/TERM reach our trap at once (timeout runs in its own group)
    LABEL=$label SERVER_PID=$SERVER_PID RUNS=$RUNS WARMUP=$WARMUP HEADER=0 WORK=$RUN_DIR/client-$label-$t \
      timeout -k 10 "$TEST_TIMEOUT" "$SHARED_BENCH/clone-bench.sh" "$BASE" "$REPO" "$t" >> "$RESULTS" &
    BENCH_PID=$!
    wait "$BENCH_PID" || rc=$?
    BENCH_PID=""
    if [ "$rc" != 0 ]; then
      log "$label $t: clone-bench.sh exited with $rc$([ "$rc" = 124 ] && echo " (timed out after $TEST_TIMEOUT s)")"
      FAILED="$FAILED $label/$t"
    fi
    rm -rf "$RUN_DIR/client-$label-$t"
    if [ "$label" = cairn ]; then
      sleep 0.3   # one more jstat sample
      echo "$t $(heap_peak "$g0" "$j0")" >> "$HEAP_TSV"
    fi
  done
  if [ "$label" = cairn ]; then
    CAIRN_HWM=$(awk '/^VmHWM:/ { printf "%d", $2 / 1024 }' "/proc/$CAIRN_PID/status")
    CAIRN_RSS=$(awk '/^VmRSS:/ { printf "%d", $2 / 1024 }' "/proc/$CAIRN_PID/status")
    read -r CAIRN_HEAP CAIRN_LIVE CAIRN_HEAP_COMMITTED < <(heap_peak 0 0)
    stop_cairn
  else
    stop_apache
  fi
}

# ---- run -----------------------------------------------------------------------------------------------------------
echo "server,repo,test,run,proto,clients,errors,wall_s,client_user_s,client_sys_s,client_max_rss_kb,server_cpu_s,server_peak_rss_kb,server_max_proc_rss_kb,objects,bytes,notes,server_peak_anon_kb" > "$RESULTS"
log "repository $REPOS_DIR/$REPO: $REPO_OBJECTS; tests: $TESTS; runs: $RUNS; results in $RUN_DIR"
FAILED=""
CAIRN_HWM="" CAIRN_RSS="" CAIRN_HEAP="" CAIRN_LIVE="" CAIRN_HEAP_COMMITTED=""
T0=$SECONDS
for s in $SERVERS; do
  case $s in cgit|cairn) ;; *) die "unknown server $s (cgit, cairn)" ;; esac
  log "=== $s"
  bench_server "$s"
done

"$SHARED_BENCH/summarize.sh" "$RESULTS" > "$RUN_DIR/summary.md"

echo
echo "## Cairn vs C git http-backend: $REPO_OBJECTS ($REPO_COMMITS commits, $REPO_FILES files, $REPO_LARGE x $REPO_LARGE_MIB MiB blobs, bitmap=$BITMAP)"
echo "client $(git --version | cut -d' ' -f3), $(nproc) cores, runs $RUNS, Cairn JVM: $CAIRN_JAVA_OPTS; medians; total $((SECONDS - T0)) s"
echo
echo "### clone-bench.sh rows, summarize.sh"
echo
cat "$RUN_DIR/summary.md"
echo
echo "### side by side"
echo
echo "Medians. Server RSS: sampled peak of the server's process tree. Cairn heap: peak used (garbage included) /"
echo "largest heap left after a GC, over all runs of the test (warm-up included)."
echo
awk -F' *[|] *' '
  FILENAME == ARGV[1] { heap[$1] = $2 " / " $3; next }
  /^[|] (cgit|cairn) [|]/ {
    k = $4 "|" $5; if (!(k in seen)) { seen[k] = 1; order[++n] = k }
    wall[$2, k] = $9; cpu[$2, k] = $12; rss[$2, k] = $13; anon[$2, k] = $15; obj[$2, k] = $16; err[$2, k] = $8 }
  function v(x) { return x == "" ? "-" : x }
  END {
    print "| test | proto | wall s C git | wall s Cairn | server CPU s C git | server CPU s Cairn | CPU Cairn/C git | server RSS MiB C git | server RSS MiB Cairn | Cairn heap peak / after GC MiB | objects C git / Cairn | errors C git / Cairn |"
    print "|---|---|---|---|---|---|---|---|---|---|---|---|"
    for (i = 1; i <= n; i++) {
      k = order[i]; split(k, p, "|")
      a = cpu["cgit", k]; b = cpu["cairn", k]
      r = (a != "" && b != "" && a != "-" && b != "-" && a + 0 > 0) ? sprintf("%.2f", b / a) : "-"
      printf "| %s | %s | %s | %s | %s | %s | **%s** | %s | %s | %s | %s / %s | %s / %s |\n", p[1], p[2],
        v(wall["cgit", k]), v(wall["cairn", k]), v(a), v(b), r, v(rss["cgit", k]), v(rss["cairn", k]),
        v(heap[p[1]]), v(obj["cgit", k]), v(obj["cairn", k]), v(err["cgit", k]), v(err["cairn", k])
    }
  }' <(tr ' ' '|' < "$HEAP_TSV") "$RUN_DIR/summary.md"
echo
if [ -n "$CAIRN_HEAP" ]; then
  echo "Cairn over the whole run: peak heap used ${CAIRN_HEAP} MiB (after a GC up to ${CAIRN_LIVE} MiB, committed up to ${CAIRN_HEAP_COMMITTED} MiB), peak RSS (VmHWM) ${CAIRN_HWM} MiB, RSS at the end ${CAIRN_RSS} MiB"
fi
errors=$(awk -F, 'NR > 1 && $7 > 0 { e += $7 } END { print e + 0 }' "$RESULTS")
[ "$errors" = 0 ] || echo "WARNING: $errors failed clone(s); see $RESULTS"
[ -z "$FAILED" ] || echo "WARNING: clone-bench.sh failed or timed out (fewer runs) for:$FAILED"
echo "raw rows: $RESULTS; logs: $RUN_DIR"
