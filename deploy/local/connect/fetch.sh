#!/usr/bin/env bash
# Fetches Kafka Connect (the worker's jars) and Debezium's JDBC sink connector (its plugin bundle)
# from Maven Central into the cache outside the repo, once; prints the directory:
#   <cache>/connect-<kafka>-debezium-<debezium>/{libs,plugins/debezium-connector-jdbc}
# Used by bench/src/connect-peer.ts. MD_CACHE_DIR, KAFKA_VERSION and DEBEZIUM_VERSION override
# the defaults as in deploy/local/stack.sh. Idempotent; a failed fetch leaves nothing behind.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "$0")" && pwd)"
KAFKA_VERSION="${KAFKA_VERSION:-4.1.2}"
DEBEZIUM_VERSION="${DEBEZIUM_VERSION:-3.6.0.Final}"
CACHE_DIR="${MD_CACHE_DIR:-$HOME/.cache/md-platform}"
TARGET="$CACHE_DIR/connect-$KAFKA_VERSION-debezium-$DEBEZIUM_VERSION"

if [[ -f "$TARGET/.complete" ]]; then
  echo "$TARGET"
  exit 0
fi
command -v mvn >/dev/null 2>&1 || { echo "connect: 'mvn' not found on PATH; install Maven 3.8+ (apt-get install maven)" >&2; exit 1; }
command -v tar >/dev/null 2>&1 || { echo "connect: 'tar' not found on PATH" >&2; exit 1; }

echo "connect: fetching Kafka Connect $KAFKA_VERSION and Debezium JDBC sink $DEBEZIUM_VERSION from Maven Central into $TARGET…" >&2
mkdir -p "$CACHE_DIR"
tmp="$(mktemp -d "$CACHE_DIR/connect.tmp.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
mvn_copy() { # extra args…
  if ! mvn -q -B -Dstyle.color=never -f "$SCRIPT_DIR/pom.xml" dependency:copy-dependencies \
    -Dkafka.version="$KAFKA_VERSION" -Ddebezium.version="$DEBEZIUM_VERSION" "$@" >>"$tmp/mvn.log" 2>&1; then
    tail -n 30 "$tmp/mvn.log" >&2
    echo "connect: mvn dependency:copy-dependencies failed (network to Maven Central?)" >&2
    exit 1
  fi
}
# The worker's classpath: jars only. The connector's bundle: its tar.gz, unpacked into its own
# plugin.path directory so Connect loads it in isolation.
mvn_copy -DexcludeTypes=tar.gz -DoutputDirectory="$tmp/libs"
mvn_copy -DincludeTypes=tar.gz -DoutputDirectory="$tmp/archives"
mkdir -p "$tmp/plugins"
tar xzf "$tmp/archives/debezium-connector-jdbc-$DEBEZIUM_VERSION-plugin.tar.gz" -C "$tmp/plugins"
rm -rf "$tmp/archives" "$tmp/mvn.log"
touch "$tmp/.complete"
rm -rf "$TARGET"
mv "$tmp" "$TARGET"
trap - EXIT
echo "connect: fetched into $TARGET" >&2
echo "$TARGET"
