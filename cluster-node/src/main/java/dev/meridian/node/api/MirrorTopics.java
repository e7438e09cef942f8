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
 * a message naming the link, and logged at WARN at most once a minute per topic and action.
 */
public final class MirrorTopics {
  private static final Logger LOG = LoggerFactory.getLogger(MirrorTopics.class);
  private static final long WARN_EVERY_MS = 60_000;
  private static final Map<String, Long> LAST_WARNED = new ConcurrentHashMap<>();

  /** The error of a refused request. */
  public static final Errors ERROR = Errors.INVALID_REQUEST;

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
    long now = System.currentTimeMillis();
    String key = topic.name() + "/" + action;
    Long last = LAST_WARNED.get(key);
    if (last == null || now - last >= WARN_EVERY_MS) {
      LAST_WARNED.put(key, now);
      LOG.warn("refused: {}", message);
    }
    return message;
  }
}
