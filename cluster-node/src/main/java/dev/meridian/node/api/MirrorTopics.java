package dev.meridian.node.api;

import dev.meridian.node.metadata.MetadataImage;
import dev.meridian.node.metadata.TopicImage;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rule for read-only mirror topics: clients may read them but not write, delete records from,
 * grow or reconfigure them; only their link does. Refusals are non-retriable (INVALID_REQUEST) with
 * a message naming the link, and logged at WARN at most once a minute per topic and action. Also
 * the rule for fenced topics (a failover moving their writes to another region): produces get the
 * retriable NOT_LEADER_OR_FOLLOWER with a message naming what fences them.
 */
public final class MirrorTopics {
  private static final Logger LOG = LoggerFactory.getLogger(MirrorTopics.class);
  private static final long WARN_EVERY_MS = 60_000;
  private static final Map<String, Long> LAST_WARNED = new ConcurrentHashMap<>();

  /** The error of a refused request. */
  public static final Errors ERROR = Errors.INVALID_REQUEST;

  /**
   * The error of a write to a fenced topic: retriable, and it makes clients refresh their metadata
   * (this region no longer leads the topic's writes).
   */
  public static final Errors FENCED_ERROR = Errors.NOT_LEADER_OR_FOLLOWER;

  private MirrorTopics() {}

  /**
   * The refusal message when {@code topic} is a mirror topic, or {@code null} when {@code action}
   * is allowed.
   *
   * @param action what the client tried, e.g. "produce to"
   */
  public static String refusal(MetadataImage image, String topic, String action) {
    TopicImage t = image.topic(topic).orElse(null);
    return t == null ? null : refusal(t, action);
  }

  /**
   * The refusal message when writes to {@code topic} are fenced (a failover moves them to another
   * region), or {@code null}; logged at WARN at most once a minute per topic.
   */
  public static String fenced(TopicImage topic) {
    if (topic == null || !topic.isFenced()) {
      return null;
    }
    String message =
        "Cannot produce to topic '"
            + topic.name()
            + "': writes are fenced by "
            + topic.fencedBy()
            + " (retry, or write to the region it fails over to)";
    warnOnce(topic.name() + "/fenced", message);
    return message;
  }

  private static void warnOnce(String key, String message) {
    long now = System.currentTimeMillis();
    Long last = LAST_WARNED.get(key);
    if (last == null || now - last >= WARN_EVERY_MS) {
      LAST_WARNED.put(key, now);
      LOG.warn("refused: {}", message);
    }
  }

  /** As {@link #refusal(MetadataImage, String, String)} for a known topic. */
  public static String refusal(TopicImage topic, String action) {
    if (topic == null || !topic.isMirror()) {
      return null;
    }
    String message =
        "Cannot "
            + action
            + " topic '"
            + topic.name()
            + "': it is a read-only mirror topic written by link '"
            + topic.mirrorLink()
            + "' (fail the link over to make it writable)";
    warnOnce(topic.name() + "/" + action, message);
    return message;
  }
}
