#!/usr/bin/env bash
# A 3-node Meridian region beside a 3-node Apache Kafka (KRaft, each node broker+controller) on
# this machine, measured in turn with the same kafka-clients code (RegionBench.java):
#   ready     launch of the 3 processes until the cluster is ready for work: 3 brokers and a
#             controller in DescribeCluster, a topic with 3 replicas created, one acks=all record
#             acknowledged on each of its 3 partitions (seconds)
#   failover  kill -9 of the controller's process until a CreateTopics through the others succeeds
#             (milliseconds); Kafka's controller is the KRaft quorum leader, Meridian's the
#             region's controller
# Every repeat starts both clusters from empty data directories. Prints each figure, the medians
# and Meridian/Kafka ratios; the log and a CSV go to $BENCH_RESULTS (default ./bench-results).
#
# Usage: ops/bench/region-vs-kafka.sh [REPEATS=3]
#   environment: MERIDIAN_NO_BUILD=1 (use the jars as they are)
# Needs: ../shared/bench (fetches Kafka from Maven Central on first use), bc. Ports: Kafka
# 127.0.0.1:19192-19194 (controllers 19292-19294), Meridian Kafka 29192-29194, HTTP 28180-28182,
# cluster 29292-29294. Both run with -Xmx512m per node.
set -euo pipefail
REPS="${1:-3}"
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
ANCHORS="${ANCHORS:-$ROOT/../shared/bench}"
source "$ANCHORS/lib.sh"
OUT="${BENCH_RESULTS:-$ROOT/bench-results}"; mkdir -p "$OUT"
STAMP="$(date +%Y%m%d-%H%M%S)"; LOG="$OUT/region-vs-kafka-$STAMP.log"; CSV="$OUT/region-vs-kafka-$STAMP.csv"
KBASE=19192; MBASE=29192; MHTTP=28180; MCLUSTER=29292
MDATA="$(mktemp -d /tmp/meridian-region-bench.XXXX)"
MPORT=$MBASE  # for lib-meridian.sh
source "$ROOT/ops/bench/lib-meridian.sh"   # meridian_build, MCP, the 3-node region
meridian_build

bench() { "$JAVA" -Xmx256m $TOOL_LOG -cp "$CP" "$ROOT/ops/bench/RegionBench.java" "$@"; }
kv() { echo "$2" | sed -nE "s/.*$1=([^ ]+).*/\1/p"; }
KBOOT="127.0.0.1:$KBASE,127.0.0.1:$((KBASE + 1)),127.0.0.1:$((KBASE + 2))"
MBOOT="127.0.0.1:$MBASE,127.0.0.1:$((MBASE + 1)),127.0.0.1:$((MBASE + 2))"
trap 'stop_region; "$ANCHORS/kafka-cluster-stop.sh" rvk >/dev/null 2>&1 || true; rm -rf "$MDATA"' EXIT

write_region_yaml
echo "rep,system,ready_s,failover_ms,controller" > "$CSV"
for rep in $(seq 1 "$REPS"); do
  echo "== repeat $rep: Apache Kafka $KAFKA_VERSION, 3 nodes (KRaft)" | tee -a "$LOG"
  t_before=$(now_ms)
  line=$("$ANCHORS/kafka-cluster-start.sh" rvk 3 "$KBASE" | tee -a "$LOG")
  t_after=$(now_ms)
  # kafka-cluster-start.sh formats the storage first; its startup_s counts from the launch
  ports_s=$(kv startup_s "$line")
  klaunch=$(echo "$t_after - $ports_s * 1000" | bc | cut -d. -f1)
  kready=$(bench ready "$KBOOT" 3 "$klaunch" | tee -a "$LOG" | grep ready_s)
  kpids=""
  for i in 1 2 3; do kpids+="${kpids:+,}$i:$(cat /tmp/anchor-rvk/node-$i/kafka.pid)"; done
  kfail=$(bench failover "$KBOOT" "$kpids" | tee -a "$LOG" | grep failover_ms)
  "$ANCHORS/kafka-cluster-stop.sh" rvk >> "$LOG" 2>&1
  echo "kafka ready_s=$(kv ready_s "$kready") $kfail (format+launch took $((t_after - t_before)) ms)" | tee -a "$LOG"
  echo "$rep,kafka,$(kv ready_s "$kready"),$(kv failover_ms "$kfail"),$(kv controller "$kfail")" >> "$CSV"

  echo "== repeat $rep: Meridian, 3 nodes" | tee -a "$LOG"
  start_region
  mready=$(bench ready "$MBOOT" 3 "$MLAUNCH" | tee -a "$LOG" | grep ready_s)
  mpids=""
  for i in 1 2 3; do mpids+="${mpids:+,}$i:${MPIDS[$((i - 1))]}"; done
  mfail=$(bench failover "$MBOOT" "$mpids" | tee -a "$LOG" | grep failover_ms)
  stop_region
  echo "meridian ready_s=$(kv ready_s "$mready") $mfail" | tee -a "$LOG"
  echo "$rep,meridian,$(kv ready_s "$mready"),$(kv failover_ms "$mfail"),$(kv controller "$mfail")" >> "$CSV"
done

median() {  # system column -> median of that column
  awk -F, -v s="$1" -v c="$2" '$2 == s { print $c }' "$CSV" | sort -g |
    awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
kr=$(median kafka 3); mr=$(median meridian 3); kf=$(median kafka 4); mf=$(median meridian 4)
{
  echo "== medians over $REPS repeats"
  echo "start to ready region:            kafka ${kr} s   meridian ${mr} s   meridian/kafka $(echo "scale=2; $mr / $kr" | bc)"
  echo "kill -9 controller to CreateTopics: kafka ${kf} ms  meridian ${mf} ms  meridian/kafka $(echo "scale=2; $mf / $kf" | bc)"
  echo "csv: $CSV"
} | tee -a "$LOG"
