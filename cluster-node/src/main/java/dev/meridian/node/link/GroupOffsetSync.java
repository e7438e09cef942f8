package dev.meridian.node.link;

import dev.meridian.config.LinkConfig;
import dev.meridian.node.metadata.MetadataImage;
import dev.meridian.node.metadata.TopicImage;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies the committed offsets of a link's selected consumer groups from the source to the target
 * region, for the link's mirror topics: unchanged (offset, leader epoch, metadata), because mirror
 * topics hold every record at its source offset. Only groups with no active members in the target
 * are written; each offset is clamped to the target partition's [log start, log end] (the leader
 * epoch is dropped when clamped), and a group's target offset never moves backwards. Runs on the
 * target region's controller node through an Admin client of the local region, so that each group
 * is written through its coordinator.
 *
 * <p>An active-active link's target topics are ordinary topics at other offsets: there each offset
 * is translated ({@link Translation}) before it is clamped.
 */
final class GroupOffsetSync implements AutoCloseable {

  /** Which target topics a link's group offsets go to, and at which offsets. */
  interface Translation {
    boolean covers(TopicImage topic);

    /** The target offset for a committed source offset, or null when it cannot be told yet. */
    OffsetAndMetadata translate(TopicPartition tp, OffsetAndMetadata committed);
  }

  private static final Logger LOG = LoggerFactory.getLogger(GroupOffsetSync.class);

  private final LinkConfig link;
  private final LinkHost host;
  private Admin local;
  private volatile long lastSyncMs = -1;
  private volatile int lastGroups;
  private volatile long offsetsWritten;

  private final Translation translation;

  /** The sync of a mirror link: its mirror topics, the same offsets. */
  GroupOffsetSync(LinkConfig link, LinkHost host) {
    this(
        link,
        host,
        new Translation() {
          @Override
          public boolean covers(TopicImage t) {
            return link.name().equals(t.mirrorLink());
          }

          @Override
          public OffsetAndMetadata translate(TopicPartition tp, OffsetAndMetadata committed) {
            return committed;
          }
        });
  }

  GroupOffsetSync(LinkConfig link, LinkHost host, Translation translation) {
    this.link = link;
    this.host = host;
    this.translation = translation;
  }

  long lastSyncMs() {
    return lastSyncMs;
  }

  int lastGroups() {
    return lastGroups;
  }

  long offsetsWritten() {
    return offsetsWritten;
  }

  private Admin local() {
    if (local == null) {
      Properties p = new Properties();
      p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, host.localBootstrap());
      p.put(AdminClientConfig.CLIENT_ID_CONFIG, "meridian-link-" + link.name() + "-groups");
      p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "8000");
      p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
      local = Admin.create(p);
    }
    return local;
  }

  /** One pass over the selected groups; blocking. */
  void sync(SourceCluster source) throws Exception {
    MetadataImage image = host.image();
    List<String> groups = source.groups(link.groups());
    // [log start, log end] of each mirror partition, asked once per pass for all groups
    Map<TopicPartition, long[]> bounds = new HashMap<>();
    int synced = 0;
    for (String group : groups) {
      Map<TopicPartition, OffsetAndMetadata> committed = new HashMap<>();
      source
          .committed(group)
          .forEach(
              (tp, o) -> {
                TopicImage t = image.topic(tp.topic()).orElse(null);
                if (t != null && translation.covers(t) && tp.partition() < t.partitionCount()) {
                  OffsetAndMetadata translated = translation.translate(tp, o);
                  if (translated != null) {
                    committed.put(tp, translated);
                  }
                }
              });
      if (committed.isEmpty() || hasActiveMembers(group)) {
        continue;
      }
      Map<TopicPartition, OffsetAndMetadata> target = targetOffsets(group);
      askBounds(committed.keySet(), bounds);
      Map<TopicPartition, OffsetAndMetadata> write = toWrite(committed, bounds, target);
      if (!write.isEmpty()) {
        try {
          SourceCluster.get(local().alterConsumerGroupOffsets(group, write).all());
          offsetsWritten += write.size();
          synced++;
        } catch (Exception e) {
          // members joined meanwhile (UNKNOWN_MEMBER_ID): their commits win
          LOG.debug("link {}: group {}: offsets not written: {}", link.name(), group, e.toString());
        }
      }
    }
    lastGroups = synced;
    lastSyncMs = System.currentTimeMillis();
  }

  /**
   * A group's positions on the link's topics: per partition its committed offset in the source,
   * that offset translated for the target (null when it cannot be told yet) and its committed
   * offset in the target (null: none). Blocking.
   */
  io.vertx.core.json.JsonObject positions(SourceCluster source, String group) throws Exception {
    MetadataImage image = host.image();
    Map<TopicPartition, OffsetAndMetadata> target = targetOffsets(group);
    io.vertx.core.json.JsonArray parts = new io.vertx.core.json.JsonArray();
    source.committed(group).entrySet().stream()
        .sorted(
            (a, b) -> {
              int c = a.getKey().topic().compareTo(b.getKey().topic());
              return c != 0 ? c : Integer.compare(a.getKey().partition(), b.getKey().partition());
            })
        .forEach(
            e -> {
              TopicPartition tp = e.getKey();
              TopicImage t = image.topic(tp.topic()).orElse(null);
              if (t == null || !translation.covers(t)) {
                return;
              }
              OffsetAndMetadata translated = translation.translate(tp, e.getValue());
              OffsetAndMetadata have = target.get(tp);
              parts.add(
                  new io.vertx.core.json.JsonObject()
                      .put("topic", tp.topic())
                      .put("partition", tp.partition())
                      .put("sourceOffset", e.getValue().offset())
                      .put("translatedOffset", translated == null ? null : translated.offset())
                      .put("targetOffset", have == null ? null : have.offset()));
            });
    return new io.vertx.core.json.JsonObject()
        .put("link", link.name())
        .put("mode", link.mode())
        .put("group", group)
        .put("activeInTarget", hasActiveMembers(group))
        .put("partitions", parts);
  }

  /**
   * The offsets to write for one group: each source offset clamped to its target partition's {@code
   * bounds} ({log start, log end}; the leader epoch is dropped when clamped, since the clamped
   * offset is not where the source's epoch pointed), and only where it moves the group's {@code
   * target} offset forward.
   */
  static Map<TopicPartition, OffsetAndMetadata> toWrite(
      Map<TopicPartition, OffsetAndMetadata> committed,
      Map<TopicPartition, long[]> bounds,
      Map<TopicPartition, OffsetAndMetadata> target) {
    Map<TopicPartition, OffsetAndMetadata> write = new HashMap<>();
    committed.forEach(
        (tp, o) -> {
          long start = bounds.get(tp)[0];
          long end = bounds.get(tp)[1];
          long offset = Math.max(start, Math.min(end, o.offset()));
          OffsetAndMetadata wanted =
              offset == o.offset()
                  ? o
                  : new OffsetAndMetadata(offset, Optional.empty(), o.metadata());
          OffsetAndMetadata have = target.get(tp);
          if (have == null || have.offset() < wanted.offset()) {
            write.put(tp, wanted);
          }
        });
    return write;
  }

  /** Asks the local region for the log start and end of the partitions {@code bounds} lacks. */
  private void askBounds(Set<TopicPartition> partitions, Map<TopicPartition, long[]> bounds)
      throws Exception {
    Set<TopicPartition> missing = new HashSet<>(partitions);
    missing.removeAll(bounds.keySet());
    if (missing.isEmpty()) {
      return;
    }
    Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> starts =
        SourceCluster.get(local().listOffsets(spec(missing, OffsetSpec.earliest())).all());
    Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends =
        SourceCluster.get(local().listOffsets(spec(missing, OffsetSpec.latest())).all());
    missing.forEach(
        tp -> bounds.put(tp, new long[] {starts.get(tp).offset(), ends.get(tp).offset()}));
  }

  private static Map<TopicPartition, OffsetSpec> spec(Set<TopicPartition> tps, OffsetSpec spec) {
    Map<TopicPartition, OffsetSpec> out = new HashMap<>();
    tps.forEach(tp -> out.put(tp, spec));
    return out;
  }

  private boolean hasActiveMembers(String group) throws Exception {
    try {
      ConsumerGroupDescription d =
          SourceCluster.get(local().describeConsumerGroups(List.of(group)).all()).get(group);
      return d != null && !d.members().isEmpty();
    } catch (GroupIdNotFoundException e) {
      return false;
    }
  }

  private Map<TopicPartition, OffsetAndMetadata> targetOffsets(String group) throws Exception {
    Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
    SourceCluster.get(local().listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata())
        .forEach(
            (tp, o) -> {
              if (o != null) {
                out.put(tp, o);
              }
            });
    return out;
  }

  @Override
  public void close() {
    if (local != null) {
      local.close(java.time.Duration.ofSeconds(2));
    }
  }
}
