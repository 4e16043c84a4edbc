# Part of deploy/local/stack.sh (sourced, not run): the Kafka nodes (jars from Maven Central, KRaft
# storage, start and readiness). KAFKA_NODES nodes (1, or 3 with `up --brokers 3`); node i listens on
# KAFKA_PORT+2(i-1) for clients and KAFKA_CONTROLLER_PORT+2(i-1) for the quorum. Node 1 keeps the
# single-broker file names (kafka.pid, data/kafka, logs/kafka.log); node i>1 adds "-i".
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

# Sets the N_* variables of node $1.
node_vars() { # node id
  N_ID="$1"
  N_SFX=""
  ((N_ID > 1)) && N_SFX="-$N_ID"
  N_PORT=$((KAFKA_PORT + 2 * (N_ID - 1)))
  N_CTRL=$((KAFKA_CONTROLLER_PORT + 2 * (N_ID - 1)))
  N_NAME="kafka$N_SFX"
  N_PID="$RUN_DIR/kafka$N_SFX.pid"
  N_DATA="$DATA_DIR/kafka$N_SFX"
  N_PROPS="$KAFKA_CONF_DIR/server$N_SFX.properties"
  N_LOG="$LOG_DIR/kafka$N_SFX.log"
}

kafka_bootstrap() {
  local i list=""
  for ((i = 1; i <= KAFKA_NODES; i++)); do list+="${list:+,}127.0.0.1:$((KAFKA_PORT + 2 * (i - 1)))"; done
  echo "$list"
}

# Client and controller ports of all nodes must differ (KAFKA_PORT=9092 KAFKA_CONTROLLER_PORT=9094
# would give node 2 the controller port of node 1).
check_kafka_ports() {
  local i seen=" " p
  for ((i = 1; i <= KAFKA_NODES; i++)); do
    node_vars "$i"
    for p in "$N_PORT" "$N_CTRL"; do
      [[ "$seen" != *" $p "* ]] || die "kafka: port $p would serve two listeners with $KAFKA_NODES nodes; choose KAFKA_PORT and KAFKA_CONTROLLER_PORT apart (e.g. 9092 and 9093)"
      seen+="$p "
    done
  done
}

# KAFKA_SCRAM_USERS="name:password,name2:password2"; the first user is also the brokers' own.
scram_users() {
  local entry
  [[ -n "${KAFKA_SCRAM_USERS:-}" ]] || die "kafka: KAFKA_SECURITY=sasl_ssl needs KAFKA_SCRAM_USERS=name:password[,name:password…]"
  IFS=',' read -r -a SCRAM_USERS <<<"$KAFKA_SCRAM_USERS"
  for entry in "${SCRAM_USERS[@]}"; do
    # the values go into a JAAS line and a StorageTool argument unquoted: keep them to safe characters
    [[ "$entry" =~ ^[A-Za-z0-9._-]+:[A-Za-z0-9._-]+$ ]] || die "kafka: KAFKA_SCRAM_USERS entries must be name:password of [A-Za-z0-9._-] (one entry is not)"
  done
}

check_security() {
  case "$KAFKA_SECURITY" in
    plaintext) ;;
    sasl_ssl)
      [[ -n "${KAFKA_TLS_DIR:-}" ]] || die "kafka: KAFKA_SECURITY=sasl_ssl needs KAFKA_TLS_DIR (with ca.pem and server.key-and-cert.pem, as makeTestCerts writes them)"
      [[ -f "$KAFKA_TLS_DIR/ca.pem" && -f "$KAFKA_TLS_DIR/server.key-and-cert.pem" ]] || die "kafka: $KAFKA_TLS_DIR lacks ca.pem or server.key-and-cert.pem"
      scram_users
      ;;
    *) die "kafka: KAFKA_SECURITY must be plaintext or sasl_ssl (not '$KAFKA_SECURITY')" ;;
  esac
}

render_node() { # node id (node_vars already set)
  local voters="" i listener=PLAINTEXT replication=1 min_isr=1
  for ((i = 1; i <= KAFKA_NODES; i++)); do voters+="${voters:+,}$i@127.0.0.1:$((KAFKA_CONTROLLER_PORT + 2 * (i - 1)))"; done
  [[ "$KAFKA_SECURITY" == sasl_ssl ]] && listener=SASL_SSL
  if ((KAFKA_NODES >= 3)); then
    replication=3
    min_isr=2
  fi
  sed -e "s|@KAFKA_PORT@|$N_PORT|g" \
    -e "s|@CONTROLLER_PORT@|$N_CTRL|g" \
    -e "s|@NODE_ID@|$N_ID|g" \
    -e "s|@VOTERS@|$voters|g" \
    -e "s|@CLIENT_LISTENER@|$listener|g" \
    -e "s|@REPLICATION@|$replication|g" \
    -e "s|@MIN_ISR@|$min_isr|g" \
    -e "s|@DATA_DIR@|$N_DATA|g" \
    "$SCRIPT_DIR/kafka/server.properties" >"$N_PROPS.tmp"
  chmod 600 "$N_PROPS.tmp" # before any password is appended
  if [[ "$KAFKA_SECURITY" == sasl_ssl ]]; then
    local jaas entry
    jaas="username=\"${SCRAM_USERS[0]%%:*}\" password=\"${SCRAM_USERS[0]#*:}\""
    for entry in "${SCRAM_USERS[@]}"; do jaas+=" user_${entry%%:*}=\"${entry#*:}\""; done
    sed -e "s|@TLS_DIR@|$KAFKA_TLS_DIR|g" -e "s|@PLAIN_JAAS@|$jaas|g" "$SCRIPT_DIR/kafka/sasl-ssl.properties" >>"$N_PROPS.tmp"
  fi
  mv -f "$N_PROPS.tmp" "$N_PROPS"
}

# Client settings for the readiness probe (BrokerApiVersionsCommand) on a SASL_SSL listener.
render_probe_config() {
  local f="$KAFKA_CONF_DIR/probe.properties"
  : >"$f"
  chmod 600 "$f"
  if [[ "$KAFKA_SECURITY" == sasl_ssl ]]; then
    cat >>"$f" <<PROPS
security.protocol=SASL_SSL
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="${SCRAM_USERS[0]%%:*}" password="${SCRAM_USERS[0]#*:}";
ssl.truststore.type=PEM
ssl.truststore.location=$KAFKA_TLS_DIR/ca.pem
PROPS
  fi
}

kafka_api_ok() { # port
  timeout 30 java -Xmx128m -XX:TieredStopAtLevel=1 -Dlog4j2.configurationFile="$TOOLS_LOG4J" \
    -cp "$KAFKA_LIBS/*" org.apache.kafka.tools.BrokerApiVersionsCommand \
    --command-config "$KAFKA_CONF_DIR/probe.properties" \
    --bootstrap-server "127.0.0.1:$1" >/dev/null 2>&1
}

# The shape of a formatted cluster (node count, security) cannot change under its data.
check_shape() {
  local shape="nodes=$KAFKA_NODES security=$KAFKA_SECURITY" was
  if [[ -f "$KAFKA_SHAPE_FILE" ]]; then
    was="$(cat "$KAFKA_SHAPE_FILE")"
    [[ "$was" == "$shape" ]] || die "kafka: $DATA_DIR holds a cluster of '$was', not '$shape'; run '$0 down --purge' first"
  elif [[ -f "$KAFKA_DATA/meta.properties" && "$shape" != "nodes=1 security=plaintext" ]]; then
    die "kafka: $DATA_DIR holds a single plaintext broker; run '$0 down --purge' before '$shape'"
  fi
  echo "$shape" >"$KAFKA_SHAPE_FILE"
}

cluster_id() {
  local cid
  if [[ -s "$KAFKA_CLUSTER_ID_FILE" ]]; then
    cat "$KAFKA_CLUSTER_ID_FILE"
    return 0
  fi
  if [[ -f "$KAFKA_DATA/meta.properties" ]]; then
    sed -n 's/^cluster\.id=//p' "$KAFKA_DATA/meta.properties" | tee "$KAFKA_CLUSTER_ID_FILE"
    return 0
  fi
  cid="$(kafka_tool kafka.tools.StorageTool random-uuid 2>>"$LOG_DIR/stack.log" | tail -n 1 | tr -d '[:space:]')"
  [[ -n "$cid" ]] || die "kafka: StorageTool random-uuid returned nothing (see $LOG_DIR/stack.log)"
  echo "$cid" | tee "$KAFKA_CLUSTER_ID_FILE"
}

format_node() { # cluster id (node_vars set)
  [[ -f "$N_DATA/meta.properties" ]] && return 0
  local entry mech
  local -a scram=()
  if [[ "$KAFKA_SECURITY" == sasl_ssl ]]; then
    for entry in "${SCRAM_USERS[@]}"; do
      for mech in SCRAM-SHA-256 SCRAM-SHA-512; do scram+=(--add-scram "$mech=[name=${entry%%:*},password=${entry#*:}]"); done
    done
  fi
  log "$N_NAME: formatting storage $N_DATA (cluster id $1)"
  mkdir -p "$N_DATA"
  kafka_tool kafka.tools.StorageTool format -t "$1" -c "$N_PROPS" "${scram[@]}" >>"$LOG_DIR/stack.log" 2>&1 ||
    fail_with_log "$N_NAME" "$LOG_DIR/stack.log" "StorageTool format failed"
}

# Adds node $1 to TO_START unless it runs (to WAIT_FOR if it runs but does not answer yet).
kafka_node_check() { # node id
  node_vars "$1"
  local pid
  if pid="$(our_pid "$N_PID" kafka.Kafka)"; then
    log "$N_NAME: already running (pid $pid, 127.0.0.1:$N_PORT)"
    port_open "$N_PORT" || WAIT_FOR+=("$N_ID")
    return 0
  fi
  rm -f "$N_PID"
  if port_open "$N_PORT"; then
    if ((KAFKA_NODES == 1)); then
      log "kafka: port $N_PORT already answers (not started by this script); using the existing service"
      return 0
    fi
    die "$N_NAME: port $N_PORT is taken by another process; set KAFKA_PORT"
  fi
  port_open "$N_CTRL" && die "$N_NAME: controller port $N_CTRL is taken by another process; free it or set KAFKA_CONTROLLER_PORT"
  TO_START+=("$N_ID")
}

kafka_node_spawn() { # node id
  node_vars "$1"
  log "$N_NAME: starting…"
  # KAFKA_HEAP_OPTS as in Kafka's own scripts: extra test brokers on a small machine take less.
  # shellcheck disable=SC2086
  spawn "$N_PID" "$N_LOG" "$STACK_DIR" \
    java ${KAFKA_HEAP_OPTS:--Xms256m -Xmx1g} -XX:+UseG1GC -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$KAFKA_LOG4J" \
    -cp "$KAFKA_LIBS/*" kafka.Kafka "$N_PROPS"
  WAIT_FOR+=("$N_ID")
}

kafka_up() { # [node id]: one node only (restart a killed one), else all
  check_kafka_ports
  check_security
  check_shape
  ensure_kafka_libs
  sed -e "s|@KAFKA_PORT@|$KAFKA_PORT|g" "$SCRIPT_DIR/kafka/log4j2.properties" >"$KAFKA_LOG4J"
  render_probe_config
  local only="${1:-}" i t0 cid
  TO_START=()
  WAIT_FOR=()
  t0="$(now)"
  for ((i = 1; i <= KAFKA_NODES; i++)); do
    [[ -z "$only" || "$only" == "$i" ]] || continue
    kafka_node_check "$i"
  done
  if ((${#TO_START[@]})); then
    cid="$(cluster_id)"
    # Formats in parallel (a JVM each, seconds on two cores); a failed one leaves no meta.properties.
    for i in "${TO_START[@]}"; do
      node_vars "$i"
      render_node
      format_node "$cid" &
    done
    wait
    for i in "${TO_START[@]}"; do
      node_vars "$i"
      [[ -f "$N_DATA/meta.properties" ]] || fail_with_log "$N_NAME" "$LOG_DIR/stack.log" "StorageTool format failed"
    done
  fi
  # A quorum of three elects a leader only once two voters run: spawn every node, then wait.
  for i in "${TO_START[@]}"; do kafka_node_spawn "$i"; done
  for i in "${WAIT_FOR[@]}"; do kafka_wait "$i" "$t0"; done
  log "kafka: bootstrap $(kafka_bootstrap) ($KAFKA_SECURITY)"
}

kafka_wait() { # node id, t0
  node_vars "$1"
  local t0="$2" deadline pid
  pid="$(cat "$N_PID" 2>/dev/null || true)"
  deadline=$((SECONDS + KAFKA_READY_TIMEOUT))
  while ((SECONDS < deadline)); do
    kill -0 "$pid" 2>/dev/null || fail_with_log "$N_NAME" "$N_LOG" "process $pid exited during startup"
    if port_open "$N_PORT" && kafka_api_ok "$N_PORT"; then
      if ! grep -q "Kafka Server started" "$N_LOG" 2>/dev/null; then
        log "$N_NAME: WARNING broker answers but $N_LOG has no 'Kafka Server started' line (logging misconfigured?)"
      fi
      log "$N_NAME: ready ($(elapsed "$t0") s) on 127.0.0.1:$N_PORT, pid $pid, log $N_LOG"
      return 0
    fi
    sleep 0.5
  done
  fail_with_log "$N_NAME" "$N_LOG" "not ready after ${KAFKA_READY_TIMEOUT}s"
}

# Stops every node this state dir started, all at once: stopping them one by one would leave the
# last ones without a controller quorum to confirm their controlled shutdown.
kafka_down() {
  local f
  for f in "$RUN_DIR"/kafka.pid "$RUN_DIR"/kafka-*.pid; do
    [[ -e "$f" ]] || continue
    stop_pid "$(basename "$f" .pid)" "$f" kafka.Kafka &
  done
  wait
}

kafka_running() {
  local f
  for f in "$RUN_DIR"/kafka.pid "$RUN_DIR"/kafka-*.pid; do
    [[ -e "$f" ]] && our_pid "$f" kafka.Kafka >/dev/null && return 0
  done
  return 1
}
