#!/usr/bin/env bash
# Local, Docker-free dev/test stack for the market-data platform.
#
#   deploy/local/stack.sh up            start Kafka (KRaft) + Apicurio Registry, check PostgreSQL + Redis
#     --brokers 3                       three KRaft nodes (replication factor 3, min ISR 2) instead of one
#     --only kafka                      Kafka alone (a test's private broker beside the shared stack:
#                                       MD_STACK_DIR=/tmp/x KAFKA_PORT=… KAFKA_CONTROLLER_PORT=…)
#     --node <id>                       with --only kafka: (re)start that node only, e.g. after a kill
#   KAFKA_SECURITY=sasl_ssl             the client listener is SASL_SSL (SCRAM-SHA-256/512, PLAIN) with
#                                       the PEM files of KAFKA_TLS_DIR and the users of KAFKA_SCRAM_USERS
#   deploy/local/stack.sh down [--purge] stop what `up` started (pid files); --purge also drops .stack/data
#                                       (Kafka's topics, the registry's schema journal among them)
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

# plaintext | sasl_ssl (then KAFKA_TLS_DIR and KAFKA_SCRAM_USERS="name:password,…"; see lib/kafka.sh)
KAFKA_SECURITY="${KAFKA_SECURITY:-plaintext}"

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
KAFKA_LOG4J="$KAFKA_CONF_DIR/log4j2.properties"
KAFKA_CLUSTER_ID_FILE="$KAFKA_CONF_DIR/cluster.id"
KAFKA_SHAPE_FILE="$KAFKA_CONF_DIR/shape"   # node count and security of the formatted cluster
KAFKA_NODES_FILE="$KAFKA_CONF_DIR/nodes"   # node count of the last `up`, for status and down
TOOLS_LOG4J="$SCRIPT_DIR/kafka/tools-log4j2.properties"
REGISTRY_WORK="$STACK_DIR/registry"
# KafkaSQL storage: the registry's journal, snapshots and events topics are <prefix>journal etc.
REGISTRY_TOPIC_PREFIX="${REGISTRY_TOPIC_PREFIX:-_md-registry-}"

REGISTRY_PID="$RUN_DIR/registry.pid"
REGISTRY_STORAGE_STAMP="$RUN_DIR/registry.storage"

REGISTRY_URL="http://127.0.0.1:$REGISTRY_PORT"

# The parts: helpers, then one file per component.
# shellcheck source=lib/common.sh
source "$SCRIPT_DIR/lib/common.sh"
# shellcheck source=lib/kafka.sh
source "$SCRIPT_DIR/lib/kafka.sh"
# shellcheck source=lib/registry.sh
source "$SCRIPT_DIR/lib/registry.sh"
# shellcheck source=lib/services.sh
source "$SCRIPT_DIR/lib/services.sh"

# ---------------------------------------------------------------------------------------------
# Commands
# ---------------------------------------------------------------------------------------------
cmd_up() {
  local only="" node="" nodes="$KAFKA_NODES"
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --brokers)
        [[ "${2:-}" == 1 || "${2:-}" == 3 ]] || die "up: --brokers takes 1 or 3"
        nodes="$2"
        shift 2
        ;;
      --only)
        [[ "${2:-}" == kafka ]] || die "up: --only takes 'kafka'"
        only="$2"
        shift 2
        ;;
      --node)
        [[ "${2:-}" =~ ^[1-9]$ ]] || die "up: --node takes a node id"
        node="$2"
        shift 2
        ;;
      *) die "up: unknown option '$1' (usage: $0 up [--brokers 1|3] [--only kafka [--node <id>]])" ;;
    esac
  done
  [[ -z "$node" || "$only" == kafka ]] || die "up: --node needs --only kafka"
  need java "install a Java 17+ runtime (apt-get install openjdk-17-jre-headless)"
  need curl "install curl"
  take_lock
  init_state_dir
  KAFKA_NODES="$nodes"
  echo "$KAFKA_NODES" >"$KAFKA_NODES_FILE"
  local t0
  t0="$(now)"
  log "up: state $STACK_DIR, cache $CACHE_DIR"
  if [[ "$only" == kafka ]]; then
    kafka_up "$node"
    log "up: kafka ready ($(elapsed "$t0") s); logs in $LOG_DIR"
    return 0
  fi
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
  kafka_down
  # PostgreSQL and Redis are shared system services: never stopped here.
  if ((purge)); then
    if kafka_running; then
      die "down --purge: kafka still running, not removing $DATA_DIR"
    fi
    local had_kafka=0
    [[ -f "$KAFKA_DATA/meta.properties" ]] && had_kafka=1
    rm -rf "$DATA_DIR" "$KAFKA_CLUSTER_ID_FILE" "$KAFKA_SHAPE_FILE" "$KAFKA_NODES_FILE"
    # The schemas go with the records that carry their ids: no record outlives its schema, and
    # the next 'up' numbers schema ids from 1 again for an empty Kafka.
    if ((had_kafka)); then
      log "down: purged $DATA_DIR: every Kafka topic, and with them the registry's schemas (topic ${REGISTRY_TOPIC_PREFIX}journal); the next 'up' starts with no topics and no schemas"
    else
      log "down: purged $DATA_DIR; it held no Kafka data (the broker on $KAFKA_PORT is not ours), so its topics and the registry's schemas (topic ${REGISTRY_TOPIC_PREFIX}journal) stay there"
    fi
  fi
}

cmd_status() {
  local rc=0 pid line i
  # kafka, one line per node
  for ((i = 1; i <= KAFKA_NODES; i++)); do
    node_vars "$i"
    if port_open "$N_PORT"; then
      if pid="$(our_pid "$N_PID" kafka.Kafka)"; then line="up    127.0.0.1:$N_PORT (pid $pid)"; else line="up    127.0.0.1:$N_PORT (external)"; fi
    else
      line="down  127.0.0.1:$N_PORT"
      rc=3
    fi
    printf '%-9s %s\n' "$N_NAME" "$line"
  done
  # registry
  if registry_ok; then
    if pid="$(our_pid "$REGISTRY_PID" quarkus-run.jar)"; then
      line="up    $REGISTRY_URL (pid $pid, storage $(cat "$REGISTRY_STORAGE_STAMP" 2>/dev/null || echo 'in memory'))"
    else line="up    $REGISTRY_URL (external)"; fi
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
usage: $0 up [--brokers 1|3] [--only kafka [--node <id>]] | down [--purge] | status
  state dir: $STACK_DIR (MD_STACK_DIR)   cache dir: $CACHE_DIR (MD_CACHE_DIR)
EOF
}

main() {
  # the node count of the last `up` in this state dir (status and down need it; `up` sets it anew)
  KAFKA_NODES="$(cat "$KAFKA_NODES_FILE" 2>/dev/null || echo 1)"
  [[ "$KAFKA_NODES" =~ ^[13]$ ]] || KAFKA_NODES=1
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
