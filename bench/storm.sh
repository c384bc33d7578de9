#!/usr/bin/env bash
# Issue 6 benchmark: Cairn (`java -Xmx512m -jar`) against C git's `git http-backend` (Apache), both running at once,
# each serving its OWN copy of the same repository, tests alternating between them (the order flips every run):
# full clone v2/v0, --depth 1, --filter=blob:none, fetch of 10 new commits, push of 100 commits, a full clone right
# after a push (Cairn repacks by itself; the script waits for its background repack first), and 8/16/32 concurrent
# full and --depth 1 clones. Server CPU seconds, RSS, Cairn's heap, errors; CSV + a summary with Cairn/C git ratios
# against the issue's targets.
#
# Usage: bench/storm.sh            (after `mvn -B package -DskipTests`; see bench/README.md)
# Environment (defaults in brackets):
#   CAIRN_WAR SHARED_BENCH BENCH_WORK REPO_COMMITS REPO_FILES REPO_LARGE REPO_LARGE_MIB REPO_SEED   as bench/clone.sh
#   TESTS      [clone_v2 clone_v0 shallow partial fetch10 push100 postpush conc8 conc16 conc32 sconc8 sconc16 sconc32]
#              (concN: N concurrent full clones, sconcN: N concurrent --depth 1 clones)
#   RUNS [3]   measured runs per test and server (medians);  WARMUP [1]: one unreported run first
#   WARM_REQUESTS [1000]  unreported `git ls-remote`s, WARM_CLONES [10] clones and WARM_PUSHES [150] pushes of 100
#              commits (to a scratch branch, deleted after) against BOTH servers before
#              the first test: a server runs for weeks, so Cairn is measured with its JIT compiled (C git has no JIT;
#              it gets the same requests). The push path needs ~150 pushes before the JIT has compiled it (measured:
#              60-110 ms of CPU per push before, 20-30 ms after). 0 0 0: cold, as a freshly started JVM.
#   CONC_RUNS [$RUNS]   measured runs of the concurrent tests (concN, sconcN: minutes each on 2 cores)
#   CGIT_BITMAP [1]   C git's copy gets a reachability bitmap (`git repack -adb`), its best case; 0: none
#   CAIRN_JAVA [java]: the JVM that runs Cairn;  CAIRN_JAVA_OPTS [-Xmx512m, plus -XX:-UseCodeCacheFlushing on 17-19]
#   CAIRN_INI_EXTRA: lines appended to the [git] section of Cairn's ini
#                     (e.g. $'shared_packs = false'); Cairn's copy gets its bitmap from its own background repack
#   TEST_TIMEOUT [1800] seconds per test run;  GC_TIMEOUT [600] seconds to wait for Cairn's repack;  KEEP=1
# Everything listens on 127.0.0.1 only, on free ports; everything started is stopped on exit.
set -euo pipefail
export LC_ALL=C
umask 022

HERE=$(cd "$(dirname "$0")" && pwd)
CHECKOUT=$(cd "$HERE/.." && pwd)
CAIRN_WAR=${CAIRN_WAR:-$CHECKOUT/target/cairn.war}
BENCH_WORK=${BENCH_WORK:-/tmp/cairn-bench}
REPO_COMMITS=${REPO_COMMITS:-30000}
REPO_FILES=${REPO_FILES:-3000}
REPO_LARGE=${REPO_LARGE:-2}
REPO_LARGE_MIB=${REPO_LARGE_MIB:-8}
REPO_SEED=${REPO_SEED:-1}
TESTS=${TESTS:-clone_v2 clone_v0 shallow partial fetch10 push100 postpush conc8 conc16 conc32 sconc8 sconc16 sconc32}
RUNS=${RUNS:-3}
CONC_RUNS=${CONC_RUNS:-$RUNS}
WARMUP=${WARMUP:-1}
WARM_REQUESTS=${WARM_REQUESTS:-1000}
WARM_CLONES=${WARM_CLONES:-10}
WARM_PUSHES=${WARM_PUSHES:-150}
CGIT_BITMAP=${CGIT_BITMAP:-1}
CAIRN_JAVA=${CAIRN_JAVA:-java}
CAIRN_INI_EXTRA=${CAIRN_INI_EXTRA:-}
TEST_TIMEOUT=${TEST_TIMEOUT:-1800}
GC_TIMEOUT=${GC_TIMEOUT:-600}
START_TIMEOUT=${START_TIMEOUT:-180}
KEEP=${KEEP:-0}
REPO=bench.git
PW=bench-$$
# Cairn's pushes authenticate with the admin's API key: one indexed lookup, as CI jobs and scripts do. (With a
# password, the first request after [cairn] auth_cache_seconds pays one bcrypt check, ~0.2 s of CPU, by design; C git's
# Apache here checks nothing at all.)
KEY=$(od -An -N20 -tx1 /dev/urandom | tr -d ' \n')
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null GIT_TERMINAL_PROMPT=0

log() { echo "[storm.sh] $(date +%T) $*" >&2; }
die() { log "error: $*"; exit 1; }
# shellcheck source=bench/lib.sh
. "$HERE/lib.sh"
CAIRN_JAVA_OPTS=${CAIRN_JAVA_OPTS:-$(bench_java_opts 512m "$CAIRN_JAVA")}
bench_find_shared apache-git-http-backend.sh

[ -f "$CAIRN_WAR" ] || die "$CAIRN_WAR not found: run 'mvn -B package -DskipTests' first, or set CAIRN_WAR"
for c in "$CAIRN_JAVA" git awk curl /usr/bin/time; do command -v "$c" >/dev/null || die "$c not found"; done
command -v apache2 >/dev/null || [ -x /usr/sbin/apache2 ] || die "apache2 not found (apt-get install apache2)"

# ---- the repository (cached, as bench/clone.sh does) and one copy per server ---------------------------------------
bench_repo 0
SRC=$REPOS_DIR
RUN_DIR=$BENCH_WORK/storm-$(date +%Y%m%d-%H%M%S)-$$
mkdir -p "$RUN_DIR/cgit-repos" "$RUN_DIR/cairn-repos"; chmod 755 "$RUN_DIR" "$RUN_DIR"/*-repos
cp -a "$SRC/$REPO" "$RUN_DIR/cgit-repos/$REPO"
cp -a "$SRC/$REPO" "$RUN_DIR/cairn-repos/$REPO"
rm -f "$RUN_DIR"/*-repos/$REPO/objects/pack/*.bitmap
for s in cgit cairn; do git -C "$RUN_DIR/$s-repos/$REPO" config uploadpack.allowFilter true; done
if [ "$CGIT_BITMAP" = 1 ]; then
  log "C git's copy: git repack -adb (its reachability bitmap)"
  git -C "$RUN_DIR/cgit-repos/$REPO" repack -q -adb
fi
chmod -R a+rwX "$RUN_DIR/cgit-repos"   # Apache's workers (www-data) push into it
OBJECTS=$(git -C "$SRC/$REPO" count-objects -v | awk '/^(count|in-pack):/ { n += $2 } /^(size|size-pack):/ { k += $2 }
  END { printf "%d objects, %.1f MiB packed", n, k / 1024 }')
RESULTS=$RUN_DIR/results.csv HEAP_TSV=$RUN_DIR/cairn-heap.tsv
: > "$HEAP_TSV"

# ---- servers -------------------------------------------------------------------------------------------------------
APACHE_STATE="" CAIRN_PID="" JSTAT_PID="" BENCH_PID=""
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  [ -n "$BENCH_PID" ] && { kill -TERM "$BENCH_PID" 2>/dev/null || true; wait "$BENCH_PID" 2>/dev/null || true; }
  cairn_stop
  [ -n "$JSTAT_PID" ] && { kill "$JSTAT_PID" 2>/dev/null || true; }
  [ -n "$APACHE_STATE" ] && { "$SHARED_BENCH/apache-stop.sh" "$APACHE_STATE" >/dev/null 2>&1 || true; }
  [ "$KEEP" = 1 ] || rm -rf "$RUN_DIR"/*-repos "$RUN_DIR"/client-* "$RUN_DIR/cairn-data"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

port=$(free_port)
APACHE_STATE=$RUN_DIR/apache; mkdir -p "$APACHE_STATE"; chmod 755 "$APACHE_STATE"
CGIT_PID=$("$SHARED_BENCH/apache-git-http-backend.sh" "$port" "$RUN_DIR/cgit-repos" "$APACHE_STATE" \
  2>"$APACHE_STATE/start.err") || die "apache did not start: $(tail -3 "$APACHE_STATE/start.err")"
CGIT_BASE=http://127.0.0.1:$port/git

printf '[cairn]\nrepos_dir = %s\n[git]\ngc_delay_seconds = 5\n%s\n' "$RUN_DIR/cairn-repos" "$CAIRN_INI_EXTRA" \
  > "$RUN_DIR/cairn.ini"
CAIRN_ADMIN_PASSWORD=$PW CAIRN_ADMIN_API_KEY=$KEY cairn_start "$RUN_DIR" "$RUN_DIR/cairn.ini" \
  --data "$RUN_DIR/cairn-data"
cport=$CAIRN_PORT
CAIRN_BASE=http://127.0.0.1:$cport
if command -v jstat >/dev/null; then jstat -gc -t "$CAIRN_PID" 250 > "$RUN_DIR/cairn-jstat.txt" 2>/dev/null & JSTAT_PID=$!; fi
log "C git: Apache $CGIT_PID at $CGIT_BASE; Cairn: pid $CAIRN_PID ($CAIRN_JAVA_OPTS) at $CAIRN_BASE; $OBJECTS"

metric() { curl -sf -u "admin:$PW" "$CAIRN_BASE/_admin/metrics" | awk -v m="$1" '$1 == m { print $2 }'; }
# waits until Cairn has no background repack scheduled or running (after a push, and for its first bitmap)
wait_cairn_gc() {
  local t0=$SECONDS p
  while [ $((SECONDS - t0)) -lt "$GC_TIMEOUT" ]; do
    p=$(metric cairn_git_gc_pending); [ "${p:-1}" = 0 ] && return 0
    sleep 0.5
  done
  log "Cairn's background repack still pending after $GC_TIMEOUT s"
}
for s in cgit cairn; do
  b=$CGIT_BASE; [ $s = cairn ] && b=$CAIRN_BASE
  timeout 60 git ls-remote "$b/$REPO" HEAD >/dev/null || die "$s: anonymous 'git ls-remote $b/$REPO' fails"
done
t0=$SECONDS
sleep 2; wait_cairn_gc   # the first read scheduled Cairn's first repack (a bitmap)
ls "$RUN_DIR/cairn-repos/$REPO/objects/pack/"*.bitmap >/dev/null 2>&1 || die "Cairn made no bitmap"
log "Cairn's first background repack (bitmap) took $((SECONDS - t0)) s: $(metric cairn_git_gc_seconds_total) s"

heap_peak() { # gc_from_line jstat_from_line -> "peak_used_mib max_after_gc_mib"
  local g j
  g=$(awk -v from="$1" 'NR > from' "$RUN_DIR/cairn-gc.log" | awk '
    function mib(x,   u, v) { u = substr(x, length(x)); v = substr(x, 1, length(x) - 1) + 0
      return u == "G" ? v * 1024 : u == "K" ? v / 1024 : u == "B" ? v / 1048576 : v }
    match($0, /[0-9]+[BKMG]->[0-9]+[BKMG]\([0-9]+[BKMG]\)/) {
      s = substr($0, RSTART, RLENGTH); split(s, a, /->|\(|\)/)
      if (mib(a[1]) > u) u = mib(a[1]); if (mib(a[2]) > l) l = mib(a[2]) }
    END { printf "%d %d\n", u, l }')
  j=0
  [ -s "$RUN_DIR/cairn-jstat.txt" ] && j=$(awk -v from="$2" 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
    NR > from && $1 ~ /^[0-9.]+$/ { u = $c["S0U"] + $c["S1U"] + $c["EU"] + $c["OU"]; if (u > m) m = u }
    END { printf "%d\n", m / 1024 }' "$RUN_DIR/cairn-jstat.txt")
  echo "$g $j" | awk '{ printf "%d %d\n", ($1 > $3 ? $1 : $3), $2 }'
}
lines() { if [ -f "$1" ]; then wc -l < "$1"; else echo 0; fi; }

run_one() { # server test run
  local s=$1 t=$2 r=$3 base pid push g0 j0 rc=0 out
  if [ "$s" = cgit ]; then base=$CGIT_BASE pid=$CGIT_PID push=$CGIT_BASE
  else base=$CAIRN_BASE pid=$CAIRN_PID push=http://admin:$KEY@127.0.0.1:$cport; fi
  g0=$(lines "$RUN_DIR/cairn-gc.log"); j0=$(lines "$RUN_DIR/cairn-jstat.txt")
  mkdir -p "$RUN_DIR/client-$s"
  out=$RUN_DIR/.row
  LABEL=$s SERVER_PID=$pid RUNS=1 WARMUP=0 HEADER=0 WORK=$RUN_DIR/client-$s PUSH_URL=$push \
    AFTER_PUSH="$([ "$s" = cairn ] && echo 'sleep 0.5; wait_cairn_gc' || echo true)" \
    timeout -k 10 "$TEST_TIMEOUT" bash -c "$(declare -f metric wait_cairn_gc log); export -f metric wait_cairn_gc log; \
      exec \"\$0\" \"\$@\"" "$HERE/storm-bench.sh" "$base" "$REPO" "$t" > "$out" &
  BENCH_PID=$!
  wait "$BENCH_PID" || rc=$?
  BENCH_PID=""
  [ "$rc" = 0 ] || { log "$s $t run $r: exit $rc"; FAILED="$FAILED $s/$t"; }
  awk -F, -v OFS=, -v r="$r" '{ $4 = r; print }' "$out" >> "$RESULTS"
  if [ "$s" = cairn ]; then
    case $t in push100|fetch10|postpush) sleep 0.5; wait_cairn_gc ;; esac   # its repack must not count elsewhere
    sleep 0.3
    echo "$t $r $(heap_peak "$g0" "$j0")" >> "$HEAP_TSV"
  fi
}

# JVM warm-up, the same requests to both servers, not measured: JIT compilation is a one-time cost of a fresh JVM
# (about 2 s of CPU spread over its first thousands of requests), not a cost per request of a running server.
if [ "$WARM_REQUESTS" -gt 0 ] || [ "$WARM_CLONES" -gt 0 ] || [ "$WARM_PUSHES" -gt 0 ]; then
  t0=$SECONDS
  for s in cgit cairn; do
    b=$CGIT_BASE; [ $s = cairn ] && b=$CAIRN_BASE
    for _ in $(seq "$WARM_REQUESTS"); do git ls-remote "$b/$REPO" >/dev/null || die "$s: ls-remote failed"; done
    for i in $(seq "$WARM_CLONES"); do
      rm -rf "$RUN_DIR/warm.git"
      case $((i % 3)) in 0) a=(--depth 1) ;; 1) a=() ;; 2) a=(--filter=blob:none) ;; esac
      git clone -q --bare "${a[@]}" "$b/$REPO" "$RUN_DIR/warm.git" || die "$s: warm-up clone failed"
    done
    rm -rf "$RUN_DIR/warm.git"
    # pushes too (receive-pack is another code path): WARM_PUSHES pushes of 100 commits to a scratch branch, deleted
    if [ "$WARM_PUSHES" -gt 0 ]; then
      git clone -q --bare "$b/$REPO" "$RUN_DIR/warm.git" || die "$s: warm-up clone failed"
      u=$b; [ $s = cairn ] && u=http://admin:$KEY@127.0.0.1:$cport
      tip=$(git -C "$RUN_DIR/warm.git" rev-parse HEAD)
      for i in $(seq "$WARM_PUSHES"); do
        { for c in $(seq 100); do
            printf 'commit refs/heads/warm\ncommitter Warm <warm@example.com> %d +0000\ndata 8\nwarm%03d\n' \
              $((1700000000 + i * 1000 + c)) "$c"
            [ "$c" = 1 ] && printf 'from %s\n' "$tip"
            printf 'M 100644 inline warm-%d.txt\ndata 9\n%08d\n\n' "$c" $((i * 1000 + c))
          done; } | git -C "$RUN_DIR/warm.git" fast-import --quiet --force
        git -C "$RUN_DIR/warm.git" push -q "$u/$REPO" +refs/heads/warm:refs/heads/warm 2>/dev/null \
          || die "$s: warm-up push failed"
      done
      git -C "$RUN_DIR/warm.git" push -q "$u/$REPO" :refs/heads/warm 2>/dev/null || die "$s: warm-up delete failed"
      rm -rf "$RUN_DIR/warm.git"
    fi
  done
  sleep 0.5; wait_cairn_gc   # the pushes scheduled a repack; it must not run into the first test
  log "warm-up: $WARM_REQUESTS ls-remote, $WARM_CLONES clones, $WARM_PUSHES pushes per server in $((SECONDS - t0)) s"
fi

export CAIRN_BASE PW GC_TIMEOUT
echo "server,repo,test,run,proto,clients,errors,wall_s,client_user_s,client_sys_s,client_max_rss_kb,server_cpu_s,server_peak_rss_kb,server_max_proc_rss_kb,objects,bytes,notes,server_peak_anon_kb" > "$RESULTS"
FAILED="" T0=$SECONDS
for t in $TESTS; do
  n=$RUNS; case $t in conc*|sconc*) n=$CONC_RUNS ;; esac
  for r in $(seq $((1 - WARMUP)) "$n"); do
    if [ $((r % 2)) = 0 ]; then order="cairn cgit"; else order="cgit cairn"; fi
    for s in $order; do log "$t run $r: $s"; run_one "$s" "$t" "$r"; done
  done
done
HWM=$(awk '/^VmHWM:/ { printf "%d", $2 / 1024 }' "/proc/$CAIRN_PID/status")
read -r HEAP LIVE < <(heap_peak 0 0)

"$SHARED_BENCH/summarize.sh" "$RESULTS" > "$RUN_DIR/summary.md"
{
echo "## Cairn vs C git http-backend (storm.sh): $OBJECTS ($REPO_COMMITS commits, $REPO_FILES files)"
echo
echo "$(date -u +%F) on $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo); client"\
  "$(git --version | cut -d' ' -f3); Cairn: java $("$CAIRN_JAVA" -version 2>&1 | awk -F'"' 'NR == 1 { print $2 }') $CAIRN_JAVA_OPTS;"\
  "C git bitmap: $CGIT_BITMAP; runs $RUNS, concurrent $CONC_RUNS (+$WARMUP warm-up), alternating; medians;"\
  "JVM warm-up $WARM_REQUESTS ls-remote + $WARM_CLONES clones + $WARM_PUSHES pushes per server; total $((SECONDS - T0)) s"
echo
cat "$RUN_DIR/summary.md"
echo
echo "### Cairn / C git (server CPU seconds, medians) against the issue's targets"
echo
awk -F' *[|] *' '
  FILENAME == ARGV[1] { split($0, h, " "); if (h[3] + 0 > hp[h[1]] + 0) hp[h[1]] = h[3]; next }
  /^[|] (cgit|cairn) [|]/ { k = $4; if (!(k in seen)) { seen[k] = 1; order[++n] = k }
    wall[$2, k] = $9; cpu[$2, k] = $12; rss[$2, k] = $13; err[$2, k] = $8 }
  function target(t) {
    if (t ~ /^(clone_v2|clone_v0|postpush)$/) return 0.25
    if (t ~ /^s?conc(16|32)$/) return 0.1
    if (t ~ /^(shallow|partial)$/) return 0.5
    if (t ~ /^(fetch10|push100)$/) return 1.0
    return "" }
  END {
    print "| test | wall C git | wall Cairn | wall ratio | CPU C git | CPU Cairn | **CPU ratio** | target | met | Cairn RSS MiB | Cairn heap peak MiB | errors C git / Cairn |"
    print "|---|---|---|---|---|---|---|---|---|---|---|---|"
    for (i = 1; i <= n; i++) { k = order[i]; a = cpu["cgit", k]; b = cpu["cairn", k]
      r = (a + 0 > 0) ? sprintf("%.2f", b / a) : "-"
      wr = (wall["cgit", k] + 0 > 0) ? sprintf("%.2f", wall["cairn", k] / wall["cgit", k]) : "-"
      tg = target(k); met = (tg == "" || r == "-") ? "" : (r + 0 <= tg + 0 ? "yes" : "**no**")
      printf "| %s | %s | %s | %s | %s | %s | **%s** | %s | %s | %s | %s | %s / %s |\n", k, wall["cgit", k],
        wall["cairn", k], wr, a, b, r, (tg == "" ? "-" : "<= " tg), met, rss["cairn", k], hp[k], err["cgit", k], err["cairn", k] } }
' "$HEAP_TSV" "$RUN_DIR/summary.md"
echo
echo "Cairn over the whole run: peak RSS (VmHWM) $HWM MiB, peak heap used $HEAP MiB (largest after a GC $LIVE MiB);"\
  "background repacks $(metric cairn_git_gc_runs_total) ($(metric cairn_git_gc_seconds_total) s, not in the test rows),"\
  "packs shared $(metric cairn_git_packs_shared_total), 503s $(metric 'cairn_git_pack_rejected_total{reason="queue_full"}')/$(metric 'cairn_git_pack_rejected_total{reason="timeout"}')"
errors=$(awk -F, 'NR > 1 && $4 > 0 { e += $7 } END { print e + 0 }' "$RESULTS")
[ "$errors" = 0 ] || echo "WARNING: $errors failed clone(s); see $RESULTS"
[ -z "$FAILED" ] || echo "WARNING: failed runs:$FAILED"
echo "raw rows: $RESULTS; logs: $RUN_DIR"
} | tee "$RUN_DIR/report.md"
