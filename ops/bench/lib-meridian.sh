# Sourced by the *-vs-kafka.sh benchmarks, after ../shared/bench/lib.sh (for JAVA and wait_port):
# builds Meridian's cluster-node jar and runs one Meridian node beside the reference Kafka.
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

# start_meridian [JVM_OPTION...]: one node on 127.0.0.1:$MPORT with 6-partition topic defaults,
# in the background (PID in $MDATA/pid, log in $MDATA/node.log); the options go before the main
# class (e.g. -Dmeridian.group.initial.rebalance.delay.ms=0). Prints "... startup_s=<seconds from
# launch until the Kafka port accepts connections>".
start_meridian() {
  cat > "$MDATA/bench.yaml" <<YAML
regions:
  - name: bench
    nodes:
      - id: 1
        host: 127.0.0.1
        kafkaPort: $MPORT
        httpPort: $MHTTP
        dataDir: node-1
topicDefaults:
  partitions: 6
YAML
  local t0 t1
  t0=$(date +%s.%N)
  # the launcher's default heap flags (ops/meridian: -Xmx1g, grown on demand); Kafka runs with
  # its own default -Xms1g -Xmx1g: both have the same 1 GiB heap under load
  nohup "$JAVA" -Xmx1g -XX:+UseG1GC "$@" -cp "$MCP" dev.meridian.node.NodeMain \
    --config "$MDATA/bench.yaml" --node-id 1 --data-dir "$MDATA/data" > "$MDATA/node.log" 2>&1 &
  echo $! > "$MDATA/pid"
  wait_port 127.0.0.1 "$MPORT" 60 || { echo "meridian did not start; see $MDATA/node.log" >&2; exit 1; }
  t1=$(date +%s.%N)
  echo "meridian pid=$(cat "$MDATA/pid") startup_s=$(echo "$t1 - $t0" | bc)"
}
stop_meridian() { kill "$(cat "$MDATA/pid")" 2>/dev/null || true; wait "$(cat "$MDATA/pid")" 2>/dev/null || true; }
