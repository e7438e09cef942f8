#!/usr/bin/env bash
# Consumer groups on Apache Kafka and a Meridian node side by side on this machine, measured in
# turn with the same kafka-clients code (GroupBench.java): a group of 3 consumers reading
# NUM_RECORDS x 100 B records from a 6-partition topic (MB/s), and the time a rebalance takes when
# a 4th member joins a group of 3, until every partition is consumed again (3 trials, median).
# Each measurement runs once per group protocol: classic (JoinGroup/SyncGroup, the client's range
# assignor: eager) and consumer (KIP-848: the coordinator's uniform assignor, incremental; there
# "consumed again" means every partition that moved delivers to its new owner, the others never
# stop). Prints every figure and Meridian/Kafka ratios per protocol.
#
# Usage: ops/bench/group-vs-kafka.sh [NUM_RECORDS=5000000] [REPEATS=1]
#   environment: REBALANCE_TRIALS (3) joins per rebalance run, REBALANCE_RATE (1000) records/s
#   the background producer writes during the rebalance runs, GROUP_PROTOCOLS ("classic consumer")
#   the protocols to measure, MERIDIAN_NO_BUILD=1
# Needs: ../shared/bench (fetches Kafka from Maven Central on first use); builds Meridian's
# cluster-node jar first unless MERIDIAN_NO_BUILD=1. Ports: Kafka 127.0.0.1:19092, Meridian 127.0.0.1:29092
# (HTTP 28080, cluster port ephemeral).
# Both brokers run with group.initial.rebalance.delay.ms=0 (kafka-start.sh sets it for Kafka;
# Meridian's region config gets "groupInitialRebalanceDelayMs: 0" in its broker: section), so a
# new group is not held back 3 s waiting for more members on either. Meridian's startup_s runs
# until the node is ready (Kafka port open and, with curl, GET /v1/health answering 200).
set -euo pipefail
N="${1:-5000000}"; REPS="${2:-1}"
TRIALS="${REBALANCE_TRIALS:-3}"; RATE="${REBALANCE_RATE:-1000}"
PROTOCOLS="${GROUP_PROTOCOLS:-classic consumer}"
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
ANCHORS="${ANCHORS:-$ROOT/../shared/bench}"
source "$ANCHORS/lib.sh"
OUT="${BENCH_RESULTS:-$ROOT/bench-results}"; mkdir -p "$OUT"
STAMP="$(date +%Y%m%d-%H%M%S)"; LOG="$OUT/group-vs-kafka-$STAMP.log"
CCSV="$OUT/group-vs-kafka-consume-$STAMP.csv"; RCSV="$OUT/group-vs-kafka-rebalance-$STAMP.csv"
KPORT=19092; MPORT=29092; MHTTP=28080
MDATA="$(mktemp -d /tmp/meridian-bench.XXXX)"

source "$ROOT/ops/bench/lib-meridian.sh"   # meridian_build, MCP, rss_mb, start_meridian, stop_meridian
meridian_build

kv() { echo "$2" | sed -nE "s/.* $1=([^ ]+).*/\1/p"; }  # KEY LINE -> value of KEY=value in LINE
load1() { cut -d' ' -f1 /proc/loadavg; }

echo "== Apache Kafka $KAFKA_VERSION" | tee -a "$LOG"
"$ANCHORS/kafka-start.sh" gvk "$KPORT" | tee -a "$LOG"
KPID=$(cat /tmp/anchor-gvk/kafka.pid)
trap 'stop_meridian; "$ANCHORS/kafka-stop.sh" gvk >/dev/null 2>&1 || true; rm -rf "$MDATA"' EXIT
echo "== Meridian" | tee -a "$LOG"
start_meridian "groupInitialRebalanceDelayMs: 0" | tee -a "$LOG"
MPID=$(cat "$MDATA/pid")

declare -A BS=([kafka]="127.0.0.1:$KPORT" [meridian]="127.0.0.1:$MPORT")
declare -A PID=([kafka]="$KPID" [meridian]="$MPID")
TOPIC="group-bench-$STAMP"; RTOPIC="group-rebalance-$STAMP"

# the data: N x 100 B, acks=1, into a 6-partition topic on each broker
for b in kafka meridian; do
  "$ANCHORS/topic-create.sh" "${BS[$b]}" "$TOPIC" 6 1 >> "$LOG" 2>&1
  "$ANCHORS/topic-create.sh" "${BS[$b]}" "$RTOPIC" 6 1 >> "$LOG" 2>&1
  p=$("$ANCHORS/perf-produce.sh" "${BS[$b]}" "$TOPIC" "$N" 100 1 none 2>&1 | tee -a "$LOG" | grep '99th' | tail -1)
  echo "$b produce: $p (load $(load1))" | tee -a "$LOG"
done

# warm-up, not counted: the first group a fresh broker sees creates __consumer_offsets (Kafka 50
# partitions, Meridian 10); one group reading 1 record on each takes that cost out
for b in kafka meridian; do
  w=$(timeout 120 "$JAVA" -Xmx1g $TOOL_LOG -cp "$CP" "$ROOT/ops/bench/GroupBench.java" \
        consume "${BS[$b]}" "$TOPIC" 1 "warmup-$RANDOM" 2>&1 | tee -a "$LOG" | grep '^RESULT' | tail -1) || true
  echo "$b warm-up (first group, 1 record): first_record_s=$(kv first_record_s "$w")" | tee -a "$LOG"
done

echo "broker,protocol,rep,records,seconds,MBps,recps,first_record_s,from_first_MBps,duplicates,per_consumer,load1,rss_MB" > "$CCSV"
echo "broker,protocol,rep,trial,seconds,revoked_s,assigned_s,form_s,generation,load1" > "$RCSV"
# every measurement on Kafka and then on Meridian, so background load drifts hit both alike
for proto in $PROTOCOLS; do
  for rep in $(seq 1 "$REPS"); do
    for b in kafka meridian; do
      echo "== $b consume, $proto, rep $rep" >> "$LOG"
      r=$(GROUP_PROTOCOL="$proto" timeout 400 "$JAVA" -Xmx1g $TOOL_LOG -cp "$CP" "$ROOT/ops/bench/GroupBench.java" \
            consume "${BS[$b]}" "$TOPIC" "$N" "consume-$proto-$rep-$RANDOM" 2>&1 | tee -a "$LOG" | grep '^RESULT' | tail -1) || true
      [[ -n "$r" ]] || { echo "$b consume $proto rep $rep: no result, see $LOG" >&2; continue; }
      echo "$b,$proto,$rep,$(kv records "$r"),$(kv seconds "$r"),$(kv MBps "$r"),$(kv recps "$r"),$(kv first_record_s "$r"),$(kv from_first_MBps "$r"),$(kv duplicates "$r"),$(kv per_consumer "$r"),$(load1),$(rss_mb "${PID[$b]}")" | tee -a "$CCSV"
    done
  done
  for rep in $(seq 1 "$REPS"); do
    for b in kafka meridian; do
      echo "== $b rebalance, $proto, rep $rep" >> "$LOG"
      out=$(GROUP_PROTOCOL="$proto" timeout 480 "$JAVA" -Xmx1g $TOOL_LOG -cp "$CP" "$ROOT/ops/bench/GroupBench.java" \
              rebalance "${BS[$b]}" "$RTOPIC" "rebalance-$proto-$rep-$RANDOM" "$TRIALS" "$RATE" 2>&1 | tee -a "$LOG") || true
      while read -r line; do
        t=$(echo "$line" | awk '{print $2}')
        echo "$b,$proto,$rep,$t,$(kv seconds "$line"),$(kv revoked_s "$line"),$(kv assigned_s "$line"),$(kv form_s "$line"),$(kv generation "$line"),$(load1)" | tee -a "$RCSV"
      done < <(echo "$out" | grep '^TRIAL' || true)
      echo "$out" | grep '^RESULT' || echo "$b rebalance $proto rep $rep: no result, see $LOG" >&2
    done
  done
done

echo
python3 - "$CCSV" "$RCSV" <<'PY'
import csv, sys, statistics, math
def med(xs):
    xs = [float(x) for x in xs if x not in ("", "NaN", "nan")]
    return statistics.median(xs) if xs else float("nan")
cons = list(csv.DictReader(open(sys.argv[1])))
reb = list(csv.DictReader(open(sys.argv[2])))
def by(rows, b, f, p):
    return med(r[f] for r in rows if r["broker"] == b and r["protocol"] == p)
def ratio(m, k):
    return m / k if k and not math.isnan(k) and not math.isnan(m) else float("nan")
for p in dict.fromkeys(r["protocol"] for r in cons + reb):
    print(f"== group.protocol={p}")
    print(f"{'consume, 3 consumers (medians)':<44} {'Kafka':>8} {'Meridian':>9} {'M/K':>6}")
    for f, label in [("MBps", "MB/s, first subscribe to last record"),
                     ("from_first_MBps", "MB/s, first record to last record"),
                     ("seconds", "seconds, first subscribe to last record"),
                     ("first_record_s", "seconds, first subscribe to first record")]:
        k, m = by(cons, "kafka", f, p), by(cons, "meridian", f, p)
        print(f"{label:<44} {k:8.2f} {m:9.2f} {ratio(m, k):6.2f}")
    print()
    print(f"{'rebalance, 4th member joins 3 (medians)':<44} {'Kafka':>8} {'Meridian':>9} {'M/K':>6}")
    for f, label in [("seconds", "s until every partition consumed again"),
                     ("revoked_s", "s until the old members learned of it"),
                     ("assigned_s", "s until all 4 assigned"),
                     ("form_s", "s to form the group of 3 (flowing)")]:
        k, m = by(reb, "kafka", f, p), by(reb, "meridian", f, p)
        print(f"{label:<44} {k:8.3f} {m:9.3f} {ratio(m, k):6.2f}")
    for b in ("kafka", "meridian"):
        print(f"  {b} trials (s): " + " ".join(r["seconds"] for r in reb if r["broker"] == b and r["protocol"] == p))
    print()
PY
echo "csv: $CCSV $RCSV  log: $LOG"
