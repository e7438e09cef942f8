# Sourced by the *-vs-kafka.sh benchmarks, after ../shared/bench/lib.sh (for JAVA and wait_port):
# builds Meridian's cluster-node jar and runs one Meridian node (a one-node region) beside the
# reference Kafka.
# The caller sets ROOT (the repository), MPORT (Kafka port), MHTTP (HTTP port) and MDATA (a
# scratch directory, removed by the caller).

# builds cluster-node (and what it needs) unless MERIDIAN_NO_BUILD=1; never installs
meridian_build() {
  if [[ "${MERIDIAN_NO_BUILD:-}" != 1 ]]; then
    (cd "$ROOT" && mvn -B -q -DskipTests -Dspotless.check.skip -Dcheckstyle.skip package -pl cluster-node -am)
  fi
}
MCP="$ROOT/cluster-node/target/cluster-node-0.1.0-SNAPSHOT.jar:$ROOT/cluster-node/target/lib/*"

rss_mb() { echo $(( $(ps -o rss= -p "$1") / 1024 )); }

# start_meridian [BROKER_LINE...]: a one-node region on 127.0.0.1:$MPORT (HTTP $MHTTP, cluster port
# 0 = ephemeral) with 6-partition topic defaults, in the background (PID in $MDATA/pid, log in
# $MDATA/node.log). Each argument is one "key: value" line of the region config's broker: section
# (docs/configuration.md), e.g. start_meridian "groupInitialRebalanceDelayMs: 0"; node settings are
# data, not JVM options. Prints "... startup_s=<seconds from launch until ready>": the Kafka port
# accepts connections and, when curl is present, GET /v1/health answers 200 (the port opens before
# the region's controller has registered the node, and until then the node leads no partition).
start_meridian() {
  local line
  for line in "$@"; do
    [[ "$line" =~ ^[A-Za-z]+:\ *[^\ ].*$ ]] \
      || { echo "start_meridian: '$line' is not a 'key: value' line of the broker: section" >&2; exit 1; }
  done
  {
    cat <<YAML
regions:
  - name: bench
    nodes:
      - id: 1
        host: 127.0.0.1
        kafkaPort: $MPORT
        httpPort: $MHTTP
        clusterPort: 0
        dataDir: node-1
topicDefaults:
  partitions: 6
YAML
    if (($# > 0)); then
      echo "broker:"
      for line in "$@"; do echo "  $line"; done
    fi
  } > "$MDATA/bench.yaml"
  local t0 t1 end
  t0=$(date +%s.%N)
  # the launcher's default heap flags (ops/meridian: -Xmx1g, grown on demand); Kafka runs with
  # its own default -Xms1g -Xmx1g: both have the same 1 GiB heap under load
  nohup "$JAVA" -Xmx1g -XX:+UseG1GC -cp "$MCP" dev.meridian.node.NodeMain \
    --config "$MDATA/bench.yaml" --node-id 1 --data-dir "$MDATA/data" > "$MDATA/node.log" 2>&1 &
  echo $! > "$MDATA/pid"
  wait_port 127.0.0.1 "$MPORT" 60 || { echo "meridian did not start; see $MDATA/node.log" >&2; exit 1; }
  if command -v curl >/dev/null; then
    end=$((SECONDS + 60))
    until curl -fs -o /dev/null --max-time 2 "http://127.0.0.1:$MHTTP/v1/health"; do
      ((SECONDS < end)) || { echo "meridian not ready (GET /v1/health); see $MDATA/node.log" >&2; exit 1; }
      sleep 0.05
    done
  fi
  t1=$(date +%s.%N)
  echo "meridian pid=$(cat "$MDATA/pid") startup_s=$(echo "$t1 - $t0" | bc)"
}
stop_meridian() { kill "$(cat "$MDATA/pid")" 2>/dev/null || true; wait "$(cat "$MDATA/pid")" 2>/dev/null || true; }
