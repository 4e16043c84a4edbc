# Part of deploy/local/stack.sh (sourced, not run): logging, process control and locking helpers.
# shellcheck shell=bash

log() {
  echo "[stack] $*" >&2
  if [[ -d "$LOG_DIR" ]]; then
    printf '%s %s\n' "$(date '+%Y-%m-%dT%H:%M:%S%z')" "$*" >>"$LOG_DIR/stack.log" 2>/dev/null || true
  fi
}

die() {
  log "ERROR: $*"
  exit 1
}

now() { echo "${EPOCHREALTIME:-$(date +%s.%N)}"; }
elapsed() { awk -v s="$1" -v e="$(now)" 'BEGIN { printf "%.1f", e - s }'; }

port_open() { # port
  timeout 1 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null
}

# pid from file if alive and its command line contains the marker (guards against pid reuse)
our_pid() { # pidfile marker
  local pidfile="$1" marker="$2" pid
  [[ -f "$pidfile" ]] || return 1
  pid="$(cat "$pidfile" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$marker" || return 1
  echo "$pid"
}

fail_with_log() { # component logfile message
  local logfile="$2"
  echo "[stack] $1: $3" >&2
  if [[ -f "$logfile" ]]; then
    echo "[stack] ---- last 30 lines of $logfile ----" >&2
    tail -n 30 "$logfile" >&2 || true
    echo "[stack] ---- end of $logfile ----" >&2
  fi
  log "$1: FAILED ($3); full log: $logfile"
  exit 1
}

# Start a command fully detached (own session, no stdin, output to logfile); the pid file holds the
# pid of the java process itself (the wrapper shell execs into it).
spawn() { # pidfile logfile workdir cmd...
  local pidfile="$1" logfile="$2" workdir="$3"
  shift 3
  [[ -f "$logfile" ]] && mv -f "$logfile" "$logfile.1"
  rm -f "$pidfile"
  (
    cd "$workdir"
    # 9>&- : do not leak the flock fd into the long-running daemon
    setsid bash -c 'echo $$ >"$0"; exec nohup "$@"' "$pidfile" "$@" </dev/null >>"$logfile" 2>&1 9>&- &
  )
  local i
  for i in $(seq 1 50); do
    [[ -s "$pidfile" ]] && return 0
    sleep 0.1
  done
  die "could not start $* (no pid file $pidfile)"
}

stop_pid() { # name pidfile marker
  local name="$1" pidfile="$2" marker="$3" pid i
  if ! pid="$(our_pid "$pidfile" "$marker")"; then
    if [[ -f "$pidfile" ]]; then
      log "$name: stale pid file removed"
      rm -f "$pidfile"
    else
      log "$name: not started by this script, nothing to stop"
    fi
    return 0
  fi
  log "$name: stopping (pid $pid)…"
  local t0
  t0="$(now)"
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < STOP_TIMEOUT * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "$name: still running after ${STOP_TIMEOUT}s, sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
  fi
  rm -f "$pidfile"
  log "$name: stopped ($(elapsed "$t0") s)"
}

need() { command -v "$1" >/dev/null 2>&1 || die "'$1' not found on PATH; $2"; }

# Serialise up/down across concurrent callers (e.g. `npm test` and `npm start` at once).
take_lock() {
  mkdir -p "$STACK_DIR"
  exec 9>"$STACK_DIR/.lock"
  if ! flock -w 300 9; then
    die "another stack.sh is holding $STACK_DIR/.lock for more than 300 s"
  fi
}

init_state_dir() {
  mkdir -p "$LOG_DIR" "$RUN_DIR" "$KAFKA_DATA" "$KAFKA_CONF_DIR" "$REGISTRY_WORK"
  # keep the state dir out of git even if the root .gitignore ever loses its entry
  [[ -f "$STACK_DIR/.gitignore" ]] || echo '*' >"$STACK_DIR/.gitignore"
}


# mvn output goes to logs/stack.log (shown on failure); -B and style.color keep it plain without a TTY
mvn_quiet() {
  mvn -q -B -Dstyle.color=never -f "$SCRIPT_DIR/pom.xml" "$@" >>"$LOG_DIR/stack.log" 2>&1
}

wait_for() { # seconds fn
  local deadline=$((SECONDS + $1))
  while ((SECONDS < deadline)); do
    "$2" && return 0
    sleep 0.5
  done
  "$2"
}
