# Sourced by the *-vs-kafka.sh benchmarks, after ../shared/bench/lib.sh (for JAVA and wait_port):
# builds Meridian's cluster-node jar and runs one Meridian node (a one-node region), or a
# 3-node region, beside the reference Kafka.
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
  # G1 with a 1 GiB heap, as every run of these benchmarks in docs/benchmarks.md was measured
  # (the launcher's default until 2026-12-07; it is now ops/jvm.options, the serial collector);
  # Kafka runs with its own default -Xms1g -Xmx1g
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

# The 3-node region of the cluster benchmarks (region-vs-kafka.sh, replication-vs-kafka.sh): nodes
# 1-3 on Kafka ports MBASE.., HTTP ports MHTTP.., cluster ports MCLUSTER.. (set by the caller), data
# in $MDATA/data, logs in $MDATA/node-N.log.
now_ms() { date +%s%3N; }
MPIDS=()

# write_region_yaml [TOPIC_DEFAULT_LINE...]: $MDATA/region.yaml with replicationFactor 3 and the
# given "key: value" lines of topicDefaults
write_region_yaml() {
  local line
  {
    echo "regions:"
    echo "  - name: bench"
    echo "    nodes:"
    for i in 1 2 3; do
      echo "      - id: $i"
      echo "        host: 127.0.0.1"
      echo "        kafkaPort: $((MBASE + i - 1))"
      echo "        httpPort: $((MHTTP + i - 1))"
      echo "        clusterPort: $((MCLUSTER + i - 1))"
      echo "        dataDir: node-$i"
    done
    echo "topicDefaults:"
    echo "  replicationFactor: 3"
    for line in "$@"; do echo "  $line"; done
  } > "$MDATA/region.yaml"
}

start_region() {  # from empty data; sets MLAUNCH (launch time, ms) and MPIDS; not in a subshell
  rm -rf "$MDATA/data"; mkdir -p "$MDATA/data"
  MLAUNCH=$(now_ms)
  for i in 1 2 3; do
    nohup "$JAVA" -Xmx512m -XX:+UseG1GC -cp "$MCP" dev.meridian.node.NodeMain \
      --config "$MDATA/region.yaml" --node-id "$i" --data-dir "$MDATA/data" >> "$MDATA/node-$i.log" 2>&1 &
    MPIDS+=("$!")
  done
}

stop_region() {
  for p in "${MPIDS[@]:-}"; do [[ -n "$p" ]] && kill "$p" 2>/dev/null || true; done
  for p in "${MPIDS[@]:-}"; do [[ -n "$p" ]] && { wait "$p" 2>/dev/null || true; }; done
  MPIDS=()
}
