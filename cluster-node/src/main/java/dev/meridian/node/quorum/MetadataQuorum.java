package dev.meridian.node.quorum;

import dev.meridian.node.metadata.MetadataImage;
import dev.meridian.node.metadata.MetadataRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replicated metadata log of a region, one instance per node: which node is the controller, in
 * which epoch, and which entries are committed. A state machine with time passed in: it reacts to
 * messages, membership views, epoch claims and ticks, and acts through a {@link QuorumEnv}; the
 * simulation and the real node drive the same code.
 *
 * <p>The protocol is Raft's log replication with a view-change election (as in Viewstamped
 * Replication):
 *
 * <ul>
 *   <li><b>Who stands.</b> The oldest member of the node's membership view stands when the view
 *       holds a majority of the region's configured nodes and no controller is heard from. It
 *       claims a fresh epoch from the region's epoch register ({@link QuorumEnv#claimEpoch}).
 *   <li><b>Promises.</b> It asks every node to promise (durably) to follow no lower epoch. A node
 *       promises each epoch to one candidate only, and answers with where its log ends.
 *   <li><b>Adopting the most up-to-date log.</b> With promises from a majority, the candidate takes
 *       the log of the promiser whose last entry is newest (highest epoch, then version), fetching
 *       what it lacks. Any committed entry is on a majority, so it is in that log.
 *   <li><b>Office.</b> The controller appends a {@link MetadataRecord.Controller} entry of its
 *       epoch and replicates its log; followers truncate entries that conflict. An entry is
 *       committed when a majority stores it and the controller's own epoch has an entry committed
 *       at or after it (Raft's rule). A follower applies committed entries only.
 *   <li><b>Fencing.</b> A node rejects appends of an epoch below its promise; a controller that
 *       sees a higher epoch, loses the majority of its view, or hears from no majority for {@code
 *       leaderTimeoutMs} resigns. So a minority side of a split region commits nothing.
 * </ul>
 *
 * <p>Safety does not rest on the membership view or the epoch register, only on promises and
 * majorities; those make the protocol quick (the oldest member stands at once when the controller
 * leaves) and keep rival candidates apart. Not thread-safe: one thread drives it.
 */
public final class MetadataQuorum {
  private static final Logger LOG = LoggerFactory.getLogger(MetadataQuorum.class);
  private static final int MAX_ENTRIES_PER_MESSAGE = 500;

  /** The role of this node. */
  public enum Role {
    FOLLOWER,
    CLAIMING,
    CANDIDATE,
    FETCHING,
    LEADER
  }

  /** Thrown by {@link #propose} on a node that is not the controller. */
  public static final class NotLeaderException extends Exception {
    private static final long serialVersionUID = 1L;

    NotLeaderException(String message) {
      super(message);
    }
  }

  private record Grant(long lastVersion, long lastEpoch) {}

  private final int self;

  /** The voters in id order (iteration order must not depend on the JVM: simulations replay). */
  private final List<Integer> voters;

  private final int majority;
  private final QuorumStore store;
  private final QuorumEnv env;
  private final QuorumListener listener;
  private final QuorumTimings timings;
  private final Random random;

  private Role role = Role.FOLLOWER;
  private long epoch;
  private long highestSeenEpoch;
  private int leaderId = -1;
  private long lastLeaderContactMs = Long.MIN_VALUE / 2;
  private long nextStandMs;
  private long deadlineMs;
  private List<Integer> view = List.of();

  private final Map<Integer, Grant> grants = new HashMap<>();
  private int fetchFrom = -1;
  private Grant fetchTarget;

  private final Map<Integer, Long> nextVersion = new HashMap<>();
  private final Map<Integer, Long> matchVersion = new HashMap<>();
  private final Map<Integer, Long> lastAckMs = new HashMap<>();
  private long leaderSinceMs;
  private long lastHeartbeatMs;

  private MetadataImage committed = MetadataImage.EMPTY;
  private MetadataImage pending = MetadataImage.EMPTY;

  /**
   * @param self this node's id
   * @param voters the ids of the region's configured nodes (this one included)
   * @param random jitter for the backoff after a failed candidacy (seeded in simulations)
   */
  public MetadataQuorum(
      int self,
      Set<Integer> voters,
      QuorumStore store,
      QuorumEnv env,
      QuorumListener listener,
      QuorumTimings timings,
      Random random) {
    if (!voters.contains(self)) {
      throw new IllegalArgumentException("node " + self + " is not one of the voters " + voters);
    }
    this.self = self;
    this.voters = List.copyOf(new TreeSet<>(voters));
    this.majority = voters.size() / 2 + 1;
    this.store = store;
    this.env = env;
    this.listener = listener;
    this.timings = timings;
    this.random = random;
  }

  // ---- queries ---------------------------------------------------------------------------------

  public int nodeId() {
    return self;
  }

  public Role role() {
    return role;
  }

  public boolean isLeader() {
    return role == Role.LEADER;
  }

  /** The epoch this node acts in (its promise). */
  public long epoch() {
    return epoch;
  }

  /** The controller this node follows, itself when leader, or -1 when it knows none. */
  public int leaderId() {
    return leaderId;
  }

  /** The image of the committed entries. */
  public MetadataImage committedImage() {
    return committed;
  }

  /** The controller's image including the entries it appended but that are not committed yet. */
  public MetadataImage pendingImage() {
    return role == Role.LEADER ? pending : committed;
  }

  public long commitVersion() {
    return committed.version();
  }

  public long lastVersion() {
    return store.lastVersion();
  }

  /** The number of configured nodes that form a majority. */
  public int majority() {
    return majority;
  }

  // ---- inputs ----------------------------------------------------------------------------------

  /** Loads the committed image from the store (snapshot plus entries up to the recorded commit). */
  public void start(long nowMs) {
    epoch = store.promisedEpoch();
    highestSeenEpoch = epoch;
    Snapshot s = store.snapshot();
    committed = s.image();
    long commit = Math.min(store.commitVersion(), store.lastVersion());
    List<LogEntry> applied = applyCommitted(commit);
    pending = committed;
    nextStandMs = nowMs;
    listener.onCommitted(committed, applied);
    LOG.info(
        "node {}: metadata log loaded: snapshot at {}, entries to {}, committed {}, promised epoch"
            + " {}",
        self,
        s.version(),
        store.lastVersion(),
        committed.version(),
        epoch);
  }

  /** A new membership view: the live nodes, oldest first. */
  public void onMembership(List<Integer> liveByAge, long nowMs) {
    view = liveByAge.stream().filter(voters::contains).toList();
    if (role == Role.LEADER && view.size() < majority) {
      resign("its membership view " + view + " has no majority of " + voters);
    }
    tick(nowMs);
  }

  /** Drives timeouts, heartbeats and candidacies. */
  public void tick(long nowMs) {
    switch (role) {
      case FOLLOWER -> {
        if (shouldStand(nowMs)) {
          role = Role.CLAIMING;
          deadlineMs = nowMs + timings.candidateTimeoutMs();
          env.claimEpoch(Math.max(highestSeenEpoch, store.promisedEpoch()));
        }
      }
      case CLAIMING, CANDIDATE, FETCHING -> {
        if (nowMs > deadlineMs) {
          LOG.info("node {}: candidacy in epoch {} ({}) timed out", self, epoch, role);
          backOff(nowMs);
        }
      }
      case LEADER -> leaderTick(nowMs);
      default -> throw new IllegalStateException(role.toString());
    }
  }

  /** The epoch register granted {@code claimed}. */
  public void onEpochClaimed(long claimed, long nowMs) {
    highestSeenEpoch = Math.max(highestSeenEpoch, claimed);
    if (role != Role.CLAIMING) {
      return;
    }
    if (claimed <= store.promisedEpoch()) {
      backOff(nowMs);
      return;
    }
    store.promise(claimed, self);
    epoch = claimed;
    role = Role.CANDIDATE;
    leaderId = -1;
    deadlineMs = nowMs + timings.candidateTimeoutMs();
    grants.clear();
    grants.put(self, new Grant(store.lastVersion(), store.lastEpoch()));
    LOG.info("node {}: stands for controller in epoch {}", self, epoch);
    for (int v : voters) {
      if (v != self) {
        env.send(v, new QuorumMessage.Promise(epoch, self));
      }
    }
    maybeWin(nowMs);
  }

  /** The epoch register refused (no majority on this side). */
  public void onEpochClaimFailed(long nowMs) {
    if (role == Role.CLAIMING) {
      backOff(nowMs);
    }
  }

  /** A message from node {@code from}. */
  public void onMessage(int from, QuorumMessage message, long nowMs) {
    highestSeenEpoch = Math.max(highestSeenEpoch, message.epoch());
    if (message instanceof QuorumMessage.Promise p) {
      onPromise(from, p, nowMs);
    } else if (message instanceof QuorumMessage.PromiseReply r) {
      onPromiseReply(from, r, nowMs);
    } else if (message instanceof QuorumMessage.FetchLog f) {
      onFetchLog(from, f);
    } else if (message instanceof QuorumMessage.FetchLogReply r) {
      onFetchLogReply(from, r, nowMs);
    } else if (message instanceof QuorumMessage.Append a) {
      onAppend(from, a, nowMs);
    } else if (message instanceof QuorumMessage.InstallSnapshot s) {
      onInstallSnapshot(from, s, nowMs);
    } else if (message instanceof QuorumMessage.AppendReply r) {
      onAppendReply(from, r, nowMs);
    }
  }

  /**
   * Appends an entry of {@code records} as controller and starts replicating it.
   *
   * @return the entry's version; the change is committed when the committed image reaches it
   * @throws NotLeaderException when this node is not the controller
   * @throws IllegalArgumentException when the records do not apply to the pending image
   */
  public long propose(List<MetadataRecord> records, long nowMs) throws NotLeaderException {
    if (role != Role.LEADER) {
      throw new NotLeaderException("node " + self + " is not the controller");
    }
    long version = store.lastVersion() + 1;
    MetadataImage next = pending.apply(version, records);
    store.append(List.of(new LogEntry(version, epoch, records)));
    pending = next;
    for (int v : voters) {
      if (v != self) {
        sendAppend(v);
      }
    }
    advanceCommit(nowMs);
    return version;
  }

  // ---- candidacy -------------------------------------------------------------------------------

  private boolean shouldStand(long nowMs) {
    if (nowMs < nextStandMs || view.size() < majority || !view.contains(self)) {
      return false;
    }
    boolean leaderHeard =
        leaderId >= 0
            && leaderId != self
            && view.contains(leaderId)
            && nowMs - lastLeaderContactMs <= timings.leaderTimeoutMs();
    if (leaderHeard) {
      return false;
    }
    for (int n : view) {
      if (n == leaderId && nowMs - lastLeaderContactMs > timings.leaderTimeoutMs()) {
        continue; // a silent controller does not keep the next-oldest from standing
      }
      return n == self;
    }
    return false;
  }

  private void backOff(long nowMs) {
    role = Role.FOLLOWER;
    grants.clear();
    fetchFrom = -1;
    nextStandMs = nowMs + 1 + (long) (random.nextDouble() * timings.backoffMs());
  }

  private void onPromise(int from, QuorumMessage.Promise p, long nowMs) {
    boolean granted;
    if (p.epoch() > store.promisedEpoch()) {
      if (role == Role.LEADER) {
        resign("node " + from + " stands in the higher epoch " + p.epoch());
      }
      store.promise(p.epoch(), p.candidate());
      epoch = p.epoch();
      role = Role.FOLLOWER;
      leaderId = -1;
      // give the candidate its time before standing ourselves
      lastLeaderContactMs = nowMs;
      nextStandMs = Math.max(nextStandMs, nowMs + timings.candidateTimeoutMs());
      granted = true;
    } else {
      granted = p.epoch() == store.promisedEpoch() && store.promisedTo() == p.candidate();
    }
    env.send(
        from,
        new QuorumMessage.PromiseReply(
            p.epoch(),
            granted,
            store.promisedEpoch(),
            store.lastVersion(),
            store.lastEpoch(),
            committed.version()));
  }

  private void onPromiseReply(int from, QuorumMessage.PromiseReply r, long nowMs) {
    if (role != Role.CANDIDATE || r.epoch() != epoch) {
      return;
    }
    if (!r.granted()) {
      if (r.promisedEpoch() > epoch) {
        LOG.info(
            "node {}: node {} promised the higher epoch {}; candidacy in {} given up",
            self,
            from,
            r.promisedEpoch(),
            epoch);
        backOff(nowMs);
      }
      return;
    }
    grants.put(from, new Grant(r.lastVersion(), r.lastEpoch()));
    maybeWin(nowMs);
  }

  private void maybeWin(long nowMs) {
    if (grants.size() < majority) {
      return;
    }
    int best = self;
    Grant bestGrant = grants.get(self);
    for (Map.Entry<Integer, Grant> g : grants.entrySet()) {
      if (newer(g.getValue(), bestGrant)) {
        best = g.getKey();
        bestGrant = g.getValue();
      }
    }
    if (best == self) {
      becomeLeader(nowMs);
    } else {
      role = Role.FETCHING;
      fetchFrom = best;
      fetchTarget = bestGrant;
      deadlineMs = nowMs + timings.candidateTimeoutMs();
      LOG.info(
          "node {}: adopts the log of node {} (to version {} of epoch {}) before taking office",
          self,
          best,
          bestGrant.lastVersion(),
          bestGrant.lastEpoch());
      env.send(best, new QuorumMessage.FetchLog(epoch, committed.version() + 1));
    }
  }

  private static boolean newer(Grant a, Grant b) {
    return a.lastEpoch() > b.lastEpoch()
        || (a.lastEpoch() == b.lastEpoch() && a.lastVersion() > b.lastVersion());
  }

  private void onFetchLog(int from, QuorumMessage.FetchLog f) {
    Snapshot s = store.snapshot();
    long fromVersion = Math.max(1, f.fromVersion());
    Snapshot sendSnapshot = null;
    if (fromVersion <= s.version()) {
      sendSnapshot = s;
      fromVersion = s.version() + 1;
    }
    env.send(
        from,
        new QuorumMessage.FetchLogReply(
            f.epoch(),
            f.fromVersion(),
            sendSnapshot,
            store.entries(fromVersion, MAX_ENTRIES_PER_MESSAGE)));
  }

  private void onFetchLogReply(int from, QuorumMessage.FetchLogReply r, long nowMs) {
    if (role != Role.FETCHING || r.epoch() != epoch || from != fetchFrom) {
      return;
    }
    long base = r.fromVersion() - 1;
    if (r.snapshot() != null) {
      if (r.snapshot().version() > committed.version()) {
        installSnapshot(r.snapshot());
      }
      base = r.snapshot().version();
    }
    if (base > store.lastVersion() || base < committed.version()) {
      // a reply to an older fetch: ask again from where this log now stands
      env.send(from, new QuorumMessage.FetchLog(epoch, committed.version() + 1));
      return;
    }
    mergeEntries(base, r.entries());
    if (store.lastVersion() == fetchTarget.lastVersion()
        && store.lastEpoch() == fetchTarget.lastEpoch()) {
      becomeLeader(nowMs);
    } else if (r.entries().isEmpty()) {
      LOG.warn("node {}: node {} sent no entries to adopt; candidacy given up", self, from);
      backOff(nowMs);
    } else {
      env.send(from, new QuorumMessage.FetchLog(epoch, store.lastVersion() + 1));
    }
  }

  private void becomeLeader(long nowMs) {
    role = Role.LEADER;
    leaderId = self;
    leaderSinceMs = nowMs;
    lastHeartbeatMs = nowMs;
    grants.clear();
    fetchFrom = -1;
    pending = committed;
    if (store.lastVersion() > committed.version()) {
      for (LogEntry e : store.entries(committed.version() + 1, Integer.MAX_VALUE)) {
        pending = pending.apply(e.version(), e.records());
      }
    }
    long version = store.lastVersion() + 1;
    List<MetadataRecord> first = List.of(new MetadataRecord.Controller(self, epoch));
    pending = pending.apply(version, first);
    store.append(List.of(new LogEntry(version, epoch, first)));
    nextVersion.clear();
    matchVersion.clear();
    lastAckMs.clear();
    for (int v : voters) {
      if (v != self) {
        nextVersion.put(v, version);
        matchVersion.put(v, 0L);
        lastAckMs.put(v, nowMs);
        sendAppend(v);
      }
    }
    LOG.info("node {}: controller in epoch {} from version {}", self, epoch, version);
    listener.onLeader(epoch);
    advanceCommit(nowMs);
  }

  // ---- following -------------------------------------------------------------------------------

  /** Accepts the controller of {@code e}; false when a higher epoch was promised. */
  private boolean follow(int leader, long e, long nowMs) {
    if (e < store.promisedEpoch()) {
      return false;
    }
    if (e > store.promisedEpoch()) {
      if (role == Role.LEADER) {
        resign("node " + leader + " leads the higher epoch " + e);
      }
      store.promise(e, leader);
    }
    if (role == Role.LEADER && e == epoch && leader != self) {
      throw new IllegalStateException(
          "two controllers in epoch " + e + ": node " + self + " and node " + leader);
    }
    if (role != Role.FOLLOWER && role != Role.LEADER) {
      grants.clear();
      fetchFrom = -1;
    }
    role = Role.FOLLOWER;
    epoch = e;
    leaderId = leader;
    lastLeaderContactMs = nowMs;
    return true;
  }

  private void onAppend(int from, QuorumMessage.Append a, long nowMs) {
    if (!follow(a.leader(), a.epoch(), nowMs)) {
      env.send(
          from,
          new QuorumMessage.AppendReply(
              a.epoch(), false, store.promisedEpoch(), committed.version(), committed.version()));
      return;
    }
    long prev = a.prevVersion();
    boolean matches;
    if (prev <= committed.version()) {
      matches = true; // committed entries are the same in every log
    } else {
      matches = prev <= store.lastVersion() && store.epochAt(prev) == a.prevEpoch();
    }
    if (!matches) {
      long hint = prev > store.lastVersion() ? store.lastVersion() : committed.version();
      env.send(
          from,
          new QuorumMessage.AppendReply(
              a.epoch(), false, store.promisedEpoch(), hint, committed.version()));
      return;
    }
    List<LogEntry> fresh = new ArrayList<>();
    for (LogEntry e : a.entries()) {
      if (e.version() > committed.version()) {
        fresh.add(e);
      }
    }
    long base = Math.max(prev, committed.version());
    mergeEntries(base, fresh);
    long matched = prev + a.entries().size();
    maybeCommitTo(Math.min(a.commitVersion(), matched));
    env.send(
        from,
        new QuorumMessage.AppendReply(
            a.epoch(), true, store.promisedEpoch(), matched, committed.version()));
  }

  private void onInstallSnapshot(int from, QuorumMessage.InstallSnapshot s, long nowMs) {
    if (!follow(s.leader(), s.epoch(), nowMs)) {
      env.send(
          from,
          new QuorumMessage.AppendReply(
              s.epoch(), false, store.promisedEpoch(), committed.version(), committed.version()));
      return;
    }
    if (s.snapshot().version() > committed.version()) {
      installSnapshot(s.snapshot());
    }
    maybeCommitTo(Math.min(s.commitVersion(), s.snapshot().version()));
    env.send(
        from,
        new QuorumMessage.AppendReply(
            s.epoch(), true, store.promisedEpoch(), s.snapshot().version(), committed.version()));
  }

  /**
   * Makes the log after {@code base} (which matches the sender's) hold {@code entries}: entries
   * already present with the same epoch are kept, the first conflicting one and all after it are
   * dropped, the rest appended.
   */
  private void mergeEntries(long base, List<LogEntry> entries) {
    int i = 0;
    while (i < entries.size()) {
      LogEntry e = entries.get(i);
      if (e.version() <= base) {
        i++;
        continue;
      }
      if (e.version() > store.lastVersion()) {
        break;
      }
      if (store.epochAt(e.version()) != e.epoch()) {
        if (e.version() - 1 < committed.version()) {
          throw new IllegalStateException(
              "node " + self + ": a conflict at committed version " + e.version());
        }
        store.truncateAfter(e.version() - 1);
        break;
      }
      i++;
    }
    if (i < entries.size()) {
      List<LogEntry> rest = entries.subList(i, entries.size());
      if (rest.get(0).version() != store.lastVersion() + 1) {
        throw new IllegalStateException(
            "node "
                + self
                + ": entry "
                + rest.get(0).version()
                + " does not follow "
                + store.lastVersion());
      }
      store.append(rest);
    }
  }

  private void installSnapshot(Snapshot s) {
    store.installSnapshot(s);
    committed = s.image();
    store.commit(committed.version());
    listener.onCommitted(committed, List.of());
  }

  private void maybeCommitTo(long version) {
    long target = Math.min(version, store.lastVersion());
    if (target <= committed.version()) {
      return;
    }
    List<LogEntry> applied = applyCommitted(target);
    store.commit(committed.version());
    listener.onCommitted(committed, applied);
    maybeSnapshot();
  }

  private List<LogEntry> applyCommitted(long target) {
    if (target <= committed.version()) {
      return List.of();
    }
    List<LogEntry> entries = store.entries(committed.version() + 1, Integer.MAX_VALUE);
    List<LogEntry> applied = new ArrayList<>();
    for (LogEntry e : entries) {
      if (e.version() > target) {
        break;
      }
      committed = committed.apply(e.version(), e.records());
      applied.add(e);
    }
    return applied;
  }

  private void maybeSnapshot() {
    Snapshot s = store.snapshot();
    if (committed.version() - s.version() >= timings.snapshotEvery()) {
      store.installSnapshot(new Snapshot(store.epochAt(committed.version()), committed));
    }
  }

  // ---- leading ---------------------------------------------------------------------------------

  private void leaderTick(long nowMs) {
    int heard = 1;
    for (int v : voters) {
      if (v != self && nowMs - lastAckMs.getOrDefault(v, 0L) <= timings.leaderTimeoutMs()) {
        heard++;
      }
    }
    if (heard < majority && nowMs - leaderSinceMs > timings.leaderTimeoutMs()) {
      resign("no majority acknowledged it for " + timings.leaderTimeoutMs() + " ms");
      return;
    }
    if (nowMs - lastHeartbeatMs >= timings.heartbeatMs()) {
      lastHeartbeatMs = nowMs;
      for (int v : voters) {
        if (v != self) {
          // resend what was not acknowledged (it may have been lost)
          nextVersion.put(v, matchVersion.getOrDefault(v, 0L) + 1);
          sendAppend(v);
        }
      }
    }
  }

  private void sendAppend(int to) {
    long next = Math.max(1, nextVersion.getOrDefault(to, store.lastVersion() + 1));
    Snapshot s = store.snapshot();
    if (next <= s.version()) {
      env.send(to, new QuorumMessage.InstallSnapshot(epoch, self, s, committed.version()));
      nextVersion.put(to, s.version() + 1);
      return;
    }
    long prev = Math.min(next - 1, store.lastVersion());
    List<LogEntry> entries = store.entries(prev + 1, MAX_ENTRIES_PER_MESSAGE);
    env.send(
        to,
        new QuorumMessage.Append(
            epoch, self, prev, store.epochAt(prev), entries, committed.version()));
    nextVersion.put(to, prev + entries.size() + 1);
  }

  private void onAppendReply(int from, QuorumMessage.AppendReply r, long nowMs) {
    if (r.promisedEpoch() > epoch && role == Role.LEADER) {
      resign("node " + from + " promised the higher epoch " + r.promisedEpoch());
      return;
    }
    if (role != Role.LEADER || r.epoch() != epoch || !voters.contains(from)) {
      return;
    }
    lastAckMs.put(from, nowMs);
    if (r.ok()) {
      long match = Math.max(matchVersion.getOrDefault(from, 0L), r.matchVersion());
      matchVersion.put(from, match);
      if (nextVersion.getOrDefault(from, 0L) <= match) {
        nextVersion.put(from, match + 1);
      }
      advanceCommit(nowMs);
    } else {
      nextVersion.put(from, r.matchVersion() + 1);
    }
    if (nextVersion.getOrDefault(from, 0L) <= store.lastVersion()) {
      sendAppend(from);
    }
  }

  private void advanceCommit(long nowMs) {
    if (role != Role.LEADER) {
      return;
    }
    List<Long> matches = new ArrayList<>();
    matches.add(store.lastVersion());
    for (int v : voters) {
      if (v != self) {
        matches.add(matchVersion.getOrDefault(v, 0L));
      }
    }
    matches.sort((a, b) -> Long.compare(b, a));
    long candidate = matches.get(majority - 1);
    if (candidate > committed.version() && store.epochAt(candidate) == epoch) {
      maybeCommitTo(candidate);
    }
  }

  private void resign(String reason) {
    if (role != Role.LEADER) {
      return;
    }
    LOG.warn("node {}: resigns as controller of epoch {}: {}", self, epoch, reason);
    role = Role.FOLLOWER;
    leaderId = -1;
    pending = committed;
    listener.onResigned(epoch);
  }
}
