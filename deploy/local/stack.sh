#!/usr/bin/env bash
# Local, Docker-free dev/test stack for the market-data platform.
#
#   deploy/local/stack.sh up            start Kafka (KRaft) + Apicurio Registry, check PostgreSQL + Redis
#   deploy/local/stack.sh down [--purge] stop what `up` started (pid files); --purge also drops .stack/data
#   deploy/local/stack.sh status        one line per component; exit 0 if all up, 3 otherwise
#
# Java parts come from Maven Central into a cache outside the repo (${MD_CACHE_DIR}); runtime state
# (rendered configs, KRaft data, pid files, logs) lives in ${MD_STACK_DIR} (default <repo>/.stack).
# PostgreSQL and Redis are system services: `up` starts them if they are not answering, but `down`
# never stops them (they are shared with the rest of the machine).
set -euo pipefail

# ---------------------------------------------------------------------------------------------
# Settings (env overrides)
# ---------------------------------------------------------------------------------------------
SCRIPT_DIR="$(cd "$(dirname "$0")" && pwd)"
REPO_ROOT="$(cd "$(dirname "$0")/../.." && pwd)"

KAFKA_VERSION="${KAFKA_VERSION:-4.1.2}"
APICURIO_VERSION="${APICURIO_VERSION:-3.3.3}"

KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
REGISTRY_PORT="${REGISTRY_PORT:-8081}"
REGISTRY_MGMT_PORT="${REGISTRY_MGMT_PORT:-9001}"   # Quarkus management interface (default 9000)
PG_PORT="${PG_PORT:-5432}"
REDIS_PORT="${REDIS_PORT:-6379}"

KAFKA_READY_TIMEOUT="${KAFKA_READY_TIMEOUT:-90}"
REGISTRY_READY_TIMEOUT="${REGISTRY_READY_TIMEOUT:-120}"
STOP_TIMEOUT="${STOP_TIMEOUT:-30}"

CACHE_DIR="${MD_CACHE_DIR:-$HOME/.cache/md-platform}"
STACK_DIR="${MD_STACK_DIR:-$REPO_ROOT/.stack}"

KAFKA_LIBS="$CACHE_DIR/kafka-$KAFKA_VERSION/libs"
APICURIO_CACHE="$CACHE_DIR/apicurio"
APICURIO_TGZ="$APICURIO_CACHE/apicurio-registry-app-$APICURIO_VERSION-all.tar.gz"
APICURIO_HOME="$APICURIO_CACHE/apicurio-registry-app-$APICURIO_VERSION"

LOG_DIR="$STACK_DIR/logs"
RUN_DIR="$STACK_DIR/run"
DATA_DIR="$STACK_DIR/data"
KAFKA_DATA="$DATA_DIR/kafka"
KAFKA_CONF_DIR="$STACK_DIR/kafka"
KAFKA_PROPS="$KAFKA_CONF_DIR/server.properties"
KAFKA_LOG4J="$KAFKA_CONF_DIR/log4j2.properties"
KAFKA_CLUSTER_ID_FILE="$KAFKA_CONF_DIR/cluster.id"
TOOLS_LOG4J="$SCRIPT_DIR/kafka/tools-log4j2.properties"
REGISTRY_WORK="$STACK_DIR/registry"

KAFKA_PID="$RUN_DIR/kafka.pid"
REGISTRY_PID="$RUN_DIR/registry.pid"

REGISTRY_URL="http://127.0.0.1:$REGISTRY_PORT"

# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------
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

# ---------------------------------------------------------------------------------------------
# Artifacts (Maven Central → cache)
# ---------------------------------------------------------------------------------------------
# mvn output goes to logs/stack.log (shown on failure); -B and style.color keep it plain without a TTY
mvn_quiet() {
  mvn -q -B -Dstyle.color=never -f "$SCRIPT_DIR/pom.xml" "$@" >>"$LOG_DIR/stack.log" 2>&1
}

ensure_kafka_libs() {
  if compgen -G "$KAFKA_LIBS/kafka_2.13-$KAFKA_VERSION.jar" >/dev/null &&
    compgen -G "$KAFKA_LIBS/kafka-tools-$KAFKA_VERSION.jar" >/dev/null &&
    compgen -G "$KAFKA_LIBS/log4j-slf4j-impl-*.jar" >/dev/null; then
    return 0
  fi
  need mvn "install Maven 3.8+ (apt-get install maven)"
  log "kafka: fetching Kafka $KAFKA_VERSION jars from Maven Central into $KAFKA_LIBS…"
  local t0 tmp
  t0="$(now)"
  mkdir -p "$(dirname "$KAFKA_LIBS")"
  tmp="$(mktemp -d "$(dirname "$KAFKA_LIBS")/libs.tmp.XXXXXX")"
  if ! mvn_quiet dependency:copy-dependencies -Dkafka.version="$KAFKA_VERSION" -DoutputDirectory="$tmp"; then
    rm -rf "$tmp"
    fail_with_log kafka "$LOG_DIR/stack.log" "mvn dependency:copy-dependencies failed (network to Maven Central?)"
  fi
  rm -rf "$KAFKA_LIBS"
  mv "$tmp" "$KAFKA_LIBS"
  log "kafka: jars fetched ($(elapsed "$t0") s)"
}

ensure_apicurio() {
  if [[ -f "$APICURIO_HOME/quarkus-run.jar" ]]; then
    return 0
  fi
  if [[ ! -f "$APICURIO_TGZ" ]]; then
    need mvn "install Maven 3.8+ (apt-get install maven)"
    log "registry: fetching Apicurio Registry $APICURIO_VERSION from Maven Central…"
    local t0
    t0="$(now)"
    mkdir -p "$APICURIO_CACHE"
    mvn_quiet dependency:copy -Dartifact="io.apicurio:apicurio-registry-app:$APICURIO_VERSION:tar.gz:all" \
      -DoutputDirectory="$APICURIO_CACHE" ||
      fail_with_log registry "$LOG_DIR/stack.log" "mvn dependency:copy of apicurio-registry-app failed (network to Maven Central?)"
    [[ -f "$APICURIO_TGZ" ]] || die "registry: expected $APICURIO_TGZ after mvn dependency:copy"
    log "registry: fetched ($(elapsed "$t0") s)"
  fi
  log "registry: extracting $(basename "$APICURIO_TGZ")…"
  local tmp
  tmp="$(mktemp -d "$APICURIO_CACHE/extract.tmp.XXXXXX")"
  tar -xzf "$APICURIO_TGZ" -C "$tmp" || {
    rm -rf "$tmp"
    die "registry: could not extract $APICURIO_TGZ (corrupt? delete it and retry)"
  }
  # the tarball has the fast-jar layout at its root; tolerate a single top-level folder too
  local root="$tmp"
  if [[ ! -f "$root/quarkus-run.jar" ]]; then
    root="$(dirname "$(find "$tmp" -maxdepth 2 -name quarkus-run.jar | head -n 1)")"
  fi
  [[ -f "$root/quarkus-run.jar" ]] || {
    rm -rf "$tmp"
    die "registry: no quarkus-run.jar inside $APICURIO_TGZ"
  }
  rm -rf "$APICURIO_HOME"
  mv "$root" "$APICURIO_HOME"
  rm -rf "$tmp"
}

# ---------------------------------------------------------------------------------------------
# Kafka
# ---------------------------------------------------------------------------------------------
kafka_tool() { # class args...
  java -Xmx256m -Dlog4j2.configurationFile="$TOOLS_LOG4J" -cp "$KAFKA_LIBS/*" "$@"
}

render() { # template output
  sed -e "s|@KAFKA_PORT@|$KAFKA_PORT|g" \
    -e "s|@CONTROLLER_PORT@|$KAFKA_CONTROLLER_PORT|g" \
    -e "s|@DATA_DIR@|$KAFKA_DATA|g" \
    "$1" >"$2.tmp"
  mv -f "$2.tmp" "$2"
}

kafka_api_ok() {
  timeout 30 java -Xmx128m -XX:TieredStopAtLevel=1 -Dlog4j2.configurationFile="$TOOLS_LOG4J" \
    -cp "$KAFKA_LIBS/*" org.apache.kafka.tools.BrokerApiVersionsCommand \
    --bootstrap-server "127.0.0.1:$KAFKA_PORT" >/dev/null 2>&1
}

kafka_up() {
  local pid
  if pid="$(our_pid "$KAFKA_PID" kafka.Kafka)"; then
    if port_open "$KAFKA_PORT"; then
      log "kafka: already running (pid $pid, 127.0.0.1:$KAFKA_PORT)"
      return 0
    fi
    log "kafka: pid $pid alive but port $KAFKA_PORT not answering yet; waiting"
    kafka_wait "$pid" "$(now)"
    return 0
  fi
  rm -f "$KAFKA_PID"
  if port_open "$KAFKA_PORT"; then
    log "kafka: port $KAFKA_PORT already answers (not started by this script); using the existing service"
    return 0
  fi
  if port_open "$KAFKA_CONTROLLER_PORT"; then
    die "kafka: controller port $KAFKA_CONTROLLER_PORT is taken by another process; free it or set KAFKA_CONTROLLER_PORT"
  fi

  ensure_kafka_libs
  render "$SCRIPT_DIR/kafka/server.properties" "$KAFKA_PROPS"
  render "$SCRIPT_DIR/kafka/log4j2.properties" "$KAFKA_LOG4J"

  if [[ ! -f "$KAFKA_DATA/meta.properties" ]]; then
    local cid
    if [[ -s "$KAFKA_CLUSTER_ID_FILE" ]]; then
      cid="$(cat "$KAFKA_CLUSTER_ID_FILE")"
    else
      cid="$(kafka_tool kafka.tools.StorageTool random-uuid 2>>"$LOG_DIR/stack.log" | tail -n 1 | tr -d '[:space:]')"
      [[ -n "$cid" ]] || die "kafka: StorageTool random-uuid returned nothing (see $LOG_DIR/stack.log)"
      echo "$cid" >"$KAFKA_CLUSTER_ID_FILE"
    fi
    log "kafka: formatting storage $KAFKA_DATA (cluster id $cid)"
    kafka_tool kafka.tools.StorageTool format -t "$cid" -c "$KAFKA_PROPS" >>"$LOG_DIR/stack.log" 2>&1 ||
      fail_with_log kafka "$LOG_DIR/stack.log" "StorageTool format failed"
  elif [[ ! -s "$KAFKA_CLUSTER_ID_FILE" ]]; then
    sed -n 's/^cluster\.id=//p' "$KAFKA_DATA/meta.properties" >"$KAFKA_CLUSTER_ID_FILE"
  fi

  log "kafka: starting…"
  local t0
  t0="$(now)"
  spawn "$KAFKA_PID" "$LOG_DIR/kafka.log" "$STACK_DIR" \
    java -Xms256m -Xmx1g -XX:+UseG1GC -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$KAFKA_LOG4J" \
    -cp "$KAFKA_LIBS/*" kafka.Kafka "$KAFKA_PROPS"
  kafka_wait "$(cat "$KAFKA_PID")" "$t0"
}

kafka_wait() { # pid t0
  local pid="$1" t0="$2" deadline
  deadline=$((SECONDS + KAFKA_READY_TIMEOUT))
  while ((SECONDS < deadline)); do
    kill -0 "$pid" 2>/dev/null || fail_with_log kafka "$LOG_DIR/kafka.log" "process $pid exited during startup"
    if port_open "$KAFKA_PORT" && kafka_api_ok; then
      if ! grep -q "Kafka Server started" "$LOG_DIR/kafka.log" 2>/dev/null; then
        log "kafka: WARNING broker answers but $LOG_DIR/kafka.log has no 'Kafka Server started' line (logging misconfigured?)"
      fi
      log "kafka: ready ($(elapsed "$t0") s) on 127.0.0.1:$KAFKA_PORT, pid $pid, log $LOG_DIR/kafka.log"
      return 0
    fi
    sleep 0.5
  done
  fail_with_log kafka "$LOG_DIR/kafka.log" "not ready after ${KAFKA_READY_TIMEOUT}s"
}

# ---------------------------------------------------------------------------------------------
# Apicurio Registry
# ---------------------------------------------------------------------------------------------
# Apicurio Registry 3.3.x is compiled for Java 21 (class file 65); the default java here may be 17.
# Pick REGISTRY_JAVA, else the first java >= 21 among $JAVA_HOME, PATH and /usr/lib/jvm/*.
java_major() { # java binary
  "$1" -version 2>&1 | sed -n '1s/.*version "\([0-9][0-9]*\)\(\.[^"]*\)\{0,1\}".*/\1/p'
}

find_registry_java() {
  local c m
  if [[ -n "${REGISTRY_JAVA:-}" ]]; then
    echo "$REGISTRY_JAVA"
    return 0
  fi
  for c in ${JAVA_HOME:+"$JAVA_HOME/bin/java"} "$(command -v java || true)" \
    $(ls -d /usr/lib/jvm/*/bin/java 2>/dev/null | sort -rV); do
    [[ -n "$c" && -x "$c" ]] || continue
    m="$(java_major "$c")"
    if [[ "$m" =~ ^[0-9]+$ ]] && ((m >= 21)); then
      echo "$c"
      return 0
    fi
  done
  return 1
}

registry_ok() { curl -sf -o /dev/null --max-time 5 "$REGISTRY_URL/apis/ccompat/v7/subjects"; }

registry_ensure_backward() {
  # The config property (apicurio.rules.global.compatibility) seeds the default global rule; make it
  # an explicit rule through the v3 admin API as well, so ccompat GET /config answers BACKWARD.
  local body='{"ruleType":"COMPATIBILITY","config":"BACKWARD"}' code
  code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 -X POST \
    -H 'Content-Type: application/json' -d "$body" "$REGISTRY_URL/apis/registry/v3/admin/rules")" || code=000
  case "$code" in
    2??) ;;
    409)
      code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 -X PUT \
        -H 'Content-Type: application/json' -d "$body" "$REGISTRY_URL/apis/registry/v3/admin/rules/COMPATIBILITY")" || code=000
      [[ "$code" == 2?? ]] || die "registry: PUT global COMPATIBILITY rule answered HTTP $code"
      ;;
    *) die "registry: POST global COMPATIBILITY rule answered HTTP $code" ;;
  esac
  local cfg
  cfg="$(curl -sf --max-time 10 "$REGISTRY_URL/apis/ccompat/v7/config" || true)"
  [[ "$cfg" == *BACKWARD* ]] || die "registry: GET /apis/ccompat/v7/config answered '$cfg', expected BACKWARD"
}

registry_up() {
  local pid
  if pid="$(our_pid "$REGISTRY_PID" quarkus-run.jar)"; then
    if registry_ok; then
      log "registry: already running (pid $pid, $REGISTRY_URL)"
      registry_ensure_backward
      return 0
    fi
    log "registry: pid $pid alive but not answering yet; waiting"
    registry_wait "$pid" "$(now)"
    return 0
  fi
  rm -f "$REGISTRY_PID"
  if port_open "$REGISTRY_PORT"; then
    if registry_ok; then
      log "registry: port $REGISTRY_PORT already answers (not started by this script); using the existing service"
      registry_ensure_backward
      return 0
    fi
    die "registry: port $REGISTRY_PORT is taken by something that is not a schema registry; free it or set REGISTRY_PORT"
  fi
  if port_open "$REGISTRY_MGMT_PORT"; then
    die "registry: management port $REGISTRY_MGMT_PORT is taken; free it or set REGISTRY_MGMT_PORT"
  fi

  local rjava
  rjava="$(find_registry_java)" ||
    die "registry: Apicurio Registry $APICURIO_VERSION needs Java 21+, none found (checked JAVA_HOME, PATH, /usr/lib/jvm). Install one or set REGISTRY_JAVA=/path/to/java"
  ensure_apicurio
  log "registry: starting (java $(java_major "$rjava"): $rjava)…"
  local t0
  t0="$(now)"
  spawn "$REGISTRY_PID" "$LOG_DIR/apicurio.log" "$REGISTRY_WORK" \
    "$rjava" -Xmx512m -Djava.awt.headless=true \
    -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port="$REGISTRY_PORT" \
    -Dquarkus.management.host=127.0.0.1 -Dquarkus.management.port="$REGISTRY_MGMT_PORT" \
    -Dquarkus.console.color=false -Dquarkus.banner.enabled=false \
    -Dapicurio.rules.global.compatibility=BACKWARD \
    -jar "$APICURIO_HOME/quarkus-run.jar"
  registry_wait "$(cat "$REGISTRY_PID")" "$t0"
}

registry_wait() { # pid t0
  local pid="$1" t0="$2" deadline
  deadline=$((SECONDS + REGISTRY_READY_TIMEOUT))
  while ((SECONDS < deadline)); do
    kill -0 "$pid" 2>/dev/null || fail_with_log registry "$LOG_DIR/apicurio.log" "process $pid exited during startup"
    if registry_ok; then
      registry_ensure_backward
      log "registry: ready ($(elapsed "$t0") s) on $REGISTRY_URL (compatibility BACKWARD), pid $pid, log $LOG_DIR/apicurio.log"
      return 0
    fi
    sleep 0.5
  done
  fail_with_log registry "$LOG_DIR/apicurio.log" "not ready after ${REGISTRY_READY_TIMEOUT}s"
}

# ---------------------------------------------------------------------------------------------
# PostgreSQL / Redis (system services: started if needed, never stopped by this script)
# ---------------------------------------------------------------------------------------------
pg_ok() { pg_isready -q -h 127.0.0.1 -p "$PG_PORT" >/dev/null 2>&1; }
redis_ok() { [[ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" == PONG ]]; }

wait_for() { # seconds fn
  local deadline=$((SECONDS + $1))
  while ((SECONDS < deadline)); do
    "$2" && return 0
    sleep 0.5
  done
  "$2"
}

postgres_up() {
  need pg_isready "install postgresql-client"
  if pg_ok; then
    log "postgres: up on 127.0.0.1:$PG_PORT"
    return 0
  fi
  log "postgres: not answering on 127.0.0.1:$PG_PORT, starting the system cluster…"
  local ver
  ver="$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1 || true)"
  if [[ -n "$ver" ]] && command -v pg_ctlcluster >/dev/null 2>&1; then
    pg_ctlcluster --skip-systemctl-redirect "$ver" main start >>"$LOG_DIR/stack.log" 2>&1 || true
  fi
  wait_for 15 pg_ok ||
    die "postgres: still not answering on 127.0.0.1:$PG_PORT. Start it yourself, e.g. 'sudo pg_ctlcluster --skip-systemctl-redirect \$(ls /etc/postgresql) main start' (needs trust auth and a database 'test'), then rerun '$0 up'."
  log "postgres: started, up on 127.0.0.1:$PG_PORT"
}

redis_up() {
  need redis-cli "install redis-tools"
  if redis_ok; then
    log "redis: up on 127.0.0.1:$REDIS_PORT"
    return 0
  fi
  log "redis: not answering on 127.0.0.1:$REDIS_PORT, starting redis-server…"
  if command -v redis-server >/dev/null 2>&1; then
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$REDIS_PORT" --save "" --appendonly no \
      --dir /var/lib/redis --logfile /var/log/redis/ci.log >>"$LOG_DIR/stack.log" 2>&1 || true
  fi
  wait_for 10 redis_ok ||
    die "redis: still not answering on 127.0.0.1:$REDIS_PORT. Start it yourself, e.g. 'redis-server --daemonize yes --bind 127.0.0.1 -::1 --port $REDIS_PORT --save \"\" --appendonly no', then rerun '$0 up'."
  log "redis: started, up on 127.0.0.1:$REDIS_PORT"
}

# ---------------------------------------------------------------------------------------------
# Commands
# ---------------------------------------------------------------------------------------------
cmd_up() {
  need java "install a Java 17+ runtime (apt-get install openjdk-17-jre-headless)"
  need curl "install curl"
  take_lock
  init_state_dir
  local t0
  t0="$(now)"
  log "up: state $STACK_DIR, cache $CACHE_DIR"
  postgres_up
  redis_up
  kafka_up
  registry_up
  log "up: all components ready ($(elapsed "$t0") s); logs in $LOG_DIR"
}

cmd_down() {
  local purge=0 arg
  for arg in "$@"; do
    case "$arg" in
      --purge) purge=1 ;;
      *) die "down: unknown option '$arg' (usage: $0 down [--purge])" ;;
    esac
  done
  take_lock
  mkdir -p "$LOG_DIR"
  stop_pid registry "$REGISTRY_PID" quarkus-run.jar
  stop_pid kafka "$KAFKA_PID" kafka.Kafka
  # PostgreSQL and Redis are shared system services: never stopped here.
  if ((purge)); then
    if our_pid "$KAFKA_PID" kafka.Kafka >/dev/null; then
      die "down --purge: kafka still running, not removing $DATA_DIR"
    fi
    rm -rf "$DATA_DIR" "$KAFKA_CLUSTER_ID_FILE"
    log "down: purged $DATA_DIR"
  fi
}

cmd_status() {
  local rc=0 pid line
  # kafka
  if port_open "$KAFKA_PORT"; then
    if pid="$(our_pid "$KAFKA_PID" kafka.Kafka)"; then line="up    127.0.0.1:$KAFKA_PORT (pid $pid)"; else line="up    127.0.0.1:$KAFKA_PORT (external)"; fi
  else
    line="down  127.0.0.1:$KAFKA_PORT"
    rc=3
  fi
  printf '%-9s %s\n' kafka "$line"
  # registry
  if registry_ok; then
    if pid="$(our_pid "$REGISTRY_PID" quarkus-run.jar)"; then line="up    $REGISTRY_URL (pid $pid)"; else line="up    $REGISTRY_URL (external)"; fi
  else
    line="down  $REGISTRY_URL"
    rc=3
  fi
  printf '%-9s %s\n' registry "$line"
  # postgres
  if pg_ok; then line="up    127.0.0.1:$PG_PORT"; else
    line="down  127.0.0.1:$PG_PORT"
    rc=3
  fi
  printf '%-9s %s\n' postgres "$line"
  # redis
  if redis_ok; then line="up    127.0.0.1:$REDIS_PORT"; else
    line="down  127.0.0.1:$REDIS_PORT"
    rc=3
  fi
  printf '%-9s %s\n' redis "$line"
  return "$rc"
}

usage() {
  cat >&2 <<EOF
usage: $0 up | down [--purge] | status
  state dir: $STACK_DIR (MD_STACK_DIR)   cache dir: $CACHE_DIR (MD_CACHE_DIR)
EOF
}

main() {
  local cmd="${1:-}"
  [[ $# -gt 0 ]] && shift
  case "$cmd" in
    up) cmd_up "$@" ;;
    down) cmd_down "$@" ;;
    status) cmd_status "$@" ;;
    -h | --help | help) usage ;;
    *)
      usage
      exit 2
      ;;
  esac
}

main "$@"
