# Part of deploy/local/stack.sh (sourced, not run): Apicurio Registry (Maven Central fast-jar, Java 21+,
# KafkaSQL storage on the local broker, global BACKWARD rule).
# shellcheck shell=bash

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
      registry_storage_check "$pid"
      registry_ensure_backward
      return 0
    fi
    log "registry: pid $pid alive but not answering yet; waiting"
    registry_wait "$pid" "$(now)"
    return 0
  fi
  rm -f "$REGISTRY_PID" "$REGISTRY_STORAGE_STAMP"
  if port_open "$REGISTRY_PORT"; then
    if registry_ok; then
      log "registry: port $REGISTRY_PORT already answers (not started by this script); using the existing service (its storage is its own: make it durable)"
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
  render_registry_config
  log "registry: starting (java $(java_major "$rjava"): $rjava), schemas in Kafka topic ${REGISTRY_TOPIC_PREFIX}journal…"
  local t0
  t0="$(now)"
  # Settings live in $REGISTRY_WORK/config/application.properties (read from the working directory).
  spawn "$REGISTRY_PID" "$LOG_DIR/apicurio.log" "$REGISTRY_WORK" \
    "$rjava" -Xmx512m -Djava.awt.headless=true -jar "$APICURIO_HOME/quarkus-run.jar"
  echo "kafkasql ${REGISTRY_TOPIC_PREFIX}journal" >"$REGISTRY_STORAGE_STAMP"
  registry_wait "$(cat "$REGISTRY_PID")" "$t0"
}

render_registry_config() {
  mkdir -p "$REGISTRY_WORK/config"
  sed -e "s|@REGISTRY_PORT@|$REGISTRY_PORT|g" \
    -e "s|@REGISTRY_MGMT_PORT@|$REGISTRY_MGMT_PORT|g" \
    -e "s|@KAFKA_BOOTSTRAP@|127.0.0.1:$KAFKA_PORT|g" \
    -e "s|@TOPIC_PREFIX@|$REGISTRY_TOPIC_PREFIX|g" \
    "$SCRIPT_DIR/registry/application.properties" >"$REGISTRY_WORK/config/application.properties.tmp"
  mv -f "$REGISTRY_WORK/config/application.properties.tmp" "$REGISTRY_WORK/config/application.properties"
}

# A registry this script started before storage was durable keeps its schemas in memory only:
# say so (restarting it here would pull it from under running tests and services).
registry_storage_check() { # pid
  local stamp
  stamp="$(cat "$REGISTRY_STORAGE_STAMP" 2>/dev/null || true)"
  if [[ "$stamp" != "kafkasql ${REGISTRY_TOPIC_PREFIX}journal" ]]; then
    log "registry: WARNING pid $1 was not started with its schemas in Kafka topic ${REGISTRY_TOPIC_PREFIX}journal (${stamp:-in memory, by an earlier stack.sh}); they are lost when it stops. Run '$0 down' then '$0 up' when nothing uses it."
  fi
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

