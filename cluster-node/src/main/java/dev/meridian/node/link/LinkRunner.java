package dev.meridian.node.link;

import dev.meridian.config.LinkConfig;
import dev.meridian.node.controller.ControllerRequest;
import dev.meridian.node.metadata.MetadataImage;
import dev.meridian.node.metadata.PartitionState;
import dev.meridian.node.metadata.TopicImage;
import dev.meridian.node.replication.Partition;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One mirror link as it runs on one node of its target region. Every node copies the mirror
 * partitions it leads ({@link MirrorFetcher}s, two per source node), each copy fenced by the leader
 * epoch it started in; the region's controller node also keeps the mirror topics shaped like the
 * source ({@link TopicSync}) and copies group offsets ({@link GroupOffsetSync}). One thread of its
 * own refreshes the source's metadata (every {@link #REFRESH_MS}, and at once when a source leader
 * moved) and reconciles which partitions this node copies (every 200 ms, and at once on a
 * leadership change). Calls to the source go through a circuit breaker (state DEGRADED while it is
 * open); the link's byte rate through a rate limiter.
 */
final class LinkRunner implements FetcherContext, RunningLink {
  private static final Logger LOG = LoggerFactory.getLogger(LinkRunner.class);

  /** How often the source's topics, leaders and configs are read. */
  static final long REFRESH_MS = 5_000;

  /** After how long without reaching the source a link is FAILED rather than DEGRADED. */
  static final long FAILED_AFTER_MS = 120_000;

  /** A partition whose source is ahead and whose mirror did not move for this long is STALLED. */
  static final long STALL_MS = 30_000;

  private static final int FETCHERS_PER_SOURCE_NODE = 2;

  /** How often the link reconciles what it copies with the image (and checks its timers). */
  private static final long TICK_MS = 200;

  private final LinkConfig config;
  private final Map<Integer, InetSocketAddress> configuredSourceNodes;
  private final LinkHost host;
  private final SourceView view;
  private final RateLimiter rateLimiter;
  private final ScheduledExecutorService thread;
  private final Map<String, MirrorFetcher> fetchers = new ConcurrentHashMap<>();
  private final Map<String, MirrorPartition> copies = new ConcurrentHashMap<>();
  private final AtomicLong wireBytes = new AtomicLong();
  private final AtomicLong recordBytes = new AtomicLong();
  private final TopicSync topicSync;
  private final GroupOffsetSync groupSync;
  private final Quarantine quarantine;
  private volatile boolean paused;
  private long lastRefreshMs;
  private long lastGroupSyncMs;
  private volatile boolean refreshSoon = true;
  private boolean syncedAsController;
  private volatile double bytesPerSecond;
  private volatile double recordsPerSecond;
  private long rateAtMs = System.currentTimeMillis();
  private long rateBytes;
  private long rateRecords;

  /**
   * @param configuredSourceNodes where the nodes of a source region are, as this region's config
   *     says (empty for a Kafka cluster: then the addresses the source advertises count)
   */
  LinkRunner(
      LinkConfig config,
      String sourceBootstrap,
      Map<Integer, InetSocketAddress> configuredSourceNodes,
      LinkHost host) {
    this.config = config;
    this.configuredSourceNodes = Map.copyOf(configuredSourceNodes);
    this.host = host;
    this.view = new SourceView(config, sourceBootstrap);
    this.rateLimiter = LinkGuards.rateLimiter(config.name(), config.rateLimitBytesPerSecond());
    this.topicSync = new TopicSync(config, host);
    this.groupSync = new GroupOffsetSync(config, host);
    this.quarantine = new Quarantine(config.name(), config.target(), host);
    this.thread = SourceView.thread(config);
  }

  @Override
  public LinkConfig config() {
    return config;
  }

  @Override
  public void start() {
    thread.scheduleWithFixedDelay(this::tick, 0, TICK_MS, TimeUnit.MILLISECONDS);
  }

  @Override
  public void poke() {
    thread.execute(this::reconcileQuietly);
  }

  @Override
  public void pause(boolean pause) {
    if (paused == pause) {
      return;
    }
    paused = pause;
    LOG.info("link {}: {}", config.name(), pause ? "paused" : "resumed");
    if (!pause) {
      refreshSoon = true; // its view of the source is as old as the pause
      fetchers
          .values()
          .forEach(
              f -> {
                synchronized (f) {
                  f.notifyAll();
                }
              });
    }
  }

  // ---- the link's thread -----------------------------------------------------------------------

  private void tick() {
    long now = System.currentTimeMillis();
    try {
      boolean firstAsController = host.isController() && !syncedAsController;
      if (!paused && (refreshSoon || firstAsController || now - lastRefreshMs >= REFRESH_MS)) {
        refreshSoon = false;
        lastRefreshMs = now;
        refresh();
      }
      if (!paused
          && host.isController()
          && now - lastGroupSyncMs >= config.offsetSyncIntervalMs()
          && view.source() != null) {
        lastGroupSyncMs = now;
        groupSync.sync(view.source());
      }
    } catch (Exception e) {
      view.error(e);
      LOG.debug("link {}: {}", config.name(), e.toString());
    }
    reconcileQuietly();
    updateRates(now);
  }

  private void refresh() throws Exception {
    view.refresh(
        (source, s) -> {
          syncedAsController = host.isController();
          if (syncedAsController) {
            topicSync.sync(s, source.configs(s.topics().keySet(), config.followConfigs()));
          }
        });
  }

  private void reconcileQuietly() {
    try {
      reconcile();
    } catch (RuntimeException e) {
      LOG.warn("link {}: reconciling failed", config.name(), e);
    }
  }

  /** Copies exactly the mirror partitions this node leads, each from its source leader. */
  private void reconcile() {
    MetadataImage image = host.image();
    Map<String, MirrorPartition> wanted = new HashMap<>();
    for (TopicImage t : image.topics().values()) {
      if (!config.name().equals(t.mirrorLink())) {
        continue;
      }
      for (int i = 0; i < t.partitionCount(); i++) {
        PartitionState state = t.partitions().get(i);
        if (state.leader() != host.nodeId()) {
          continue;
        }
        Partition p = host.partition(t.name(), i).orElse(null);
        if (p == null || !p.isLeader() || p.leaderEpoch() != state.leaderEpoch()) {
          continue;
        }
        String key = t.name() + "-" + i;
        MirrorPartition copy = copies.get(key);
        if (copy == null || copy.target != p || copy.leaderEpoch != state.leaderEpoch()) {
          copy = new MirrorPartition(p, state.leaderEpoch(), System.currentTimeMillis(), STALL_MS);
        }
        wanted.put(key, copy);
      }
    }
    for (Map.Entry<String, MirrorPartition> e : copies.entrySet()) {
      if (wanted.get(e.getKey()) != e.getValue()) {
        fetchers.values().forEach(f -> f.remove(e.getValue()));
      }
    }
    copies.keySet().retainAll(wanted.keySet());
    copies.putAll(wanted);
    Map<String, SourceCluster.Topic> topics = view.snapshot().topics();
    for (MirrorPartition copy : wanted.values()) {
      SourceCluster.Topic st = topics.get(copy.topic());
      int leader =
          st == null || copy.index() >= st.partitions() ? -1 : st.leaders().get(copy.index());
      MirrorFetcher current = fetcherHolding(copy);
      if (leader < 0) {
        if (current != null) {
          current.remove(copy);
        }
        continue;
      }
      int slot = Math.floorMod(copy.key().hashCode(), FETCHERS_PER_SOURCE_NODE);
      MirrorFetcher target =
          fetchers.computeIfAbsent(
              leader + "/" + slot,
              k -> {
                MirrorFetcher f = new MirrorFetcher(this, leader, slot);
                f.start();
                return f;
              });
      if (current != target) {
        if (current != null) {
          current.remove(copy);
          copy.checked = false; // a new source leader: check for divergence again
        }
        target.add(copy);
      }
    }
    for (Map.Entry<String, MirrorFetcher> e : new ArrayList<>(fetchers.entrySet())) {
      if (e.getValue().isEmpty()) {
        fetchers.remove(e.getKey());
        e.getValue().shutdown();
      }
    }
  }

  private MirrorFetcher fetcherHolding(MirrorPartition copy) {
    for (MirrorFetcher f : fetchers.values()) {
      if (f.get(copy.key()) == copy) {
        return f;
      }
    }
    return null;
  }

  private void updateRates(long now) {
    long bytes = 0;
    long records = 0;
    for (MirrorPartition p : copies.values()) {
      bytes += p.bytes;
      records += p.records;
    }
    long dt = now - rateAtMs;
    if (dt >= 1000) {
      bytesPerSecond = Math.max(0, (bytes - rateBytes) * 1000.0 / dt);
      recordsPerSecond = Math.max(0, (records - rateRecords) * 1000.0 / dt);
      rateAtMs = now;
      rateBytes = bytes;
      rateRecords = records;
    }
  }

  // ---- FetcherContext --------------------------------------------------------------------------

  @Override
  public String linkName() {
    return config.name();
  }

  @Override
  public Optional<InetSocketAddress> sourceAddress(int nodeId) {
    InetSocketAddress configured = configuredSourceNodes.get(nodeId);
    return Optional.ofNullable(
        configured != null ? configured : view.snapshot().nodes().get(nodeId));
  }

  @Override
  public void sourceMoved(MirrorPartition p, String reason) {
    LOG.info("link {}: {}: source answered {}; finding its leader", config.name(), p.key(), reason);
    refreshSoon = true;
  }

  @Override
  public void raiseEpoch(MirrorPartition p, int epoch) {
    thread.execute(
        () -> {
          TopicImage t = host.image().topic(p.topic()).orElse(null);
          if (t == null) {
            return;
          }
          LOG.info(
              "link {}: {}: source epoch {} is above the mirror's leader epoch {}; raising it",
              config.name(),
              p.key(),
              epoch,
              p.leaderEpoch);
          host.submit(
                  new ControllerRequest.BumpLeaderEpoch(
                      t.id(), p.index(), host.nodeId(), p.leaderEpoch, epoch))
              .whenComplete(
                  (r, e) -> {
                    if (e != null || !r.get(0).ok()) {
                      p.lastError =
                          "raising the leader epoch failed: "
                              + (e != null ? e : r.get(0).error() + " " + r.get(0).message());
                      p.state = MirrorPartition.State.FAILING;
                      p.checked = false;
                    }
                    poke();
                  });
        });
  }

  @Override
  public boolean startsAtLatest() {
    return config.startsAtLatest();
  }

  @Override
  public boolean paused() {
    return paused;
  }

  @Override
  public boolean lz4() {
    return config.lz4();
  }

  @Override
  public CircuitBreaker breaker() {
    return view.breaker();
  }

  @Override
  public Optional<RateLimiter> rateLimiter() {
    return Optional.ofNullable(rateLimiter);
  }

  @Override
  public long quarantine(Partition target, long from, String reason) throws Exception {
    return quarantine.keep(target, from, reason);
  }

  @Override
  public void countWire(long wire, long records) {
    wireBytes.addAndGet(wire);
    recordBytes.addAndGet(records);
    if (wire > 0) {
      view.contact();
    }
  }

  // ---- status ----------------------------------------------------------------------------------

  @Override
  public JsonObject status() {
    long now = System.currentTimeMillis();
    JsonArray parts = new JsonArray();
    copies.values().stream()
        .sorted((a, b) -> a.key().compareTo(b.key()))
        .forEach(p -> parts.add(partitionStatus(p, now)));
    return view.status(paused, topicSync.conflicts())
        .put("bytesPerSecond", Math.round(bytesPerSecond))
        .put("recordsPerSecond", Math.round(recordsPerSecond))
        .put("wireBytes", wireBytes.get())
        .put("recordBytes", recordBytes.get())
        .put("compression", config.compression())
        .put("rateLimitBytesPerSecond", config.rateLimitBytesPerSecond())
        .put("groupSync", SourceView.groupSyncStatus(groupSync))
        .put("partitions", parts);
  }

  private JsonObject partitionStatus(MirrorPartition p, long now) {
    return new JsonObject()
        .put("topic", p.topic())
        .put("partition", p.index())
        .put("node", host.nodeId())
        .put("leaderEpoch", p.leaderEpoch)
        .put("sourceNode", p.sourceNode)
        .put("state", p.state.name())
        .put("logEndOffset", p.target.logEndOffset())
        .put("highWatermark", p.target.highWatermark())
        .put("sourceLogStartOffset", p.sourceLogStart)
        .put("sourceHighWatermark", p.sourceHighWatermark)
        .put("sourceLastStableOffset", p.sourceLastStable)
        .put("lagRecords", p.lagRecords())
        .put("lagBytes", p.lagBytes())
        .put("lagMs", p.lagMs(now))
        .put("records", p.records)
        .put("bytes", p.bytes)
        .put("lastAppendMs", p.lastAppendMs > 0 ? p.lastAppendMs : null)
        .put("lastError", p.lastError);
  }

  @Override
  public CompletableFuture<JsonObject> offsets(String group) {
    return view.offsets(thread, groupSync, group);
  }

  @Override
  public void close() {
    thread.shutdownNow();
    try {
      thread.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    fetchers.values().forEach(MirrorFetcher::shutdown);
    fetchers.clear();
    groupSync.close();
    quarantine.close();
    view.close();
  }
}
