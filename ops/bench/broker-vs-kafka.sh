#!/usr/bin/env bash
# Apache Kafka and a Meridian node side by side on this machine, measured in turn with the same
# kafka-clients tools: ProducerPerformance (kafka-producer-perf-test) for produce MB/s and latency,
# an assign()-based consumer (AssignConsumerPerf.java; kafka-consumer-perf-test needs groups) for
# consume MB/s, 1 KB and 100 B records x acks 1/all x compression none/lz4, 6 partitions; plus
# start-to-ready time and idle RSS of each broker. Prints every figure and Meridian/Kafka ratios.
#
# Usage: ops/bench/broker-vs-kafka.sh [NUM_RECORDS=1000000] [REPEATS=1]
# Needs: ../shared/bench (fetches Kafka from Maven Central on first use); builds Meridian's
# cluster-node jar first unless MERIDIAN_NO_BUILD=1. Ports: Kafka 127.0.0.1:19092, Meridian 127.0.0.1:29092.
set -euo pipefail
N="${1:-1000000}"; REPS="${2:-1}"
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
ANCHORS="${ANCHORS:-$ROOT/../shared/bench}"
source "$ANCHORS/lib.sh"
OUT="${BENCH_RESULTS:-$ROOT/bench-results}"; mkdir -p "$OUT"
STAMP="$(date +%Y%m%d-%H%M%S)"; CSV="$OUT/broker-vs-kafka-$STAMP.csv"; LOG="$OUT/broker-vs-kafka-$STAMP.log"
KPORT=19092; MPORT=29092; MHTTP=28080
MDATA="$(mktemp -d /tmp/meridian-bench.XXXX)"

source "$ROOT/ops/bench/lib-meridian.sh"   # meridian_build, MCP, rss_mb, start_meridian, stop_meridian
meridian_build

consume() { timeout 400 "$JAVA" -Xmx1g $TOOL_LOG -cp "$CP" "$ROOT/ops/bench/AssignConsumerPerf.java" "$@"; }

run_one() { # NAME BOOTSTRAP PID REP SIZE ACKS COMP
  local name="$1" bs="$2" pid="$3" rep="$4" size="$5" acks="$6" comp="$7" topic p c prow crow
  topic="bench-$size-$acks-$comp-$rep-$RANDOM"
  "$ANCHORS/topic-create.sh" "$bs" "$topic" 6 1 >> "$LOG" 2>&1
  p=$("$ANCHORS/perf-produce.sh" "$bs" "$topic" "$N" "$size" "$acks" "$comp" 2>&1 | tee -a "$LOG" | grep '99th' | tail -1)
  c=$(consume "$bs" "$topic" "$N" 2>&1 | tee -a "$LOG" | grep RESULT | tail -1)
  # "N records sent, X records/sec (Y MB/sec), A ms avg latency, M ms max latency, p50 .., p95 .., p99 .., p99.9 .."
  prow=$(echo "$p" | sed -E "s/[()]//g" | awk '{gsub(/,/,""); print $4","$6","$8","$16","$22}')
  crow=$(echo "$c" | sed -E 's/.*MBps=([0-9.]+) recps=([0-9]+).*/\1,\2/')
  echo "$name,$rep,$size,$acks,$comp,$prow,$crow,$(cut -d' ' -f1 /proc/loadavg),$(rss_mb "$pid")" | tee -a "$CSV"
}

echo "broker,rep,size,acks,comp,prod_rec_s,prod_MB_s,avg_ms,p50_ms,p99_ms,cons_MB_s,cons_rec_s,load1,rss_MB" > "$CSV"
# Both brokers run side by side (one idle while the other is measured) and every configuration
# is measured on Kafka and then on Meridian, so background load drifts affect both alike.
echo "== Apache Kafka $KAFKA_VERSION" | tee -a "$LOG"
KSTART=$("$ANCHORS/kafka-start.sh" bvk "$KPORT" | tee -a "$LOG" | sed -E 's/.*startup_s=([0-9.]+).*/\1/')
KPID=$(cat /tmp/anchor-bvk/kafka.pid)
sleep 5; KIDLE=$(rss_mb "$KPID")
echo "== Meridian" | tee -a "$LOG"
MSTART=$(start_meridian | tee -a "$LOG" | sed -E 's/.*startup_s=([0-9.]+).*/\1/')
MPID=$(cat "$MDATA/pid")
sleep 5; MIDLE=$(rss_mb "$MPID")
trap 'stop_meridian; "$ANCHORS/kafka-stop.sh" bvk >/dev/null 2>&1 || true; rm -rf "$MDATA"' EXIT

for rep in $(seq 1 "$REPS"); do
  for size in 1000 100; do for acks in 1 all; do for comp in none lz4; do
    run_one kafka "127.0.0.1:$KPORT" "$KPID" "$rep" "$size" "$acks" "$comp"
    run_one meridian "127.0.0.1:$MPORT" "$MPID" "$rep" "$size" "$acks" "$comp"
  done; done; done
done

echo
echo "start-to-ready: kafka ${KSTART}s meridian ${MSTART}s ratio $(echo "scale=2; $MSTART / $KSTART" | bc)"
echo "idle RSS (5 s after start; Kafka -Xms1g -Xmx1g, Meridian -Xmx1g): kafka ${KIDLE} MB meridian ${MIDLE} MB"
echo
python3 - "$CSV" <<'PY'
import csv, sys, statistics
rows = list(csv.DictReader(open(sys.argv[1])))
key = lambda r: (r["size"], r["acks"], r["comp"])
groups = {}
for r in rows:
    groups.setdefault(key(r), {}).setdefault(r["broker"], []).append(r)
def med(rs, f):
    return statistics.median(float(r[f]) for r in rs)
print(f"{'size':>5} {'acks':>4} {'comp':>5} | {'prod MB/s K':>11} {'M':>7} {'M/K':>5} | {'p99 ms K':>8} {'M':>7} | {'cons MB/s K':>11} {'M':>7} {'M/K':>5}")
for k in sorted(groups):
    g = groups[k]
    if "kafka" not in g or "meridian" not in g:
        continue
    kp, mp = med(g["kafka"], "prod_MB_s"), med(g["meridian"], "prod_MB_s")
    kl, ml = med(g["kafka"], "p99_ms"), med(g["meridian"], "p99_ms")
    kc, mc = med(g["kafka"], "cons_MB_s"), med(g["meridian"], "cons_MB_s")
    print(f"{k[0]:>5} {k[1]:>4} {k[2]:>5} | {kp:11.1f} {mp:7.1f} {mp/kp:5.2f} | {kl:8.0f} {ml:7.0f} | {kc:11.1f} {mc:7.1f} {mc/kc:5.2f}")
PY
echo "csv: $CSV  log: $LOG"
