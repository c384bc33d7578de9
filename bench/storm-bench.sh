#!/usr/bin/env bash
# Measure a git smart-HTTP server with C git clients; prints one CSV row per measurement on stdout.
# Cairn's copy of /work/shared/bench/clone-bench.sh (same columns, same tests) with three more tests, used by
# bench/storm.sh:
#   sconcN     N simultaneous `--depth 1` clones (protocol v2), like concN
#   postpush   push 100 commits to a new branch (kept), run $AFTER_PUSH (storm.sh waits there for Cairn's
#              background repack), then a timed full clone v2: "a full clone right after a push"
#   push100 and fetch10 as in clone-bench.sh
#
# Usage: clone-bench.sh BASE_URL REPO [TEST ...]
#   BASE_URL  e.g. http://127.0.0.1:8080/git   (the repository is BASE_URL/REPO)
#   REPO      e.g. linux.git
#   TEST      any of: clone_v2 clone_v0 shallow partial fetch10 push100 conc8 conc16 conc32 concN (N clients)
#             (default: all of clone_v2 clone_v0 shallow partial fetch10 push100 conc8 conc16 conc32)
# Environment:
#   RUNS=3            repetitions of each test (one CSV row each; take the median)
#   LABEL=server      first CSV column, to tell servers/configurations apart
#   SERVER_PID=       PID of the server's top process (Apache parent, JVM...): adds server CPU seconds (the whole
#                     process tree, children that exited included) and peak RSS (sampled) to each row
#   SAMPLE_S=0.25     sampling interval of the server's RSS
#   PUSH_URL=         base URL for pushes, e.g. with user:password@ (default BASE_URL); fetch10 and push100 push
#                     a branch bench/* to the server and delete it again
#   WORK=             scratch folder (default: a new mktemp -d folder, removed at the end)
#   HEADER=1          print the CSV header first (0: don't)
#   WARMUP=0          1: one extra run of each test first, printed with run=0 (warms caches and a JIT; leave it out of medians)
#   TIME_BIN=/usr/bin/time  GNU time (Debian package "time")
# Tests:
#   clone_v2/clone_v0  git clone --bare (full clone, no checkout) with protocol.version 2 / 0
#   shallow            git clone --bare --depth 1 (protocol v2)
#   partial            git clone --bare --filter=blob:none (protocol v2; the server must allow filters,
#                      e.g. uploadpack.allowFilter=true, else it is a full clone: compare the objects column)
#   fetch10            git fetch into an existing full clone after 10 new commits were pushed (protocol v2)
#   push100            git push of 100 new commits (a new branch) from an existing clone
#   concN              N simultaneous full clones (protocol v2): wall from first start to last end, errors
# Columns: client CPU from /usr/bin/time -v (summed over clients for concN); client_max_rss_kb is the largest
# process of the client side; objects/bytes are what the client repository gained (bytes as count-objects
# reports them: packs with their indexes, plus loose objects). Server memory is sampled
# every SAMPLE_S: server_peak_rss_kb sums RSS over the tree (shared pages counted per process),
# server_max_proc_rss_kb is the largest process, server_peak_anon_kb sums private (anonymous) memory.
set -euo pipefail
export LC_ALL=C

if [ $# -lt 2 ]; then
  sed -n '2,33p' "$0" >&2
  exit 2
fi
BASE=${1%/}
REPO=$2
shift 2
TESTS=${*:-clone_v2 clone_v0 shallow partial fetch10 push100 conc8 conc16 conc32}
URL=$BASE/$REPO
RUNS=${RUNS:-3}
LABEL=${LABEL:-server}
SERVER_PID=${SERVER_PID:-}
SAMPLE_S=${SAMPLE_S:-0.25}
PUSH_BASE=${PUSH_URL:-$BASE}
PUSH_BASE=${PUSH_BASE%/}
OWN_WORK=0
if [ -z "${WORK:-}" ]; then WORK=$(mktemp -d -t clone-bench.XXXXXX); OWN_WORK=1; fi
mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)

# the client must not pick up the user's config (credential helpers, url rewrites, pack settings)
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null GIT_TERMINAL_PROMPT=0
export GIT_AUTHOR_NAME="Bench" GIT_AUTHOR_EMAIL="bench@example.invalid"
export GIT_COMMITTER_NAME="Bench" GIT_COMMITTER_EMAIL="bench@example.invalid"

PAGE_KB=$(( $(getconf PAGESIZE) / 1024 ))
HZ=$(getconf CLK_TCK)
TIME=${TIME_BIN:-/usr/bin/time}
[ -x "$TIME" ] || { echo "needs GNU time at $TIME (apt-get install time)" >&2; exit 1; }
if [ -n "$SERVER_PID" ] && ! kill -0 "$SERVER_PID" 2>/dev/null; then echo "no process $SERVER_PID" >&2; exit 1; fi

cleanup() {
  [ -n "${SAMPLER:-}" ] && kill "$SAMPLER" 2>/dev/null || true
  if [ "$OWN_WORK" = 1 ]; then rm -rf "$WORK"; fi
}
trap cleanup EXIT

log() { echo "[clone-bench] $*" >&2; }

# "cpu_ticks rss_kb max_proc_rss_kb anon_kb" of SERVER_PID and all its descendants. cpu counts utime+stime and
# the times of reaped children (cutime+cstime), so CGI processes that already exited are included. rss_kb sums
# RSS, so pages shared by several processes (a pack mmapped by each pack-objects) count once per process;
# anon_kb sums RssAnon, the private memory, which does not double count.
tree_sample() {
  cat /proc/[0-9]*/stat 2>/dev/null | awk -v root="$SERVER_PID" -v pg="$PAGE_KB" '
    { s = $0; pid = $1; sub(/^.*\) /, "", s); split(s, f, " ")
      pp[pid] = f[2]; t[pid] = f[12] + f[13] + f[14] + f[15]; r[pid] = f[22] * pg }
    END {
      intree[root] = 1; changed = 1
      while (changed) { changed = 0; for (p in pp) if (!(p in intree) && (pp[p] in intree)) { intree[p] = 1; changed = 1 } }
      ticks = 0; rss = 0; mx = 0; anon = 0
      for (p in intree) if (p in t) {
        ticks += t[p]; rss += r[p]; if (r[p] > mx) mx = r[p]
        fn = "/proc/" p "/status"
        while ((getline l < fn) > 0) if (l ~ /^RssAnon:/) { split(l, a, " "); anon += a[2] }
        close(fn)
      }
      print ticks, rss, mx, anon
    }'
}

CPU0=0
start_server_probe() {
  [ -n "$SERVER_PID" ] || return 0
  read -r CPU0 _ _ _ < <(tree_sample)
  rm -f "$WORK/.stop" "$WORK/.peak"
  (
    peak=0; mx=0; an=0
    while [ ! -e "$WORK/.stop" ]; do
      read -r _ rss m a < <(tree_sample)
      [ "$rss" -gt "$peak" ] && peak=$rss
      [ "$m" -gt "$mx" ] && mx=$m
      [ "$a" -gt "$an" ] && an=$a
      echo "$peak $mx $an" > "$WORK/.peak.tmp" && mv "$WORK/.peak.tmp" "$WORK/.peak"
      sleep "$SAMPLE_S"
    done
  ) &
  SAMPLER=$!
}

# sets SRV_CPU, SRV_PEAK, SRV_MAXPROC, SRV_ANON ("" without SERVER_PID)
stop_server_probe() {
  SRV_CPU="" SRV_PEAK="" SRV_MAXPROC="" SRV_ANON=""
  [ -n "$SERVER_PID" ] || return 0
  sleep 0.5   # let the server finish and reap its children after the client is done
  touch "$WORK/.stop"
  wait "$SAMPLER" 2>/dev/null || true
  SAMPLER=""
  local cpu1
  read -r cpu1 _ _ _ < <(tree_sample)
  SRV_CPU=$(awk -v a="$CPU0" -v b="$cpu1" -v hz="$HZ" 'BEGIN { printf "%.2f", (b - a) / hz }')
  read -r SRV_PEAK SRV_MAXPROC SRV_ANON < "$WORK/.peak" || true
}

# "wall user sys maxrss_kb" from a /usr/bin/time -v output file
parse_time() {
  awk -F': ' '
    /Elapsed \(wall clock\)/ { n = split($2, a, ":"); w = (n == 3) ? a[1] * 3600 + a[2] * 60 + a[3] : a[1] * 60 + a[2] }
    /User time/ { u = $2 } /System time/ { s = $2 } /Maximum resident set size/ { m = $2 }
    END { printf "%.2f %.2f %.2f %d\n", w, u, s, m }' "$1"
}

# "objects bytes" stored in a repository
repo_size() {
  git -C "$1" count-objects -v | awk '/^count:/ { c += $2 } /^in-pack:/ { c += $2 } /^size:/ { b += $2 } /^size-pack:/ { b += $2 }
    END { printf "%d %d\n", c, b * 1024 }'
}

row() { # test run proto clients errors wall user sys maxrss objects bytes notes
  echo "$LABEL,$REPO,$1,$2,$3,$4,$5,$6,$7,$8,$9,$SRV_CPU,$SRV_PEAK,$SRV_MAXPROC,${10},${11},${12},$SRV_ANON"
}

# one timed git command; sets W U S M RC
timed() {
  local tf=$WORK/.time
  RC=0
  "$TIME" -v -o "$tf" "$@" || RC=$?
  read -r W U S M < <(parse_time "$tf")
}

clone_test() { # name run proto extra-args...
  local name=$1 run=$2 proto=$3; shift 3
  local dest=$WORK/$name-$run.git
  rm -rf "$dest"
  start_server_probe
  timed git -c protocol.version="$proto" clone -q --bare "$@" "$URL" "$dest"
  stop_server_probe
  local obj=0 bytes=0
  [ "$RC" = 0 ] && read -r obj bytes < <(repo_size "$dest")
  row "$name" "$run" "v$proto" 1 "$([ "$RC" = 0 ] && echo 0 || echo 1)" "$W" "$U" "$S" "$M" "$obj" "$bytes" ""
  if [ "$name" = clone_v2 ] && [ "$RC" = 0 ] && [ ! -d "$WORK/base.git" ]; then mv "$dest" "$WORK/base.git"; else rm -rf "$dest"; fi
}

# a full clone to fetch into and push from (untimed), and a pusher sharing its objects
ensure_base() {
  if [ ! -d "$WORK/base.git" ]; then
    log "making a base clone (untimed)"
    git clone -q --bare "$URL" "$WORK/base.git"
  fi
  git -C "$WORK/base.git" config remote.origin.url "$URL"
  git -C "$WORK/base.git" config remote.origin.fetch '+refs/heads/*:refs/remotes/origin/*'
  git -C "$WORK/base.git" fetch -q origin   # fills refs/remotes/origin/*; no objects to transfer
  if [ ! -d "$WORK/pusher.git" ]; then git clone -q --bare --shared "$WORK/base.git" "$WORK/pusher.git"; fi
  HEAD_REF=$(git -C "$WORK/base.git" symbolic-ref HEAD)
  HEAD_ID=$(git -C "$WORK/base.git" rev-parse "$HEAD_REF")
}

# make COUNT commits on top of HEAD_ID as refs/heads/REF in the pusher, each rewriting one small file
make_commits() { # ref count
  local ref=$1 count=$2 i ts
  ts=$(date +%s)
  for i in $(seq 1 "$count"); do
    printf 'commit refs/heads/%s\nmark :%d\n' "$ref" "$i"
    printf 'committer Bench <bench@example.invalid> %d +0000\n' $((ts + i))
    printf 'data <<EOM\nbench commit %d of %s\nEOM\n' "$i" "$ref"
    [ "$i" = 1 ] && printf 'from %s\n' "$HEAD_ID"
    printf 'M 100644 inline bench/file-%d.txt\ndata <<EOM\n%s %d %s\nEOM\n\n' $((i % 10)) "$ref" "$i" "$(date +%N)"
  done | git -C "$WORK/pusher.git" fast-import --quiet
}

fetch_test() { # run
  local run=$1 ref
  ensure_base
  ref=bench/f-$$-$run-$(date +%s)
  make_commits "$ref" 10
  git -C "$WORK/pusher.git" push -q "$PUSH_BASE/$REPO" "refs/heads/$ref:refs/heads/$ref"
  local o0 b0 o1 b1
  read -r o0 b0 < <(repo_size "$WORK/base.git")
  start_server_probe
  timed git -C "$WORK/base.git" -c protocol.version=2 fetch -q origin
  stop_server_probe
  read -r o1 b1 < <(repo_size "$WORK/base.git")
  [ "$(git -C "$WORK/base.git" rev-list --count "$HEAD_ID..refs/remotes/origin/$ref" 2>/dev/null)" = 10 ] || RC=1
  row fetch10 "$run" v2 1 "$([ "$RC" = 0 ] && echo 0 || echo 1)" "$W" "$U" "$S" "$M" $((o1 - o0)) $((b1 - b0)) "10 commits"
  git -C "$WORK/pusher.git" push -q "$PUSH_BASE/$REPO" ":refs/heads/$ref"
  git -C "$WORK/base.git" update-ref -d "refs/remotes/origin/$ref"
}

push_test() { # run
  local run=$1 ref objs
  ensure_base
  ref=bench/p-$$-$run-$(date +%s)
  make_commits "$ref" 100
  objs=$(git -C "$WORK/pusher.git" rev-list --objects "refs/heads/$ref" "^$HEAD_ID" | wc -l)
  start_server_probe
  timed git -C "$WORK/pusher.git" push -q "$PUSH_BASE/$REPO" "refs/heads/$ref:refs/heads/$ref"
  stop_server_probe
  [ "$(git ls-remote "$URL" "refs/heads/$ref" | cut -f1)" = "$(git -C "$WORK/pusher.git" rev-parse "refs/heads/$ref")" ] || RC=1
  row push100 "$run" v0 1 "$([ "$RC" = 0 ] && echo 0 || echo 1)" "$W" "$U" "$S" "$M" "$objs" "" "100 commits"
  git -C "$WORK/pusher.git" push -q "$PUSH_BASE/$REPO" ":refs/heads/$ref"
}

conc_test() { # clients run [name extra-clone-args...]
  local n=$1 run=$2 name=${3:-conc$1} i t0 t1 pids=""
  shift 2; [ $# -gt 0 ] && shift
  rm -rf "$WORK"/conc-*
  start_server_probe
  t0=$(date +%s.%N)
  for i in $(seq 1 "$n"); do
    ( rc=0; "$TIME" -v -o "$WORK/conc-$i.time" git -c protocol.version=2 clone -q --bare "$@" "$URL" "$WORK/conc-$i.git" \
        2>"$WORK/conc-$i.err" || rc=$?; echo "$rc" > "$WORK/conc-$i.rc" ) &
    pids="$pids $!"
  done
  for i in $pids; do wait "$i" || true; done
  t1=$(date +%s.%N)
  stop_server_probe
  local errs=0 u=0 s=0 m=0 walls="" obj bytes
  for i in $(seq 1 "$n"); do
    [ "$(cat "$WORK/conc-$i.rc")" = 0 ] || errs=$((errs + 1))
    read -r W U S M < <(parse_time "$WORK/conc-$i.time")
    u=$(awk -v a="$u" -v b="$U" 'BEGIN { print a + b }'); s=$(awk -v a="$s" -v b="$S" 'BEGIN { print a + b }')
    [ "$M" -gt "$m" ] && m=$M
    walls="$walls $W"
  done
  read -r obj bytes < <(repo_size "$WORK/conc-1.git" 2>/dev/null || echo "0 0")
  local stats
  stats=$(echo "$walls" | tr ' ' '\n' | sed '/^$/d' | sort -g | awk '{ a[NR] = $1 } END { printf "clone wall median %s max %s", a[int((NR + 1) / 2)], a[NR] }')
  row "$name" "$run" v2 "$n" "$errs" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')" \
    "$(printf '%.2f' "$u")" "$(printf '%.2f' "$s")" "$m" "$obj" "$bytes" "$stats"
  if [ "$errs" -gt 0 ]; then log "$name run $run: $errs errors, first: $(cat "$WORK"/conc-*.err | head -3)"; fi
  rm -rf "$WORK"/conc-*
}

postpush_test() { # run
  local run=$1 ref
  ensure_base
  ref=bench/pp-$$-$run-$(date +%s)
  make_commits "$ref" 100
  git -C "$WORK/pusher.git" push -q "$PUSH_BASE/$REPO" "refs/heads/$ref:refs/heads/$ref"
  if [ -n "${AFTER_PUSH:-}" ]; then eval "$AFTER_PUSH"; fi
  clone_test postpush "$run" 2
}

if [ "${HEADER:-1}" = 1 ]; then
  echo "server,repo,test,run,proto,clients,errors,wall_s,client_user_s,client_sys_s,client_max_rss_kb,server_cpu_s,server_peak_rss_kb,server_max_proc_rss_kb,objects,bytes,notes,server_peak_anon_kb"
fi
log "client $(git --version), $URL, runs $RUNS, tests: $TESTS"
for t in $TESTS; do
  for run in $(seq $((1 - ${WARMUP:-0})) "$RUNS"); do
    [ "$run" -lt 0 ] && continue
    log "$t run $run"
    case $t in
      clone_v2) clone_test clone_v2 "$run" 2 ;;
      clone_v0) clone_test clone_v0 "$run" 0 ;;
      shallow)  clone_test shallow "$run" 2 --depth 1 ;;
      partial)  clone_test partial "$run" 2 --filter=blob:none ;;
      fetch10)  fetch_test "$run" ;;
      push100)  push_test "$run" ;;
      conc[0-9]*) conc_test "${t#conc}" "$run" ;;
      sconc[0-9]*) conc_test "${t#sconc}" "$run" "$t" --depth 1 ;;
      postpush) postpush_test "$run" ;;
      *) echo "unknown test $t" >&2; exit 2 ;;
    esac
  done
done
