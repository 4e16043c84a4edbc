# Part of deploy/local/stack.sh (sourced, not run): PostgreSQL and Redis (system services: started if needed, never stopped by this script).
# shellcheck shell=bash

pg_ok() { pg_isready -q -h 127.0.0.1 -p "$PG_PORT" >/dev/null 2>&1; }
redis_ok() { [[ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" == PONG ]]; }

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
    # 9>&- : the server must not inherit the stack lock (it would hold it for as long as it runs)
    pg_ctlcluster --skip-systemctl-redirect "$ver" main start >>"$LOG_DIR/stack.log" 2>&1 9>&- || true
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
      --dir /var/lib/redis --logfile /var/log/redis/ci.log >>"$LOG_DIR/stack.log" 2>&1 9>&- || true
  fi
  wait_for 10 redis_ok ||
    die "redis: still not answering on 127.0.0.1:$REDIS_PORT. Start it yourself, e.g. 'redis-server --daemonize yes --bind 127.0.0.1 -::1 --port $REDIS_PORT --save \"\" --appendonly no', then rerun '$0 up'."
  log "redis: started, up on 127.0.0.1:$REDIS_PORT"
}

