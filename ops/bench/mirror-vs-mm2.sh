#!/usr/bin/env bash
# A Meridian mirror link against MirrorMaker 2, measured in one run on this machine with the same
# tools, the same preload and the same WAN proxy:
#   MM2       Apache Kafka "a" -> MirrorMaker 2 (dedicated mode, ../shared/bench/mm2-run.sh) -> "b"
#   Meridian  region east -> link e2w (runs inside the west node) -> region west, one node each
# For each, twice: on loopback through a TCP proxy with no delay, and through the same proxy with
# RTT_MS of added round trip (RTT_MS/2 each way; this kernel has no netem). The proxy sits between
# the mirror and its source only (producers and consumers of the test talk to the clusters
# directly; Kafka "a" gets a second listener whose advertised address is the proxy's).
#   catch-up     N records of SIZE bytes (compressible JSON-like text, 6 partitions) preloaded,
#                then the mirror started: seconds to the first mirrored record (from the mirror's
#                JVM launch; for Meridian also from the west node being ready), MB/s from first to
#                last, CPU seconds of the mirror's process (MM2; the west node, which also stores)
#                and of all processes involved (Kafka a + MM2 + Kafka b; east + west: the source's
#                LZ4 work counts), MB/s per core, the mirror's RSS, bytes through the proxy per
#                byte of records
#   e2e latency  RATE records/s produced at the source and consumed at the target for LAG_S s
#                (AnchorTools lag): p50 and p99 ms
# Results: a log and a CSV in $BENCH_RESULTS (default ./bench-results), ratios printed at the end.
#
# Usage: ops/bench/mirror-vs-mm2.sh [N=1000000] [SIZE=1000] [RATE=5000] [LAG_S=30] [RTT_MS=100]
#   environment: MERIDIAN_NO_BUILD=1 (use the jars as they are); SYSTEMS="mm2 meridian" (which
#   to run); NODE_JAVA_OPTS (the Meridian nodes' JVM flags, default the launcher's: ops/jvm.options); NMT=1 (the
#   west node runs with native memory tracking and its summary goes to the log after catch-up);
#   LINK_MODE=active-active (Meridian runs active-active links both ways, e2w and w2e, instead of
#   one mirror link; MM2 keeps its default prefixed names either way); DELAYS="0 50" (the proxy
#   delays each way to run, default 0 and RTT_MS/2). An active-active link reads its source with
#   kafka-clients, which connects to the addresses the source advertises: it bypasses the proxy, so
#   only DELAYS=0 compares like with like (and its wire bytes are not counted)
# Needs ../shared/bench (fetches Kafka 4.3 on first use), bc, curl. Ports: Kafka a 19392 (WAN
# listener 19492, controller 19592), b 19393 (controller 19593); Meridian east 29392/28380, west
# 29492/28480; proxy 19692. Every cluster starts from empty data and is stopped by PID.
set -euo pipefail
LINK_MODE="${LINK_MODE:-mirror}"
N="${1:-1000000}"; SIZE="${2:-1000}"; RATE="${3:-5000}"; LAG_S="${4:-30}"; RTT="${5:-100}"
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
ANCHORS="${ANCHORS:-$ROOT/../shared/bench}"
source "$ANCHORS/lib.sh"
OUT="${BENCH_RESULTS:-$ROOT/bench-results}"; mkdir -p "$OUT"
STAMP="$(date +%Y%m%d-%H%M%S)"; LOG="$OUT/mirror-vs-mm2-$STAMP.log"; CSV="$OUT/mirror-vs-mm2-$STAMP.csv"
KA=19392; KA_WAN=19492; KA_CTL=19592; KB=19393; KB_CTL=19593
ME=29392; ME_HTTP=28380; MW=29492; MW_HTTP=28480; PROXY=19692
WORK="$(mktemp -d /tmp/meridian-mirror-bench.XXXX)"
MDATA="$WORK"; MPORT=$ME; MHTTP=$ME_HTTP   # for lib-meridian.sh
source "$ROOT/ops/bench/lib-meridian.sh"
if [[ "${MERIDIAN_NO_BUILD:-}" != 1 ]]; then
  (cd "$ROOT" && mvn -B -q -DskipTests -Dspotless.check.skip -Dcheckstyle.skip package -pl cluster-node,test-support -am)
fi
PROXY_CP="$ROOT/test-support/target/test-support-0.1.0-SNAPSHOT.jar"
HZ=$(getconf CLK_TCK)
PIDS=()

say() { echo "$*" | tee -a "$LOG"; }
ticks() { awk '{print $14+$15}' "/proc/$1/stat"; }
kv() { echo "$2" | sed -nE "s/.*$1=([^ ]+).*/\1/p"; }
cleanup() {
  for p in "${PIDS[@]:-}"; do [[ -n "$p" ]] && kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]:-}"; do [[ -n "$p" ]] && { wait "$p" 2>/dev/null || true; }; done
  PIDS=()
  "$ANCHORS/mm2-stop.sh" mm2b >/dev/null 2>&1 || true
}
trap 'cleanup; rm -rf "$WORK"' EXIT

# compressible ~SIZE-byte JSON-like payloads, one per line (ProducerPerformance --payload-file)
PAYLOADS="$WORK/payloads.txt"
python3 - "$SIZE" > "$PAYLOADS" <<'PY'
import random, sys
size = int(sys.argv[1]); r = random.Random(7)
for i in range(2000):
    s = '{"orderId":"ord-%08d","customer":{"id":%d,"name":"Customer %d","tier":"%s"},"items":[' % (
        i, r.randint(1, 99999), r.randint(1, 9999), r.choice(["gold", "silver", "bronze"]))
    while len(s) < size - 40:
        s += '{"sku":"SKU-%05d","qty":%d,"price":%d.%02d,"warehouse":"%s"},' % (
            r.randint(1, 50000), r.randint(1, 9), r.randint(1, 500), r.randint(0, 99),
            r.choice(["east-1", "east-2", "west-1"]))
    s = s.rstrip(",") + '],"status":"NEW"}'
    print(s[:size] if len(s) > size else s.ljust(size))
PY

preload() {  # BOOTSTRAP TOPIC
  "$ANCHORS/topic-create.sh" "$1" "$2" 6 1 >> "$LOG" 2>&1
  kjava org.apache.kafka.tools.ProducerPerformance --topic "$2" --num-records "$N" \
    --payload-file "$PAYLOADS" --throughput -1 \
    --producer-props bootstrap.servers="$1" acks=1 linger.ms=5 batch.size=262144 2>&1 | tail -1 >> "$LOG"
}

start_proxy() {  # UPSTREAM_PORT DELAY_MS
  rm -f "$WORK/proxy.stats"
  nohup "$JAVA" -Xmx256m -cp "$PROXY_CP" dev.meridian.testsupport.TcpProxy "$PROXY" 127.0.0.1 "$1" "$2" \
    "$WORK/proxy.stats" >> "$LOG" 2>&1 &
  PIDS+=("$!")
  wait_port 127.0.0.1 "$PROXY" 30
}
proxy_bytes() { cat "$WORK/proxy.stats" 2>/dev/null || echo 0; }

start_kafka() {  # NAME PORT CTL_PORT [WAN_PORT ADVERTISED_WAN_PORT]
  local name="$1" port="$2" ctl="$3" dir="$WORK/kafka-$1" listeners advertised map id
  rm -rf "$dir"; mkdir -p "$dir/data"
  listeners="PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$ctl"
  advertised="PLAINTEXT://127.0.0.1:$port"; map="CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT"
  if [[ $# -gt 3 ]]; then
    listeners+=",WAN://127.0.0.1:$4"; advertised+=",WAN://127.0.0.1:$5"; map+=",WAN:PLAINTEXT"
  fi
  cat > "$dir/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$ctl
listeners=$listeners
advertised.listeners=$advertised
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=$map
log.dirs=$dir/data
num.partitions=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
PROPS
  id="$(kjava kafka.tools.StorageTool random-uuid)"
  kjava kafka.tools.StorageTool format "--cluster-id=$id" "--config=$dir/server.properties" >> "$LOG" 2>&1
  nohup "$JAVA" -Xms1g -Xmx1g -XX:+UseG1GC -Dlog4j2.configurationFile="$ANCHORS/log4j2-file.properties" \
    -Danchor.log="$dir/server.log" -cp "$CP" kafka.Kafka "$dir/server.properties" > "$dir/stdout.log" 2>&1 &
  LAST_PID=$!; PIDS+=("$LAST_PID")
  wait_port 127.0.0.1 "$port" 120 || { say "kafka $name did not start"; exit 1; }
}

start_node() {  # CONFIG NODE_ID NAME -> PID in LAST_PID
  local opts=(${NODE_JAVA_OPTS:-$(sed -e 's/#.*//' "$ROOT/ops/jvm.options")})
  [[ "${NMT:-}" == 1 && "$3" == west ]] && opts+=(-XX:NativeMemoryTracking=summary)
  MALLOC_ARENA_MAX="${NODE_MALLOC_ARENA_MAX:-}" nohup "$JAVA" "${opts[@]}" -cp "$MCP" dev.meridian.node.NodeMain \
    --config "$1" --node-id "$2" --data-dir "$WORK/meridian" > "$WORK/$3.log" 2>&1 &
  LAST_PID=$!; PIDS+=("$LAST_PID")
}
await_health() {  # HTTP_PORT
  local end=$((SECONDS + 60))
  until curl -fs -o /dev/null --max-time 2 "http://127.0.0.1:$1/v1/health"; do
    ((SECONDS < end)) || { say "meridian on HTTP $1 not ready"; exit 1; }
    sleep 0.05
  done
}

meridian_yaml() {  # FILE EAST_PORT_SEEN_BY_WEST
  cat > "$1" <<YAML
regions:
  - name: east
    nodes:
      - {id: 1, host: 127.0.0.1, kafkaPort: $2, httpPort: $ME_HTTP, clusterPort: 0, dataDir: east-1}
  - name: west
    nodes:
      - {id: 101, host: 127.0.0.1, kafkaPort: $MW, httpPort: $MW_HTTP, clusterPort: 0, dataDir: west-1}
topicDefaults:
  partitions: 6
broker:
  groupInitialRebalanceDelayMs: 0
links:
$(if [[ "$LINK_MODE" == active-active ]]; then
  echo "  - {name: e2w, source: {region: east}, target: west, mode: active-active}"
  echo "  - {name: w2e, source: {region: west}, target: east, mode: active-active}"
else
  echo "  - {name: e2w, source: {region: east}, target: west}"
fi)
YAML
}

# MirrorWait, compiled once, started together with the mirror (its JVM is polling within about
# 0.5 s, long before either mirror copies its first record)
mkdir -p "$WORK/classes"
"$(dirname "$JAVA")/javac" -d "$WORK/classes" -cp "$CP" "$ROOT/ops/bench/MirrorWait.java"
start_wait() {  # TARGET_BOOTSTRAP TARGET_TOPIC -> T0 (now, ms) and WAITER (pid)
  T0=$(date +%s%3N)
  timeout 960 "$JAVA" -Xmx256m $TOOL_LOG -cp "$WORK/classes:$CP" MirrorWait "$1" "$2" "$N" 900 "$T0" \
    > "$WORK/wait.out" 2>>"$LOG" &
  WAITER=$!
}

# catch-up of one mirror; sets CATCH (a CSV fragment). CPU is sampled every 0.2 s and counted from
# the first mirrored record to the last; "first record" is from the mirror's JVM launch (T0) and,
# for Meridian, also from the west node being ready (the link runs inside an existing node).
catch_up() {  # TARGET_BOOTSTRAP TARGET_TOPIC MIRROR_PID T0_MS READY_MS|- ALL_PIDS (comma-separated)
  local res tf ta c0 c1 a0 a1 secs mbs cpu all rss wire sampler fr p
  ( while kill -0 "$3" 2>/dev/null; do
      local sum=0; for p in ${6//,/ }; do sum=$((sum + $(ticks "$p"))); done
      echo "$(date +%s%3N) $(ticks "$3") $sum"; sleep 0.2
    done ) > "$WORK/cpu" 2>/dev/null &
  sampler=$!
  wait "$WAITER" || true
  res=$(tail -1 "$WORK/wait.out")
  c1=$(ticks "$3"); a1=0; for p in ${6//,/ }; do a1=$((a1 + $(ticks "$p"))); done
  say "    $res"
  kill "$sampler" 2>/dev/null || true
  tf=$(kv t_first_s "$res"); ta=$(kv t_all_s "$res")
  read -r c0 a0 < <(awk -v t="$(echo "$4 + $tf * 1000" | bc)" '$1 <= t {c = $2; a = $3} END {print c + 0, a + 0}' "$WORK/cpu")
  secs=$(echo "x = $ta - $tf; if (x < 0.5) x = 0.5; x" | bc -l)
  mbs=$(echo "scale=1; $N * $SIZE / 1000000 / $secs" | bc -l)
  cpu=$(echo "x = ($c1 - $c0) / $HZ; if (x < 0.01) x = 0.01; scale=2; x / 1" | bc -l)
  all=$(echo "x = ($a1 - $a0) / $HZ; if (x < 0.01) x = 0.01; scale=2; x / 1" | bc -l)
  rss=$(( $(ps -o rss= -p "$3") / 1024 ))
  grep -E '^(Rss|Pss)' "/proc/$3/smaps_rollup" >> "$LOG" 2>/dev/null || true
  if [[ "${NMT:-}" == 1 ]]; then
    "$(dirname "$JAVA")/jcmd" "$3" VM.native_memory summary >> "$LOG" 2>&1 || true
    "$(dirname "$JAVA")/jcmd" "$3" GC.heap_info >> "$LOG" 2>&1 || true
    "$(dirname "$JAVA")/jcmd" "$3" Thread.print 2>/dev/null | grep -o '^"[^"]*"' | sed 's/[0-9]//g' \
      | sort | uniq -c | sort -rn >> "$LOG" || true
  fi
  sleep 1.2  # the proxy writes its byte count every second
  wire=$(echo "scale=3; $(proxy_bytes) / ($N * $SIZE)" | bc -l)
  fr="$tf"
  if [[ "$5" != - ]]; then fr=$(echo "scale=2; $tf - ($5 - $4) / 1000" | bc -l); fi
  say "    first_record_s=$tf (after ready: $fr) catch_up_MB_s=$mbs mirror_cpu_s=$cpu all_processes_cpu_s=$all cpu_s_per_GB(all)=$(echo "scale=1; $all * 1000000000 / ($N * $SIZE)" | bc -l) MB_s_per_core(mirror)=$(echo "scale=1; $mbs * $secs / $cpu" | bc -l) MB_s_per_core(all)=$(echo "scale=1; $mbs * $secs / $all" | bc -l) rss_MB=$rss wire_bytes_per_record_byte=$wire"
  CATCH="$tf,$fr,$mbs,$cpu,$all,$(echo "scale=1; $mbs * $secs / $cpu" | bc -l),$(echo "scale=1; $mbs * $secs / $all" | bc -l),$rss,$wire"
}
latency() {  # SRC SRC_TOPIC DST DST_TOPIC -> LAT "p50,p99"
  local r
  r=$(timeout $((LAG_S + 180)) bash -c "source '$ANCHORS/lib.sh'; anchor_tools lag '$1' '$2' '$3' '$4' $RATE $LAG_S $SIZE 5" 2>>"$LOG" | tee -a "$LOG" | grep latency_ms)
  say "    e2e at $RATE rec/s: $r"
  LAT="$(kv p50 "$r"),$(kv p99 "$r")"
}

run_mm2() {  # DELAY_MS
  say "== MirrorMaker 2 ($KAFKA_VERSION), proxy delay $1 ms each way"
  start_kafka a "$KA" "$KA_CTL" "$KA_WAN" "$PROXY"; KAFKA_A_PID=$LAST_PID
  start_kafka b "$KB" "$KB_CTL"; KAFKA_B_PID=$LAST_PID
  start_proxy "$KA_WAN" "$1"
  preload "127.0.0.1:$KA" bench.load
  "$ANCHORS/topic-create.sh" "127.0.0.1:$KA" bench.live 6 1 >> "$LOG" 2>&1
  start_wait "127.0.0.1:$KB" a.bench.load; local t0=$T0
  "$ANCHORS/mm2-run.sh" "127.0.0.1:$PROXY" "127.0.0.1:$KB" mm2b >> "$LOG"
  local pid; pid=$(cat /tmp/anchor-mm2b/mm2.pid)
  catch_up "127.0.0.1:$KB" a.bench.load "$pid" "$t0" - "$pid,$KAFKA_A_PID,$KAFKA_B_PID"; local catch="$CATCH"
  sleep 5  # MM2 settles (topic refresh every 5 s) before the latency test, as mm2-bench.sh does
  latency "127.0.0.1:$KA" bench.live "127.0.0.1:$KB" a.bench.live
  echo "mm2,$1,$catch,$LAT" >> "$CSV"
  cleanup
}

run_meridian() {  # DELAY_MS
  say "== Meridian link ($LINK_MODE), proxy delay $1 ms each way"
  rm -rf "$WORK/meridian"
  meridian_yaml "$WORK/east.yaml" "$ME"
  meridian_yaml "$WORK/west.yaml" "$PROXY"   # west reaches east through the proxy
  start_node "$WORK/east.yaml" 1 east; EAST_PID=$LAST_PID; await_health "$ME_HTTP"
  start_proxy "$ME" "$1"
  preload "127.0.0.1:$ME" bench.load
  "$ANCHORS/topic-create.sh" "127.0.0.1:$ME" bench.live 6 1 >> "$LOG" 2>&1
  start_wait "127.0.0.1:$MW" bench.load; local t0=$T0
  start_node "$WORK/west.yaml" 101 west; local pid=$LAST_PID
  await_health "$MW_HTTP"; local ready; ready=$(date +%s%3N)
  catch_up "127.0.0.1:$MW" bench.load "$pid" "$t0" "$ready" "$pid,$EAST_PID"; local catch="$CATCH"
  curl -fs "http://127.0.0.1:$MW_HTTP/v1/links/e2w" | head -c 600 >> "$LOG"; echo >> "$LOG"
  latency "127.0.0.1:$ME" bench.live "127.0.0.1:$MW" bench.live
  echo "meridian,$1,$catch,$LAT" >> "$CSV"
  cleanup
}

say "mirror-vs-mm2 link_mode=$LINK_MODE N=$N size=$SIZE rate=$RATE lag_s=$LAG_S rtt_ms=$RTT $(date -Is) load=$(cut -d' ' -f1-3 /proc/loadavg)"
echo "system,delay_ms_each_way,first_record_s,first_record_after_ready_s,catch_up_MB_s,mirror_cpu_s,all_cpu_s,MB_s_per_core,MB_s_per_core_all,rss_MB,wire_per_record_byte,e2e_p50_ms,e2e_p99_ms" > "$CSV"
SYSTEMS="${SYSTEMS:-mm2 meridian}"
for delay in ${DELAYS:-0 $((RTT / 2))}; do
  for system in $SYSTEMS; do "run_$system" "$delay"; done
done
say "== results ($CSV)"
column -s, -t "$CSV" | tee -a "$LOG"
python3 - "$CSV" <<'PY' | tee -a "$LOG"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
for d in sorted({r["delay_ms_each_way"] for r in rows}, key=int):
    m = next((r for r in rows if r["system"] == "meridian" and r["delay_ms_each_way"] == d), None)
    k = next((r for r in rows if r["system"] == "mm2" and r["delay_ms_each_way"] == d), None)
    if m is None or k is None:
        continue
    f = lambda key: float(m[key]) / float(k[key]) if float(k[key]) else float("nan")
    print(f"delay {d} ms each way: Meridian/MM2 catch-up MB/s {f('catch_up_MB_s'):.2f}x, "
          f"MB/s per core {f('MB_s_per_core'):.2f}x (mirror process), "
          f"{f('MB_s_per_core_all'):.2f}x (all processes), first record {m['first_record_s']} s "
          f"({m['first_record_after_ready_s']} s after the node was ready) vs "
          f"{k['first_record_s']} s, RSS {m['rss_MB']} vs {k['rss_MB']} MB, wire/record byte "
          f"{m['wire_per_record_byte']} vs {k['wire_per_record_byte']}, e2e p99 {f('e2e_p99_ms'):.2f}x")
PY
