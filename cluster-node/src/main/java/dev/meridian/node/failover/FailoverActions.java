package dev.meridian.node.failover;

import dev.meridian.config.LinkConfig;
import dev.meridian.config.MeridianConfig;
import dev.meridian.failover.FailoverAction;
import dev.meridian.failover.FailoverOperation;
import dev.meridian.failover.FailoverOutcome;
import dev.meridian.node.cluster.MetadataService;
import dev.meridian.node.controller.ControllerRequest;
import dev.meridian.node.controller.ItemResult;
import dev.meridian.node.link.LinkService;
import dev.meridian.node.link.SourceCluster;
import dev.meridian.node.metadata.MetadataImage;
import dev.meridian.node.metadata.TopicImage;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Performs the actions of a failover ({@link FailoverAction}) against the real regions: the source
 * region's control plane for the fence ({@link SourceControlPlane}), kafka-clients Admin for log
 * ends and group offsets on both sides, and this region's controller for the link's pause and the
 * promotion. Every action is idempotent (a node that takes over an operation performs its state's
 * action again). Blocking: runs on the failover thread, never on an event loop.
 */
final class FailoverActions {
  private static final Logger LOG = LoggerFactory.getLogger(FailoverActions.class);
  private static final long TIMEOUT_MS = 10_000;
  private static final long STABLE_READ_GAP_MS = 100;
  private static final long STABLE_WITHIN_MS = 5_000;

  private final MeridianConfig config;
  private final MetadataService metadata;
  private final java.util.function.Supplier<String> localBootstrap;
  private final SourceControlPlane fence;
  private final ReverseLink reverse;

  FailoverActions(
      MeridianConfig config,
      MetadataService metadata,
      java.util.function.Supplier<String> localBootstrap,
      SourceControlPlane fence) {
    this.config = config;
    this.metadata = metadata;
    this.localBootstrap = localBootstrap;
    this.fence = fence;
    this.reverse = new ReverseLink(fence);
  }

  /** Performs {@code action} for {@code op}; any exception becomes a retriable failure. */
  FailoverOutcome perform(FailoverAction action, FailoverOperation op) {
    try {
      if (action instanceof FailoverAction.FenceSource) {
        return fenceSource(op);
      } else if (action instanceof FailoverAction.ReadTargetEnds) {
        return new FailoverOutcome.Ends(targetEnds(op.fencedEnds().keySet()));
      } else if (action instanceof FailoverAction.ReadSourceEnds) {
        return new FailoverOutcome.Ends(sourceEnds(link(op), topicsOf(op.fencedEnds().keySet())));
      } else if (action instanceof FailoverAction.StopLink) {
        return pauseLink(op.link(), true);
      } else if (action instanceof FailoverAction.Promote) {
        return promote(op);
      } else if (action instanceof FailoverAction.CopyGroupOffsets) {
        return copyGroupOffsets(op);
      } else if (action instanceof FailoverAction.RollBack) {
        return rollBack(op);
      } else if (action instanceof FailoverAction.StartReverseLink) {
        return reverse.start(link(op), topicsOf(op.promoted().keySet()));
      } else if (action instanceof FailoverAction.ReadReverseLag) {
        LinkConfig link = link(op);
        return reverse.lag(link, op.promoted().keySet(), LinkService.bootstrapOf(config, link));
      }
      return new FailoverOutcome.Failed(action + " is not performed by this version", false);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new FailoverOutcome.Failed("interrupted", true);
    } catch (Exception e) {
      String why = e.getMessage() == null ? e.toString() : e.getMessage();
      LOG.warn("failover {} of link {}: {} failed: {}", op.id(), op.link(), action, why);
      return new FailoverOutcome.Failed(why, true);
    }
  }

  /** The text a fenced producer reads: which operation holds the fence. */
  static String fenceName(FailoverOperation op) {
    return "failover " + op.id() + " of link " + op.link();
  }

  private LinkConfig link(FailoverOperation op) {
    return FailoverService.linkConfig(config, metadata.image(), op.link())
        .orElseThrow(() -> new IllegalStateException("link " + op.link() + " no longer exists"));
  }

  /** The link's mirror topics in this region (before promotion). */
  private static List<String> mirrorTopics(MetadataImage image, String link) {
    return image.topics().values().stream()
        .filter(t -> link.equals(t.mirrorLink()))
        .map(TopicImage::name)
        .sorted()
        .toList();
  }

  /**
   * The topics a planned failover fences: those the link selects at the source (a topic the link
   * has not created here yet is fenced too, and the drain waits until it is mirrored), and its
   * mirror topics here.
   */
  private List<String> linkTopics(LinkConfig link, FailoverOperation op) throws Exception {
    TreeSet<String> out = new TreeSet<>(mirrorTopics(metadata.image(), op.link()));
    try (SourceCluster source =
        new SourceCluster(
            op.link() + "-failover",
            LinkService.bootstrapOf(config, link),
            link.source().properties())) {
      out.addAll(source.describe(link.topics()).topics().keySet());
    }
    return new ArrayList<>(out);
  }

  private static List<String> topicsOf(java.util.Collection<String> partitions) {
    TreeSet<String> out = new TreeSet<>();
    for (String tp : partitions) {
      out.add(tp.substring(0, tp.lastIndexOf('-')));
    }
    return new ArrayList<>(out);
  }

  private FailoverOutcome fenceSource(FailoverOperation op) throws Exception {
    LinkConfig link = link(op);
    List<String> topics = linkTopics(link, op);
    fence.fence(link, topics, fenceName(op));
    // the high watermark may still rise for records accepted before the fence (replication
    // catching up): the ends the drain waits for are those that stopped moving
    Map<String, Long> ends = sourceEnds(link, topics);
    long deadline = System.currentTimeMillis() + STABLE_WITHIN_MS;
    while (true) {
      Thread.sleep(STABLE_READ_GAP_MS); // spacing two reads of a remote cluster, not a wait
      Map<String, Long> again = sourceEnds(link, topics);
      if (again.equals(ends) || System.currentTimeMillis() > deadline) {
        return new FailoverOutcome.Ends(again);
      }
      ends = again;
    }
  }

  private FailoverOutcome rollBack(FailoverOperation op) throws Exception {
    LinkConfig link = link(op);
    List<String> topics = linkTopics(link, op);
    fence.fence(link, topics, null);
    if (op.type() == FailoverOperation.Type.FAILBACK) {
      return new FailoverOutcome.Done(); // the link stays stopped: this region is the writable one
    }
    return pauseLink(op.link(), false);
  }

  private FailoverOutcome pauseLink(String link, boolean paused) throws Exception {
    List<ItemResult> r =
        metadata
            .submit(new ControllerRequest.PauseLink(link, paused))
            .get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
    return r.stream().allMatch(ItemResult::ok)
        ? new FailoverOutcome.Done()
        : new FailoverOutcome.Failed("pausing link " + link + ": " + r.get(0).message(), true);
  }

  /**
   * Makes the link's mirror topics writable. The link's last view of the source (for the RPO of an
   * unplanned failover) is taken first: once promoted, the topics are no longer the link's.
   */
  private FailoverOutcome promote(FailoverOperation op) throws Exception {
    MetadataImage before = metadata.image();
    List<String> topics = mirrorTopics(before, op.link());
    Map<String, Long> sourceEnds = new TreeMap<>(op.fencedEnds());
    long oldestUnmirroredAgeMs = 0;
    if (op.type() == FailoverOperation.Type.UNPLANNED) {
      JsonArray parts = linkPartitions(op.link());
      for (Object o : parts) {
        JsonObject p = (JsonObject) o;
        String tp = p.getString("topic") + "-" + p.getInteger("partition");
        Long hw = p.getLong("sourceHighWatermark");
        if (hw != null && hw >= 0) {
          sourceEnds.put(tp, hw);
        }
        oldestUnmirroredAgeMs = Math.max(oldestUnmirroredAgeMs, p.getLong("lagMs", 0L));
      }
    }
    List<ItemResult> r =
        metadata
            .submit(new ControllerRequest.PromoteMirrorTopics(op.link()))
            .get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
    if (!r.stream().allMatch(ItemResult::ok)) {
      return new FailoverOutcome.Failed("promotion refused: " + r, true);
    }
    if (topics.isEmpty()) {
      topics = topicsOf(op.promoted().keySet()); // a repeated promotion: promoted before
    }
    MetadataImage after = metadata.image();
    Map<String, Long> ends = targetEnds(partitionsOf(after, topics));
    Map<String, FailoverOperation.Position> promoted = new TreeMap<>();
    ends.forEach(
        (tp, end) -> {
          int i = tp.lastIndexOf('-');
          int epoch =
              after
                  .partition(tp.substring(0, i), Integer.parseInt(tp.substring(i + 1)))
                  .map(s -> s.leaderEpoch())
                  .orElse(-1);
          promoted.put(tp, new FailoverOperation.Position(end, epoch));
        });
    return new FailoverOutcome.Promoted(promoted, sourceEnds, oldestUnmirroredAgeMs);
  }

  /** Every node's partitions of the link's status (each node reports what it copies). */
  private JsonArray linkPartitions(String link) {
    JsonArray out = new JsonArray();
    List<CompletableFuture<JsonObject>> answers = new ArrayList<>();
    for (var n : metadata.image().nodes().values()) {
      if (n.alive() || n.id() == metadata.nodeId()) {
        answers.add(
            metadata
                .ask(n.id(), LinkService.STATUS_ASK, new JsonObject(), 3_000)
                .exceptionally(e -> null));
      }
    }
    for (CompletableFuture<JsonObject> a : answers) {
      JsonObject answer = a.join();
      if (answer == null) {
        continue;
      }
      for (Object o : answer.getJsonArray("links", new JsonArray())) {
        JsonObject s = (JsonObject) o;
        if (link.equals(s.getString("name"))) {
          s.getJsonArray("partitions", new JsonArray()).forEach(out::add);
        }
      }
    }
    return out;
  }

  /**
   * Writes the selected groups' committed offsets at the source into this region, each at most at
   * the promoted end (mirror topics keep the source's offsets: no translation). A group with
   * members here already is left alone. An unplanned failover whose source does not answer keeps
   * the offsets the link's last sync wrote.
   */
  private FailoverOutcome copyGroupOffsets(FailoverOperation op) throws Exception {
    LinkConfig link = link(op);
    Map<String, Long> ends = new HashMap<>();
    op.promoted().forEach((tp, p) -> ends.put(tp, p.offset()));
    Map<String, String> props = new HashMap<>(link.source().properties());
    if (op.type() == FailoverOperation.Type.UNPLANNED) {
      // the source is presumed lost: ask briefly, the groups have the link's last sync anyway
      props.putIfAbsent("request.timeout.ms", "2000");
      props.putIfAbsent("default.api.timeout.ms", "3000");
    }
    try (SourceCluster source =
            new SourceCluster(
                op.link() + "-failover", LinkService.bootstrapOf(config, link), props);
        Admin local = Admin.create(adminProps(localBootstrap.get(), Map.of(), "failover-local"))) {
      List<String> groups;
      try {
        groups = source.groups(link.groups());
      } catch (Exception e) {
        if (op.type() == FailoverOperation.Type.UNPLANNED) {
          LOG.warn(
              "failover {}: the source does not answer ({}); groups keep the offsets of the"
                  + " link's last sync",
              op.id(),
              e.getMessage());
          return new FailoverOutcome.Done();
        }
        throw e;
      }
      for (String group : groups) {
        Map<TopicPartition, OffsetAndMetadata> write = new HashMap<>();
        source
            .committed(group)
            .forEach(
                (tp, o) -> {
                  Long end = ends.get(tp.topic() + "-" + tp.partition());
                  if (end != null) {
                    write.put(
                        tp,
                        new OffsetAndMetadata(
                            Math.min(o.offset(), end), o.leaderEpoch(), o.metadata()));
                  }
                });
        if (write.isEmpty()) {
          continue;
        }
        try {
          SourceCluster.get(local.alterConsumerGroupOffsets(group, write).all());
        } catch (org.apache.kafka.common.errors.UnknownMemberIdException e) {
          LOG.warn(
              "failover {}: group {} has members here already: its offsets stay", op.id(), group);
        }
      }
    }
    if (op.type() == FailoverOperation.Type.UNPLANNED) {
      // the source answers after all: where it ends now completes the RPO (the link's view of it
      // may have been stale, e.g. just resumed)
      try {
        return new FailoverOutcome.Ends(sourceEnds(link, topicsOf(op.promoted().keySet())));
      } catch (Exception e) {
        LOG.info("failover {}: the source's ends: {}", op.id(), e.toString());
      }
    }
    return new FailoverOutcome.Done();
  }

  /** {@code topic-p} of every partition of {@code topics} in {@code image}. */
  private static List<String> partitionsOf(MetadataImage image, List<String> topics) {
    List<String> out = new ArrayList<>();
    for (String t : topics) {
      image
          .topic(t)
          .ifPresent(
              ti -> {
                for (int i = 0; i < ti.partitionCount(); i++) {
                  out.add(t + "-" + i);
                }
              });
    }
    return out;
  }

  /**
   * This region's high watermarks of {@code partitions} ({@code topic-p}); partitions this region
   * does not have (yet) are left out.
   */
  private Map<String, Long> targetEnds(java.util.Collection<String> partitions) throws Exception {
    MetadataImage image = metadata.image();
    try (Admin admin = Admin.create(adminProps(localBootstrap.get(), Map.of(), "failover-local"))) {
      Map<TopicPartition, OffsetSpec> ask = new HashMap<>();
      for (String tp : partitions) {
        int i = tp.lastIndexOf('-');
        String topic = tp.substring(0, i);
        int index = Integer.parseInt(tp.substring(i + 1));
        if (image.partition(topic, index).isPresent()) {
          ask.put(new TopicPartition(topic, index), OffsetSpec.latest());
        }
      }
      return ends(admin, ask);
    }
  }

  /** The source's high watermarks of every partition of {@code topics}, as the source has them. */
  private Map<String, Long> sourceEnds(LinkConfig link, List<String> topics) throws Exception {
    return sourceEnds(link, topics, link.source().properties());
  }

  private Map<String, Long> sourceEnds(
      LinkConfig link, List<String> topics, Map<String, String> settings) throws Exception {
    if (topics.isEmpty()) {
      return Map.of();
    }
    try (Admin admin =
        Admin.create(
            adminProps(
                LinkService.bootstrapOf(config, link), settings, "failover-" + link.name()))) {
      Map<TopicPartition, OffsetSpec> ask = new HashMap<>();
      for (TopicDescription d :
          SourceCluster.get(admin.describeTopics(topics).allTopicNames()).values()) {
        for (TopicPartitionInfo p : d.partitions()) {
          ask.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest());
        }
      }
      return ends(admin, ask);
    }
  }

  private static Map<String, Long> ends(Admin admin, Map<TopicPartition, OffsetSpec> ask)
      throws Exception {
    Map<String, Long> out = new TreeMap<>();
    if (ask.isEmpty()) {
      return out;
    }
    Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> r =
        SourceCluster.get(admin.listOffsets(ask).all());
    r.forEach((tp, info) -> out.put(tp.topic() + "-" + tp.partition(), info.offset()));
    return out;
  }

  private static Properties adminProps(
      String bootstrap, Map<String, String> settings, String clientId) {
    Properties p = new Properties();
    p.putAll(settings);
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(AdminClientConfig.CLIENT_ID_CONFIG, "meridian-" + clientId);
    p.putIfAbsent(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
    p.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "8000");
    p.putIfAbsent(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "1000");
    return p;
  }
}
