#!/usr/bin/env bash
# Long replication chaos: the scenarios of conformance-tests' ReplicationIT with many more leader
# kills. Three real node processes (RF 3, min.insync.replicas 2) under an idempotent acks=all
# producer; each cycle kill -9s the partition's leader, waits for a new leader from the ISR and
# 100 more acknowledged writes, restarts the old leader and waits for it to rejoin the ISR.
# Afterwards every acknowledged record must be read back exactly once and in order, a consumer that
# read throughout must have seen exactly the final log, and the three replicas must hold the same
# batches on disk. The other two scenarios (SIGSTOP of the leader; a rolling SIGTERM restart and a
# kill -9 of the whole region) run once.
#
# Usage: ops/chaos/replication.sh [CYCLES=40]
# Bounded: every wait in the scenarios has a deadline; the run stops by itself (about 20 s per
# cycle on 2 cores). Output: the JUnit report and the measured failover times (grep ReplicationIT:).
set -euo pipefail
CYCLES="${1:-40}"
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
mvn -B -q install -DskipTests -Dcheckstyle.skip -Dspotless.check.skip \
  -pl region-config,test-support,cluster-node -am
MERIDIAN_CHAOS_CYCLES="$CYCLES" mvn -B verify -pl conformance-tests \
  -Dit.test=ReplicationIT -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
  -Dcheckstyle.skip -Dspotless.check.skip 2>&1 | tee /tmp/meridian-chaos-replication.log \
  | grep -E "ReplicationIT:|Tests run:|FAIL|ERROR\]" || true
grep -q "Tests run: 3, Failures: 0, Errors: 0" /tmp/meridian-chaos-replication.log
