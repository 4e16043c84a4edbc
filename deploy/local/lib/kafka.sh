# Part of deploy/local/stack.sh (sourced, not run): the Kafka broker (jars from Maven Central, KRaft storage, start and readiness).
# shellcheck shell=bash

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

