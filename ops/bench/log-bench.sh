#!/usr/bin/env bash
# Partition log throughput: append and read of 1 KB and 100 B records in 16 KB batches.
#
#   ops/bench/log-bench.sh
#
# Runs dev.meridian.node.tools.LogBench (cluster-node) for each record size, REPEATS times,
# each run appending TOTAL bytes into a fresh log in DIR (page cache, no fsync) and then
# reading it all back from offset 0 in 1 MiB fetches; prints every run and a table of the
# medians. DIR is on the normal disk (not tmpfs) and is deleted at the end. Takes about 25 s
# on a 2-core box (well under 3 minutes even when it is loaded); results: docs/benchmarks.md.
#
# environment (all optional):
#   LOGBENCH_DIR          data directory              (default /tmp/meridian-logbench)
#   LOGBENCH_TOTAL_BYTES  log bytes appended per run  (default 1g; k/m/g suffixes)
#   LOGBENCH_REPEATS      runs per record size        (default 3; the table shows the median)
#   LOGBENCH_SIZES        record value sizes          (default "1024 100")
#   LOGBENCH_COMPRESSION  none or lz4                 (default none)
#   LOGBENCH_RUN_TIMEOUT  seconds before a run is killed (default 120)
#   MERIDIAN_NO_BUILD=1   do not check whether the cluster-node jar is stale
#   JAVA_OPTS             JVM options (default -Xms1g -Xmx1g -XX:+AlwaysPreTouch)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DIR="${LOGBENCH_DIR:-/tmp/meridian-logbench}"
TOTAL="${LOGBENCH_TOTAL_BYTES:-1g}"
REPEATS="${LOGBENCH_REPEATS:-3}"
SIZES="${LOGBENCH_SIZES:-1024 100}"
COMPRESSION="${LOGBENCH_COMPRESSION:-none}"
RUN_TIMEOUT="${LOGBENCH_RUN_TIMEOUT:-120}"
BATCH_BYTES=16384
MAIN_CLASS="dev.meridian.node.tools.LogBench"
# A fixed, pre-touched heap: the bench should see a warm heap, as a long-running broker does.
# (On VMs whose memory is faulted in lazily, the first touch of fresh heap pages otherwise
# dominates the read numbers.)
JAVA_OPTS="${JAVA_OPTS:--Xms1g -Xmx1g -XX:+AlwaysPreTouch}"

die() {
  echo "log-bench: $*" >&2
  exit 1
}

node_jar() {
  local jar
  for jar in "$ROOT"/cluster-node/target/cluster-node-*.jar; do
    case "$jar" in
      *-tests.jar | *-sources.jar | *-javadoc.jar) ;;
      *) [[ -f "$jar" ]] && { printf '%s\n' "$jar"; return 0; } ;;
    esac
  done
  return 1
}

needs_build() {
  local jar newer
  jar="$(node_jar)" || return 0
  [[ -d "$ROOT/cluster-node/target/lib" ]] || return 0
  newer="$(find "$ROOT/pom.xml" "$ROOT/cluster-node" "$ROOT/region-config" \
    \( -name target -o -name .git \) -prune \
    -o -type f \( -path '*/src/main/*' -o -name pom.xml \) -newer "$jar" -print -quit)"
  [[ -n "$newer" ]]
}

ensure_built() {
  if [[ "${MERIDIAN_NO_BUILD:-}" != 1 ]] && needs_build; then
    command -v mvn >/dev/null || die "the cluster-node jar is missing or stale and mvn is not on PATH"
    echo "log-bench: building cluster-node (mvn install, tests skipped) ..." >&2
    (cd "$ROOT" && mvn -B -q -Dstyle.color=never -DskipTests -Dspotless.check.skip \
      -Dcheckstyle.skip -pl cluster-node -am install) >&2 || die "build failed"
  fi
  node_jar >/dev/null || die "no cluster-node jar in $ROOT/cluster-node/target"
}

median() { # median of the numbers on stdin
  sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "n/a";
    else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.1f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

field() { # field NAME < RESULT lines: the values of NAME=...
  sed -n "s/.* $1=\([^ ]*\).*/\1/p"
}

ensure_built
JAR="$(node_jar)"
JAVA="java"
[[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]] && JAVA="$JAVA_HOME/bin/java"

RESULTS="$(mktemp -t log-bench.XXXXXX)"
cleanup() {
  rm -f "$RESULTS"
  rm -rf "$DIR"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "log-bench: $(date -u '+%Y-%m-%dT%H:%M:%SZ'), $(nproc) cores," \
  "$(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)," \
  "$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -1)"
echo "log-bench: dir $DIR ($(df -P "$(dirname "$DIR")" | awk 'NR == 2 { print $1 }')), $TOTAL per run," \
  "batches of $BATCH_BYTES B, compression $COMPRESSION, $REPEATS repeats, JAVA_OPTS=$JAVA_OPTS"
echo "log-bench: load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

for size in $SIZES; do
  for ((i = 1; i <= REPEATS; i++)); do
    # shellcheck disable=SC2086 # JAVA_OPTS is split on purpose
    out="$(timeout "$RUN_TIMEOUT" "$JAVA" $JAVA_OPTS -cp "$JAR:$ROOT/cluster-node/target/lib/*" \
      "$MAIN_CLASS" --dir "$DIR" --record-size "$size" --batch-bytes "$BATCH_BYTES" \
      --total-bytes "$TOTAL" --compression "$COMPRESSION" --mode both)" \
      || die "run $i for record size $size failed or timed out:"$'\n'"$out"
    grep "^RESULT " <<<"$out" | tee -a "$RESULTS" || die "run $i for record size $size printed no RESULT line"
  done
done

echo "log-bench: load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "median of $REPEATS runs (MB = 10^6 bytes; MB/s counts whole stored batches; reads from a"
echo "warm page cache; load = 1-minute load average at the end of each run, min-max):"
echo
printf '| %-6s | %-6s | %-11s | %9s | %13s | %11s | %-16s | %-9s |\n' \
  record mode compression "MB/s" "records/s" "batches/s" "MB/s of runs" load
printf '|--------|--------|-------------|----------:|--------------:|------------:|------------------|-----------|\n'
for size in $SIZES; do
  for mode in append read; do
    lines="$(grep "^RESULT mode=$mode record=$size " "$RESULTS" || true)"
    [[ -n "$lines" ]] || continue
    mbps="$(field MBps <<<"$lines" | median)"
    recps="$(field recps <<<"$lines" | median)"
    batchps="$(field batchps <<<"$lines" | median)"
    all="$(field MBps <<<"$lines" | awk '{ printf "%s%.0f", (NR > 1 ? " " : ""), $1 }')"
    load="$(field load1 <<<"$lines" | sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END { print lo "-" hi }')"
    printf '| %-6s | %-6s | %-11s | %9.0f | %13.0f | %11.0f | %-16s | %-9s |\n' \
      "$size B" "$mode" "$COMPRESSION" "$mbps" "$recps" "$batchps" "$all" "$load"
  done
done
