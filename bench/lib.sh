# Set-up shared by Cairn's benchmarks (clone.sh, storm.sh, ui.sh, api.sh), sourced after they set HERE, BENCH_WORK,
# the REPO_* variables and log/die: where the shared harness is, the cached test repository, free ports, Cairn's JVM
# options, and starting and stopping Cairn. Everything listens on 127.0.0.1 only.

# bench_find_shared FILE: sets SHARED_BENCH, unless it is set, to the first of <checkout>/../shared/bench and
# /work/shared/bench that holds FILE (an executable of the harness); dies if none does.
bench_find_shared() {
  local d
  if [ -z "${SHARED_BENCH:-}" ]; then
    for d in "$HERE/../../shared/bench" /work/shared/bench; do
      if [ -x "$d/$1" ]; then SHARED_BENCH=$(cd "$d" && pwd); break; fi
    done
  fi
  [ -n "${SHARED_BENCH:-}" ] && [ -x "$SHARED_BENCH/$1" ] \
    || die "shared harness not found: set SHARED_BENCH to the folder holding $1"
}

# bench_java_opts HEAP [JAVA]: Cairn's JVM options by default. On Java 17-19 the code sweeper flushes compiled code
# and the JIT compiles it again and again (a push cost ~90 ms of CPU with it, ~30 ms without; docs/performance.md,
# "The JVM"): servers set the same flag.
bench_java_opts() {
  "${2:-java}" -version 2>&1 | awk -v heap="$1" -F'"' 'NR == 1 { split($2, v, ".")
    printf "-Xmx%s%s\n", heap, (v[1] + 0 < 20 ? " -XX:-UseCodeCacheFlushing" : "") }'
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# bench_repo BITMAP: sets REPOS_DIR to the folder holding $REPO, made by make-repo.sh from the REPO_* variables once
# and cached under BENCH_WORK (with a reachability bitmap when BITMAP is 1); a half-made repository is never cached.
bench_repo() {
  local bm="" gen t0
  mkdir -p "$BENCH_WORK"
  BENCH_WORK=$(cd "$BENCH_WORK" && pwd)
  chmod 755 "$BENCH_WORK"
  [ "$1" = 1 ] && bm=-bitmap
  REPOS_DIR=$BENCH_WORK/repo-$REPO_COMMITS-$REPO_FILES-$REPO_LARGE-$REPO_LARGE_MIB-$REPO_SEED$bm
  if [ -d "$REPOS_DIR/$REPO" ]; then
    log "reusing $REPOS_DIR/$REPO"
    return 0
  fi
  gen=$BENCH_WORK/.gen-$$
  rm -rf "$gen"; mkdir -p "$gen"
  log "generating: make-repo.sh $REPO_COMMITS $REPO_FILES $REPO_LARGE $REPO_LARGE_MIB $REPO_SEED (BITMAP=$1)"
  t0=$SECONDS
  BITMAP=$1 "$SHARED_BENCH/make-repo.sh" "$gen/$REPO" "$REPO_COMMITS" "$REPO_FILES" "$REPO_LARGE" "$REPO_LARGE_MIB" \
    "$REPO_SEED"
  mv "$gen" "$REPOS_DIR"
  log "generated in $((SECONDS - t0)) s"
}

# cairn_start DIR INI [--data FOLDER]: starts `$CAIRN_JAVA $CAIRN_JAVA_OPTS -jar $CAIRN_WAR` on a free port with the
# ini INI (output in DIR/cairn.out and DIR/cairn.err, GC log in DIR/cairn-gc.log) and waits up to START_TIMEOUT s for
# it; sets CAIRN_PID and CAIRN_PORT. Variables set in front of the call (CAIRN_ADMIN_PASSWORD=...) reach the JVM.
cairn_start() {
  local dir=$1 ini=$2 t0=$SECONDS
  shift 2
  : > "$dir/cairn.out"   # exists before the JVM opens it, for the sed below
  # shellcheck disable=SC2086  # CAIRN_JAVA_OPTS is a list of options
  "${CAIRN_JAVA:-java}" $CAIRN_JAVA_OPTS -Xlog:gc:file="$dir/cairn-gc.log" -jar "$CAIRN_WAR" --port 0 \
    --host 127.0.0.1 --config "$ini" "$@" > "$dir/cairn.out" 2> "$dir/cairn.err" &
  CAIRN_PID=$!
  CAIRN_PORT=""
  while [ $((SECONDS - t0)) -lt "${START_TIMEOUT:-180}" ]; do
    CAIRN_PORT=$(sed -n 's#^Cairn is running at http://127\.0\.0\.1:\([0-9]*\)/.*#\1#p' "$dir/cairn.out")
    [ -n "$CAIRN_PORT" ] && break
    kill -0 "$CAIRN_PID" 2>/dev/null || { tail -20 "$dir/cairn.err" >&2; CAIRN_PID=""; die "Cairn exited during start"; }
    sleep 0.2
  done
  [ -n "$CAIRN_PORT" ] || { tail -20 "$dir/cairn.err" >&2; die "Cairn did not start within ${START_TIMEOUT:-180} s"; }
  log "Cairn (pid $CAIRN_PID, $CAIRN_JAVA_OPTS) started in $((SECONDS - t0)) s on port $CAIRN_PORT"
}

# cairn_stop: stops the Cairn that cairn_start started (TERM, KILL after 20 s), if it runs.
cairn_stop() {
  [ -n "${CAIRN_PID:-}" ] || return 0
  local pid=$CAIRN_PID
  CAIRN_PID=""
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 200); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then log "Cairn $pid still running after 20 s: KILL"; kill -KILL "$pid" 2>/dev/null || true; fi
  wait "$pid" 2>/dev/null || true
}
