package dev.meridian.node.link;

import dev.meridian.config.LinkConfig;
import dev.meridian.node.controller.ControllerRequest;
import dev.meridian.node.controller.ItemResult;
import dev.meridian.node.metadata.MetadataImage;
import dev.meridian.node.metadata.PartitionState;
import dev.meridian.node.metadata.TopicImage;
import dev.meridian.node.replication.Partition;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One active-active link as it runs on one node of its target region: the node copies into the
 * partitions it leads of the selected topics ({@link ActiveCopier}, each copy fenced by the leader
 * epoch it started in), partition i of the source into partition i of the target; the region's
 * controller node creates the topics the source has and the target lacks ({@link TopicSync}). One
 * thread of its own refreshes the source's topics (every {@link LinkRunner#REFRESH_MS}, through a
 * circuit breaker) and reconciles what this node copies (every 200 ms, and at once on a leadership
 * change).
 */
final class ActiveLinkRunner implements RunningLink, ActiveCopier.Context {
  private static final Logger LOG = LoggerFactory.getLogger(ActiveLinkRunner.class);
  private static final long TICK_MS = 200;

  private final LinkConfig config;
  private final String sourceBootstrap;
  private final LinkHost host;
  private final Supplier<Routes> routes;
  private final Supplier<LinkConfig> reverse;
  private final GroupOffsetSync groupSync;
  private OffsetTranslator translator;
  private OffsetMapTopic.Writer mapWriter;
  private long lastGroupSyncMs;
  private final SourceView view;
  private final RateLimiter rateLimiter;
  private final ScheduledExecutorService thread;
  private final TopicSync topicSync;
  private final ActiveCopier copier;
  private volatile boolean paused;
  private long lastRefreshMs;
  private volatile boolean refreshSoon = true;
  private boolean syncedAsController;

  /**
   * @param routes the routes of every active-active link this node knows (asked on each copy, so
   *     links created at run time count)
   * @param reverse the active-active link from the target back into the source, or null
   */
  ActiveLinkRunner(
      LinkConfig config,
      String sourceBootstrap,
      LinkHost host,
      Supplier<Routes> routes,
      Supplier<LinkConfig> reverse) {
    this.config = config;
    this.sourceBootstrap = sourceBootstrap;
    this.host = host;
    this.routes = routes;
    this.reverse = reverse;
    this.groupSync =
        new GroupOffsetSync(
            config,
            host,
            new GroupOffsetSync.Translation() {
              @Override
              public boolean covers(TopicImage t) {
                return !t.isMirror()
                    && !t.name().startsWith("_")
                    && config.topics().matches(t.name());
              }

              @Override
              public OffsetAndMetadata translate(TopicPartition tp, OffsetAndMetadata committed) {
                long at = translator().translate(tp, committed.offset()).target();
                return at < 0
                    ? null
                    : new OffsetAndMetadata(at, Optional.empty(), committed.metadata());
              }
            });
    this.view = new SourceView(config, sourceBootstrap);
    this.rateLimiter = LinkGuards.rateLimiter(config.name(), config.rateLimitBytesPerSecond());
    this.topicSync = new TopicSync(config, host);
    this.copier =
        new ActiveCopier(this, sourceBootstrap, config.source().properties(), host.nodeId());
    this.thread = SourceView.thread(config);
  }

  @Override
  public LinkConfig config() {
    return config;
  }

  @Override
  public void start() {
    copier.start();
    thread.scheduleWithFixedDelay(this::tick, 0, TICK_MS, TimeUnit.MILLISECONDS);
  }

  @Override
  public void poke() {
    thread.execute(this::reconcileQuietly);
  }

  @Override
  public void pause(boolean pause) {
    if (paused != pause) {
      paused = pause;
      LOG.info("link {}: {}", config.name(), pause ? "paused" : "resumed");
      refreshSoon = !pause;
    }
  }

  private void tick() {
    long now = System.currentTimeMillis();
    try {
      boolean firstAsController = host.isController() && !syncedAsController;
      if (!paused
          && (refreshSoon || firstAsController || now - lastRefreshMs >= LinkRunner.REFRESH_MS)) {
        refreshSoon = false;
        lastRefreshMs = now;
        refresh();
      }
      if (!paused
          && host.isController()
          && view.source() != null
          && now - lastGroupSyncMs >= config.offsetSyncIntervalMs()) {
        lastGroupSyncMs = now;
        groupSync.sync(view.source());
      }
    } catch (Exception e) {
      view.error(e);
      LOG.debug("link {}: {}", config.name(), e.toString());
    }
    reconcileQuietly();
  }

  private void refresh() throws Exception {
    view.refresh(
        (source, s) -> {
          syncedAsController = host.isController();
          if (syncedAsController) {
            ensureMapTopic();
            topicSync.sync(s, source.configs(s.topics().keySet(), config.followConfigs()));
          }
        });
  }

  /** Creates the region's offset map topic (compacted, one partition) when it has none. */
  private void ensureMapTopic() throws Exception {
    if (host.image().topic(OffsetMapTopic.NAME).isPresent()) {
      return;
    }
    List<ItemResult> r =
        host.submit(
                new ControllerRequest.CreateTopics(
                    List.of(
                        new ControllerRequest.NewTopic(
                            OffsetMapTopic.NAME,
                            1,
                            (short) -1,
                            List.of(),
                            OffsetMapTopic.CONFIGS,
                            null)),
                    false,
                    false))
            .get(30, TimeUnit.SECONDS);
    if (!r.get(0).ok() && r.get(0).error() != Errors.TOPIC_ALREADY_EXISTS) {
      throw new IllegalStateException(
          "cannot create "
              + OffsetMapTopic.NAME
              + ": "
              + r.get(0).error()
              + " "
              + r.get(0).message());
    }
  }

  /** The translator of group offsets, made on first use (it reads the offset maps). */
  synchronized OffsetTranslator translator() {
    if (translator == null) {
      translator =
          new OffsetTranslator(config, host.localBootstrap(), sourceBootstrap, reverse.get());
    }
    return translator;
  }

  @Override
  public synchronized OffsetMapTopic.Writer mapWriter() {
    if (mapWriter == null) {
      mapWriter = new OffsetMapTopic.Writer(config.name(), host.localBootstrap());
    }
    return mapWriter;
  }

  private void reconcileQuietly() {
    try {
      reconcile();
    } catch (RuntimeException e) {
      LOG.warn("link {}: reconciling failed", config.name(), e);
    }
  }

  /**
   * Copies exactly the partitions this node leads of the ordinary topics the source also has; a
   * copy that holds the same replica in the same epoch goes on, any other starts afresh.
   */
  private void reconcile() {
    MetadataImage image = host.image();
    if (image.topic(OffsetMapTopic.NAME).isEmpty()) {
      return; // the controller creates it first: every copy writes its offset map there
    }
    Map<String, SourceCluster.Topic> sourceTopics = view.snapshot().topics();
    Map<TopicPartition, ActiveCopier.Copy> current = copier.copies();
    Map<TopicPartition, ActiveCopier.Copy> wanted = new HashMap<>();
    for (SourceCluster.Topic st : sourceTopics.values()) {
      TopicImage t = image.topic(st.name()).orElse(null);
      if (t == null || t.isMirror()) {
        continue;
      }
      for (int i = 0; i < Math.min(t.partitionCount(), st.partitions()); i++) {
        PartitionState state = t.partitions().get(i);
        if (state.leader() != host.nodeId()) {
          continue;
        }
        Partition p = host.partition(t.name(), i).orElse(null);
        if (p == null || !p.isLeader() || p.leaderEpoch() != state.leaderEpoch()) {
          continue;
        }
        TopicPartition tp = new TopicPartition(t.name(), i);
        ActiveCopier.Copy copy = current.get(tp);
        if (copy == null
            || copy.target != p
            || copy.leaderEpoch != state.leaderEpoch()
            || "FENCED".equals(copy.state)) {
          copy = new ActiveCopier.Copy(p, state.leaderEpoch());
        }
        wanted.put(tp, copy);
      }
    }
    if (!wanted.equals(current)) {
      copier.want(wanted);
    }
  }

  // ---- ActiveCopier.Context --------------------------------------------------------------------

  @Override
  public String linkName() {
    return config.name();
  }

  @Override
  public String sourceRegion() {
    return config.source().region();
  }

  @Override
  public String targetRegion() {
    return config.target();
  }

  @Override
  public Routes routes() {
    return routes.get();
  }

  @Override
  public boolean paused() {
    return paused;
  }

  @Override
  public boolean startsAtLatest() {
    return config.startsAtLatest();
  }

  @Override
  public Optional<RateLimiter> rateLimiter() {
    return Optional.ofNullable(rateLimiter);
  }

  @Override
  public void fenced(ActiveCopier.Copy copy) {
    poke();
  }

  // ---- status ----------------------------------------------------------------------------------

  @Override
  public JsonObject status() {
    long now = System.currentTimeMillis();
    JsonArray parts = new JsonArray();
    long records = 0;
    long bytes = 0;
    List<ActiveCopier.Copy> copies = new ArrayList<>(copier.copies().values());
    copies.sort((a, b) -> a.key().compareTo(b.key()));
    for (ActiveCopier.Copy c : copies) {
      records += c.records;
      bytes += c.bytes;
      parts.add(partitionStatus(c, now));
    }
    return view.status(paused, topicSync.conflicts())
        .put("recordsCopied", records)
        .put("bytesCopied", bytes)
        .put("wireBytes", copier.fetchedBytes())
        .put("recordBytes", copier.sourceBytes())
        .put("compression", "lz4")
        .put("rateLimitBytesPerSecond", config.rateLimitBytesPerSecond())
        .put("groupSync", SourceView.groupSyncStatus(groupSync))
        .put("partitions", parts);
  }

  private JsonObject partitionStatus(ActiveCopier.Copy c, long now) {
    long lag = c.lagRecords();
    return new JsonObject()
        .put("topic", c.source.topic())
        .put("partition", c.source.partition())
        .put("node", host.nodeId())
        .put("leaderEpoch", c.leaderEpoch)
        .put("state", c.state)
        .put("logEndOffset", c.target.logEndOffset())
        .put("highWatermark", c.target.highWatermark())
        .put("sourcePosition", c.next)
        .put("sourceHighWatermark", c.sourceEnd)
        .put("lagRecords", lag)
        .put("lagMs", lag == 0 ? 0 : c.lastTimestamp < 0 ? -1 : Math.max(0, now - c.lastTimestamp))
        .put("records", c.records)
        .put("bytes", c.bytes)
        .put("skipped", c.skipped)
        .put("lastAppendMs", c.lastAppendMs > 0 ? c.lastAppendMs : null)
        .put("lastError", c.lastError);
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
    copier.close();
    groupSync.close();
    synchronized (this) {
      if (translator != null) {
        translator.close();
      }
      if (mapWriter != null) {
        mapWriter.close();
      }
    }
    view.close();
  }
}
