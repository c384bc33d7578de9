#!/usr/bin/env bash
# Web UI benchmark: response times of the developer pages on a large repository, idle and while clones run.
#
# Usage: bench/ui.sh            (after `mvn -B package -DskipTests`; see bench/README.md)
# Environment (defaults in brackets):
#   CAIRN_WAR          the executable WAR [<checkout>/target/cairn.war]
#   SHARED_BENCH       the shared harness (make-repo.sh) [<checkout>/../shared/bench, else /work/shared/bench]
#   BENCH_WORK         work folder: cached repositories (shared with clone.sh), one ui-* folder per run
#                      [/tmp/cairn-bench]
#   REPO_COMMITS REPO_FILES REPO_LARGE REPO_LARGE_MIB REPO_SEED   make-repo.sh arguments, git.git size
#                      [80000 4000 4 8 1]; e.g. REPO_COMMITS=30000 REPO_FILES=3000 REPO_LARGE=2 for a quicker run
#   BITMAP=1           a repository with a reachability bitmap, as Cairn's background repack leaves one [0]
#   CAIRN_INI_EXTRA    more ini lines for Cairn, e.g. $'[git]\nmax_concurrent_packs = 2' []
#   REQUESTS           measured requests per page and phase [200]
#   WARMUP             unmeasured requests per page first (JIT, caches) [50]
#   CLONES             concurrent full clones in the second phase [8]
#   CLONE_MODE         upload: each clone is the upload-pack request of `git clone` (every branch and tag), its
#                      pack read and dropped, so the 2 cores are not also spent on the client's index-pack;
#                      git: real `git clone --bare` (client CPU included) [upload]
#   CAIRN_JAVA_OPTS    JVM options of Cairn [-Xmx1g]
#   START_TIMEOUT      seconds Cairn may take to start [180]
#   PHASE_TIMEOUT      seconds one measured phase may take before the run is stopped [900]
# Pages: summary, changelog (page 1, graph), files (root folder with the last commit per entry), file view (a text
# file in a sub-folder), changeset (HEAD, unified diff). Prints p50/p95/max in ms per page and phase and whether
# the issue's bar holds (p95 < 100 ms idle; during clones within 2x of that, i.e. < 200 ms), and issue 6's
# (during clones, p50 and p95 within 2x of the same page's idle p50 and p95: columns "p50 x", "p95 x", "2x bar").
# Everything listens on 127.0.0.1 only, on free ports; everything started is stopped on exit.
set -euo pipefail
export LC_ALL=C
umask 022

HERE=$(cd "$(dirname "$0")" && pwd)
CHECKOUT=$(cd "$HERE/.." && pwd)
CAIRN_WAR=${CAIRN_WAR:-$CHECKOUT/target/cairn.war}
BENCH_WORK=${BENCH_WORK:-/tmp/cairn-bench}
REPO_COMMITS=${REPO_COMMITS:-80000}
REPO_FILES=${REPO_FILES:-4000}
REPO_LARGE=${REPO_LARGE:-4}
REPO_LARGE_MIB=${REPO_LARGE_MIB:-8}
REPO_SEED=${REPO_SEED:-1}
BITMAP=${BITMAP:-0}
CAIRN_INI_EXTRA=${CAIRN_INI_EXTRA:-}
# NICE=1 runs the cloning clients at the lowest CPU priority, as if they were on other machines: on a small box the
# clients' own reading and index-pack otherwise take the cores the server's pages need, which says nothing of Cairn
NICE=${NICE:-0}
CLIENT_NICE=""; [ "$NICE" = 1 ] && CLIENT_NICE="nice -n 19"
REQUESTS=${REQUESTS:-200}
WARMUP=${WARMUP:-50}
CLONES=${CLONES:-8}
CLONE_MODE=${CLONE_MODE:-upload}
START_TIMEOUT=${START_TIMEOUT:-180}
PHASE_TIMEOUT=${PHASE_TIMEOUT:-900}
REPO=bench.git
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null GIT_TERMINAL_PROMPT=0

log() { echo "[ui.sh] $*" >&2; }
die() { log "error: $*"; exit 1; }
# shellcheck source=bench/lib.sh
. "$HERE/lib.sh"
CAIRN_JAVA_OPTS=${CAIRN_JAVA_OPTS:-$(bench_java_opts 1g)}

bench_find_shared make-repo.sh
[ -f "$CAIRN_WAR" ] || die "$CAIRN_WAR not found: run 'mvn -B package -DskipTests' first, or set CAIRN_WAR"
for c in java git awk curl openssl; do command -v "$c" >/dev/null || die "$c not found"; done
case $CLONE_MODE in upload|git) ;; *) die "CLONE_MODE must be upload or git" ;; esac

# ---- the repository (cached, the same folder layout as clone.sh) ---------------------------------------------------
bench_repo "$BITMAP"
GIT_DIR=$REPOS_DIR/$REPO
OBJECTS=$(git --git-dir="$GIT_DIR" count-objects -v | awk '/^(count|in-pack):/ { n += $2 } END { print n }')
HEAD_ID=$(git --git-dir="$GIT_DIR" rev-parse HEAD)
# a text file in a sub-folder, of typical size (the middle of the sorted sizes)
FILE=$(git --git-dir="$GIT_DIR" ls-tree -r -l HEAD | awk '$4 ~ /^[0-9]+$/ && $4 < 65536 && $5 ~ /\// { print $4, $5 }' \
  | sort -n | awk '{ a[NR] = $2 } END { print a[int((NR + 1) / 2)] }')
[ -n "$FILE" ] || die "no text file found in $GIT_DIR"

RUN_DIR=$BENCH_WORK/ui-$(date +%Y%m%d-%H%M%S)-$$
mkdir -p "$RUN_DIR"
CAIRN_PID="" WORKERS=""
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  : > "$RUN_DIR/stop" 2>/dev/null || true
  for w in $WORKERS; do kill -TERM "$w" 2>/dev/null || true; done
  for w in $WORKERS; do wait "$w" 2>/dev/null || true; done
  cairn_stop
  rm -rf "$RUN_DIR/cairn-data" "$RUN_DIR"/clone-*
  rm -rf "$BENCH_WORK/.gen-$$"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---- Cairn ---------------------------------------------------------------------------------------------------------
# gc_threads = 0: Cairn never repacks the shared, cached repository
printf '[cairn]\nrepos_dir = %s\n[git]\ngc_threads = 0\n%s\n' "$REPOS_DIR" "$CAIRN_INI_EXTRA" > "$RUN_DIR/cairn.ini"
CAIRN_ADMIN_PASSWORD=bench-$$ cairn_start "$RUN_DIR" "$RUN_DIR/cairn.ini" --data "$RUN_DIR/cairn-data"
BASE=http://127.0.0.1:$CAIRN_PORT
[ "$(awk '{ print int($1) }' /proc/loadavg)" -le 2 ] || log "warning: the machine is busy (load $(cut -d' ' -f1-3 /proc/loadavg)): figures will be noisy"
log "Cairn (pid $CAIRN_PID, $CAIRN_JAVA_OPTS) on $BASE; $REPO: $OBJECTS objects, HEAD $HEAD_ID"

NAMES="summary changelog files file changeset"
url_of() {
  case $1 in
    summary) echo "$BASE/bench" ;;
    changelog) echo "$BASE/bench/changelog" ;;
    files) echo "$BASE/bench/files/tip/" ;;
    file) echo "$BASE/bench/files/tip/$FILE" ;;
    changeset) echo "$BASE/bench/changeset/$HEAD_ID" ;;
  esac
}

# N requests to one URL over one kept-alive connection; one "code seconds" line each
fetch() { # url n out
  local args=() i
  for ((i = 0; i < $2; i++)); do args+=(-o /dev/null "$1"); done
  timeout "$PHASE_TIMEOUT" curl -s -w '%{http_code} %{time_total}\n' "${args[@]}" > "$3"
  awk '$1 != 200 { bad++ } END { exit bad > 0 }' "$3" || die "$1 answered $(awk '$1 != 200' "$3" | head -1)"
}

# "p50 p95 max" in ms of the times in a fetch() output
stats() {
  awk '{ print $2 * 1000 }' "$1" | sort -n | awk '{ a[NR] = $1 }
    END { i50 = int(NR * 0.50 + 0.5); i95 = int(NR * 0.95 + 0.5); if (i50 < 1) i50 = 1; if (i95 < 1) i95 = 1
          printf "%.1f %.1f %.1f\n", a[i50], a[i95], a[NR] }'
}

# REQUESTS rounds of one request per page (pages interleaved, so each sees the same load), one curl per round
measure() { # phase
  local n r args=(-o /dev/null "$BASE/static/cairn.css") t0=$SECONDS
  # the first request of a round (a static file, not measured) opens the connection the pages then reuse
  for n in $NAMES; do args+=(-o /dev/null "$(url_of "$n")"); : > "$RUN_DIR/$1-$n.txt"; done
  for ((r = 0; r < REQUESTS; r++)); do
    [ $((SECONDS - t0)) -lt "$PHASE_TIMEOUT" ] || die "phase $1 took longer than $PHASE_TIMEOUT s"
    curl -s -w '%{http_code} %{time_total}\n' "${args[@]}" > "$RUN_DIR/round.txt"
    awk '$1 != 200 { bad++ } END { exit bad > 0 }' "$RUN_DIR/round.txt" || die "a page failed: $(cat "$RUN_DIR/round.txt")"
    awk -v dir="$RUN_DIR" -v phase="$1" -v names="$NAMES" 'BEGIN { split(names, p, " ") }
      NR > 1 { print >> (dir "/" phase "-" p[NR - 1] ".txt") }' "$RUN_DIR/round.txt"
  done
  for n in $NAMES; do echo "$n $(stats "$RUN_DIR/$1-$n.txt")" >> "$RUN_DIR/$1.tsv"; done
  echo "$1: ${REQUESTS} rounds in $((SECONDS - t0)) s, load average before/after: $2 / $(cut -d' ' -f1 /proc/loadavg)" \
    >> "$RUN_DIR/phases.txt"
}

log "first requests (cold: caches empty, JIT cold)"
for n in $NAMES; do
  fetch "$(url_of "$n")" 1 "$RUN_DIR/cold-$n.txt"
  echo "$n $(stats "$RUN_DIR/cold-$n.txt")" >> "$RUN_DIR/cold.tsv"
done
log "warming up: $WARMUP requests per page"
for n in $NAMES; do fetch "$(url_of "$n")" "$WARMUP" "$RUN_DIR/warm-$n.txt"; done

log "idle: $REQUESTS requests per page"
measure idle "$(cut -d' ' -f1 /proc/loadavg)"

# ---- clones --------------------------------------------------------------------------------------------------------
# the upload-pack request `git clone` sends (protocol v0): every branch and tag, no haves
WANTS=$(git --git-dir="$GIT_DIR" for-each-ref --format='%(objectname)' refs/heads refs/tags | sort -u)
{
  first=1
  for w in $WANTS; do
    if [ $first = 1 ]; then
      line="want $w multi_ack_detailed side-band-64k thin-pack ofs-delta no-progress agent=cairn-ui-bench"$'\n'
      first=0
    else
      line="want $w"$'\n'
    fi
    printf '%04x%s' $((${#line} + 4)) "$line"
  done
  printf '0000'
  printf '0009done\n'
} > "$RUN_DIR/upload-request"
rm -f "$RUN_DIR/stop"
: > "$RUN_DIR/clones.log"
clone_worker() { # index
  local i=0 t
  while [ ! -e "$RUN_DIR/stop" ] && [ "$i" -lt 1000 ]; do
    t=$(date +%s.%N)
    if [ "$CLONE_MODE" = git ]; then
      rm -rf "$RUN_DIR/clone-$1"
      $CLIENT_NICE timeout "$PHASE_TIMEOUT" git clone -q --bare "$BASE/$REPO" "$RUN_DIR/clone-$1" || break
    else
      $CLIENT_NICE timeout "$PHASE_TIMEOUT" curl -sf -o /dev/null -H 'Content-Type: application/x-git-upload-pack-request' \
        -H 'Accept: application/x-git-upload-pack-result' --data-binary "@$RUN_DIR/upload-request" \
        "$BASE/$REPO/git-upload-pack" || break
    fi
    echo "$1 $(awk -v a="$t" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')" >> "$RUN_DIR/clones.log"
    i=$((i + 1))
  done
}
log "starting $CLONES concurrent clones ($CLONE_MODE)"
for k in $(seq 1 "$CLONES"); do clone_worker "$k" & WORKERS="$WORKERS $!"; done
# measure once every clone is under way: the server has started $CLONES pack generations or queued them
for _ in $(seq 1 100); do
  busy=$(ss -tn state established "( sport = :$CAIRN_PORT )" 2>/dev/null | tail -n +2 | wc -l)
  [ "$busy" -ge "$CLONES" ] && break
  sleep 0.1
done
log "under load: $REQUESTS requests per page"
measure loaded "$(cut -d' ' -f1 /proc/loadavg)"
: > "$RUN_DIR/stop"
for w in $WORKERS; do kill -TERM "$w" 2>/dev/null || true; done
for w in $WORKERS; do wait "$w" 2>/dev/null || true; done
WORKERS=""
DONE=$(wc -l < "$RUN_DIR/clones.log")

# ---- report --------------------------------------------------------------------------------------------------------
{
  echo "Cairn web UI, $REPO ($OBJECTS objects, $REPO_COMMITS commits, $REPO_FILES files); $REQUESTS requests per"
  echo "page and phase (pages interleaved) after $WARMUP warm-up requests; times in ms (curl time_total, loopback);"
  echo "bitmap: $BITMAP; GC pauses during the run: $(grep -c 'Pause' "$RUN_DIR/cairn-gc.log" 2>/dev/null || echo 0)"
  cat "$RUN_DIR/phases.txt"
  echo "(the load average counts every process of the machine: other work running meanwhile shows there)"
  echo "loaded = while $CLONES clones ($CLONE_MODE) run; $DONE clones completed meanwhile. File: $FILE"
  echo
  printf '| %-9s | %6s | %9s | %9s | %8s | %11s | %11s | %10s | %-4s | %7s | %7s | %-6s |\n' page "cold" "idle p50" \
    "idle p95" "idle max" "loaded p50" "loaded p95" "loaded max" bar "p50 x" "p95 x" "2x bar"
  printf '|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|\n' ----------- -------- ----------- ----------- ---------- \
    ------------- ------------- ------------ ------ --------- --------- --------
  for n in $NAMES; do
    read -r _ c _ _ < <(grep "^$n " "$RUN_DIR/cold.tsv")
    read -r _ i50 i95 imax < <(grep "^$n " "$RUN_DIR/idle.tsv")
    read -r _ l50 l95 lmax < <(grep "^$n " "$RUN_DIR/loaded.tsv")
    ok=$(awk -v a="$i95" -v b="$l95" 'BEGIN { print (a < 100 && b < 200) ? "ok" : "MISS" }')
    # issue 6's bar: during the storm, within 2x of the page's own idle latency (p50 and p95)
    read -r x50 x95 ok2 < <(awk -v a="$i50" -v b="$l50" -v c="$i95" -v d="$l95" 'BEGIN {
      r = b / (a > 0 ? a : 1); q = d / (c > 0 ? c : 1); printf "%.1f %.1f %s\n", r, q, (r <= 2 && q <= 2) ? "ok" : "MISS" }')
    printf '| %-9s | %6s | %9s | %9s | %8s | %11s | %11s | %10s | %-4s | %7s | %7s | %-6s |\n' "$n" "$c" "$i50" \
      "$i95" "$imax" "$l50" "$l95" "$lmax" "$ok" "$x50" "$x95" "$ok2"
  done
} | tee "$RUN_DIR/summary.md"
log "kept in $RUN_DIR (summary.md, raw times, cairn.err)"
