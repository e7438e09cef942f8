package dev.meridian.node.cluster;

import dev.meridian.node.metadata.MetadataImage;
import dev.meridian.node.metadata.PartitionState;
import dev.meridian.node.metadata.TopicImage;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The high watermarks of partitions that other nodes lead, as last asked of their leaders: for
 * consumer lag of groups this node coordinates whose partitions live elsewhere. {@link #get}
 * remembers which topics are wanted; {@link #refresh} (periodic, non-blocking) asks the leaders of
 * their partitions over the region's membership. A value is at most one refresh old. Thread-safe.
 */
public final class RemoteHighWatermarks {
  /** What {@link #get} answers for a partition nobody has reported yet. */
  public static final long UNKNOWN = -1;

  private static final long ASK_TIMEOUT_MS = 2000;

  private final MetadataService metadata;
  private final String askKind;
  private final Set<String> wanted = ConcurrentHashMap.newKeySet();
  private final Map<String, Map<Integer, Long>> known = new ConcurrentHashMap<>();

  /**
   * @param askKind the ask handler of a leader that answers its partitions' offsets
   */
  public RemoteHighWatermarks(MetadataService metadata, String askKind) {
    this.metadata = metadata;
    this.askKind = askKind;
  }

  /** The last reported high watermark of a partition, or {@link #UNKNOWN}. */
  public long get(String topic, int partition) {
    wanted.add(topic);
    return known.getOrDefault(topic, Map.of()).getOrDefault(partition, UNKNOWN);
  }

  /** Asks the leaders of the wanted topics' partitions; answers arrive later. */
  public void refresh() {
    MetadataImage image = metadata.image();
    for (String topic : Set.copyOf(wanted)) {
      TopicImage t = image.topic(topic).orElse(null);
      if (t == null) {
        wanted.remove(topic);
        known.remove(topic);
        continue;
      }
      Set<Integer> leaders = new TreeSet<>();
      for (PartitionState p : t.partitions()) {
        if (p.hasLeader() && p.leader() != metadata.nodeId()) {
          leaders.add(p.leader());
        }
      }
      for (int leader : leaders) {
        metadata
            .ask(leader, askKind, new JsonObject().put("topic", topic), ASK_TIMEOUT_MS)
            .thenAccept(answer -> record(topic, answer));
      }
    }
  }

  private void record(String topic, JsonObject answer) {
    Map<Integer, Long> partitions = known.computeIfAbsent(topic, t -> new ConcurrentHashMap<>());
    for (Object o : answer.getJsonArray("partitions", new JsonArray())) {
      JsonObject p = (JsonObject) o;
      partitions.put(p.getInteger("partition"), p.getLong("highWatermark"));
    }
  }
}
