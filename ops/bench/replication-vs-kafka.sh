#!/usr/bin/env bash
# Replication throughput and leader failover: a 3-node Meridian region beside a 3-node Apache Kafka
# (KRaft, each node broker+controller) on this machine, measured in turn with the same tools:
#   produce   ProducerPerformance (kafka-producer-perf-test), acks=all, 1 KB records, a topic of
#             6 partitions with 3 replicas and min.insync.replicas=2: MB/s and p99 latency (ms)
#   consume   AssignConsumerPerf.java reading the same records back, the second of two reads (the
#             first, ~2 s, mostly measures JIT warm-up on both sides): MB/s
#   failover  RegionBench.java leader: kill -9 of a partition leader's process under an idempotent
#             acks=all producer until the first acknowledgement of a record sent after the kill (ms)
# Every repeat starts both clusters from empty data directories. Prints each figure, the medians
# and Meridian/Kafka ratios; the log and a CSV go to $BENCH_RESULTS (default ./bench-results).
#
# Usage: ops/bench/replication-vs-kafka.sh [NUM_RECORDS=500000] [REPEATS=3]
#   environment: MERIDIAN_NO_BUILD=1 (use the jars as they are)
# Needs: ../shared/bench (fetches Kafka from Maven Central on first use), bc. Ports: Kafka
# 127.0.0.1:19192-19194 (controllers 19292-19294), Meridian Kafka 29192-29194, HTTP 28180-28182,
# cluster 29292-29294. Both run with -Xmx512m per node.
set -euo pipefail
N="${1:-500000}"; REPS="${2:-3}"
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
ANCHORS="${ANCHORS:-$ROOT/../shared/bench}"
source "$ANCHORS/lib.sh"
OUT="${BENCH_RESULTS:-$ROOT/bench-results}"; mkdir -p "$OUT"
STAMP="$(date +%Y%m%d-%H%M%S)"; LOG="$OUT/replication-vs-kafka-$STAMP.log"; CSV="$OUT/replication-vs-kafka-$STAMP.csv"
KBASE=19192; MBASE=29192; MHTTP=28180; MCLUSTER=29292
MDATA="$(mktemp -d /tmp/meridian-repl-bench.XXXX)"
MPORT=$MBASE  # for lib-meridian.sh
source "$ROOT/ops/bench/lib-meridian.sh"   # meridian_build, MCP, the 3-node region
meridian_build

bench() { "$JAVA" -Xmx256m $TOOL_LOG -cp "$CP" "$ROOT/ops/bench/RegionBench.java" "$@"; }
consume() { timeout 400 "$JAVA" -Xmx1g $TOOL_LOG -cp "$CP" "$ROOT/ops/bench/AssignConsumerPerf.java" "$@"; }
kv() { echo "$2" | sed -nE "s/.*$1=([^ ]+).*/\1/p"; }
KBOOT="127.0.0.1:$KBASE,127.0.0.1:$((KBASE + 1)),127.0.0.1:$((KBASE + 2))"
MBOOT="127.0.0.1:$MBASE,127.0.0.1:$((MBASE + 1)),127.0.0.1:$((MBASE + 2))"
trap 'stop_region; "$ANCHORS/kafka-cluster-stop.sh" rpk >/dev/null 2>&1 || true; rm -rf "$MDATA"' EXIT

write_region_yaml "minInsyncReplicas: 2"

measure() {  # SYSTEM BOOTSTRAP PIDS REP -> appends a CSV row
  local sys="$1" bs="$2" pids="$3" rep="$4" topic p c f prow
  topic="repl-$rep-$RANDOM"
  "$ANCHORS/topic-create.sh" "$bs" "$topic" 6 3 --config min.insync.replicas=2 >> "$LOG" 2>&1
  p=$("$ANCHORS/perf-produce.sh" "$bs" "$topic" "$N" 1000 all none 2>&1 | tee -a "$LOG" | grep '99th' | tail -1)
  consume "$bs" "$topic" "$N" >> "$LOG" 2>&1  # a first read warms both sides (JIT, caches)
  c=$(consume "$bs" "$topic" "$N" 2>&1 | tee -a "$LOG" | grep RESULT | tail -1)
  f=$(bench leader "$bs" "$pids" 2>&1 | tee -a "$LOG" | grep leader_failover_ms)
  # "N records sent, X records/sec (Y MB/sec), A ms avg latency, M ms max latency, p50 .., p95 .., p99 .., p99.9 .."
  prow=$(echo "$p" | sed -E "s/[()]//g" | awk '{gsub(/,/,""); print $6","$22}')
  echo "$rep,$sys,$prow,$(echo "$c" | sed -E 's/.*MBps=([0-9.]+).*/\1/'),$(kv leader_failover_ms "$f")" | tee -a "$CSV"
}

echo "rep,system,produce_MB_s,produce_p99_ms,consume_MB_s,leader_failover_ms" > "$CSV"
for rep in $(seq 1 "$REPS"); do
  echo "== repeat $rep: Apache Kafka $KAFKA_VERSION, 3 nodes (KRaft)" | tee -a "$LOG"
  "$ANCHORS/kafka-cluster-start.sh" rpk 3 "$KBASE" >> "$LOG"
  bench ready "$KBOOT" 3 "$(now_ms)" >> "$LOG"
  kpids=""
  for i in 1 2 3; do kpids+="${kpids:+,}$i:$(cat /tmp/anchor-rpk/node-$i/kafka.pid)"; done
  measure kafka "$KBOOT" "$kpids" "$rep"
  "$ANCHORS/kafka-cluster-stop.sh" rpk >> "$LOG" 2>&1

  echo "== repeat $rep: Meridian, 3 nodes" | tee -a "$LOG"
  start_region
  bench ready "$MBOOT" 3 "$MLAUNCH" >> "$LOG"
  mpids=""
  for i in 1 2 3; do mpids+="${mpids:+,}$i:${MPIDS[$((i - 1))]}"; done
  measure meridian "$MBOOT" "$mpids" "$rep"
  stop_region
done

median() {  # system column -> median of that column
  awk -F, -v s="$1" -v c="$2" '$2 == s { print $c }' "$CSV" | sort -g |
    awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
{
  echo "== medians over $REPS repeats ($N records of 1 KB, acks=all, RF 3, min.insync.replicas 2)"
  for col in 3:produce_MB_s 4:produce_p99_ms 5:consume_MB_s 6:leader_failover_ms; do
    c="${col%%:*}"; name="${col#*:}"; k=$(median kafka "$c"); m=$(median meridian "$c")
    echo "$name: kafka $k  meridian $m  meridian/kafka $(echo "scale=2; $m / $k" | bc)"
  done
  echo "csv: $CSV"
} | tee -a "$LOG"
