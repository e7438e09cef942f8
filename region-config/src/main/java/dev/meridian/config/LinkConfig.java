package dev.meridian.config;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A mirror link: copies the topics {@code topics} selects from {@code source} into region {@code
 * target}, and the committed offsets of the consumer groups {@code groups} selects. In mode {@code
 * mirror} the target topics are read-only mirror topics holding every batch at its source offset.
 *
 * <p>YAML keys:
 *
 * <ul>
 *   <li>{@code name} (required): {@code [a-z0-9][a-z0-9-]*}, unique in the file.
 *   <li>{@code source} (required): see {@link LinkSource}.
 *   <li>{@code target} (required): the name of the region the link writes to (it runs there).
 *   <li>{@code mode} (default {@code mirror}): {@code mirror}, or {@code active-active}: the target
 *       topics are ordinary topics of the same names that the target region's producers write too;
 *       the link copies only records that did not originate in (or pass through) the target, marked
 *       with provenance headers, so links both ways (a ring, a full mesh) do not loop. Its source
 *       must be a region of this file.
 *   <li>{@code topics}, {@code groups} (default: every name not starting with {@code _}): see
 *       {@link NameFilter}.
 *   <li>{@code compression} (default {@code lz4}): how batches cross the link, {@code lz4} or
 *       {@code none}; stored batches stay exactly as the source wrote them either way.
 *   <li>{@code rateLimitBytesPerSecond} (default 0 = unlimited): the link's byte rate.
 *   <li>{@code followConfigs} (default {@link #DEFAULT_FOLLOW_CONFIGS}): the topic config keys
 *       mirror topics take from their source topics.
 *   <li>{@code startPosition} (default {@code earliest}): where a new mirror topic starts, {@code
 *       earliest} (the source's log start) or {@code latest} (the source's log end).
 *   <li>{@code offsetSyncIntervalMs} (default 5000): how often committed group offsets are copied.
 *   <li>{@code reverseOf} (optional): the link this one reverses (same topics, the other way). A
 *       failover with {@code reverse: true} creates such a link; only one of the two copies at a
 *       time (a failover stops one before it starts the other), so the pair is not a cycle.
 * </ul>
 */
public record LinkConfig(
    String name,
    LinkSource source,
    String target,
    String mode,
    NameFilter topics,
    NameFilter groups,
    String compression,
    long rateLimitBytesPerSecond,
    List<String> followConfigs,
    String startPosition,
    long offsetSyncIntervalMs,
    String reverseOf) {

  /** The pattern a link name must match. */
  public static final Pattern NAME_PATTERN = RegionConfig.NAME_PATTERN;

  /** Mode: read-only mirror topics at the source's offsets. */
  public static final String MIRROR = "mirror";

  /** Mode: both regions write the same topics; records carry provenance headers. */
  public static final String ACTIVE_ACTIVE = "active-active";

  /** The modes of a link. */
  public static final List<String> MODES = List.of(MIRROR, ACTIVE_ACTIVE);

  /** Compression over the link. */
  public static final List<String> COMPRESSIONS = List.of("lz4", "none");

  /** Start positions of new mirror topics. */
  public static final List<String> START_POSITIONS = List.of("earliest", "latest");

  /** The topic configs mirror topics follow unless {@code followConfigs} says otherwise. */
  public static final List<String> DEFAULT_FOLLOW_CONFIGS =
      List.of(
          "cleanup.policy",
          "compression.type",
          "delete.retention.ms",
          "max.message.bytes",
          "message.timestamp.type",
          "min.compaction.lag.ms",
          "retention.bytes",
          "retention.ms",
          "segment.bytes",
          "segment.ms");

  /** The default offset sync interval. */
  public static final long DEFAULT_OFFSET_SYNC_INTERVAL_MS = 5_000;

  /** Applies the defaults to {@code null} values and copies the list. */
  public LinkConfig {
    mode = mode == null ? MIRROR : mode;
    topics = topics == null ? NameFilter.DEFAULT : topics;
    groups = groups == null ? NameFilter.DEFAULT : groups;
    compression = compression == null ? "lz4" : compression.toLowerCase(Locale.ROOT);
    followConfigs = followConfigs == null ? DEFAULT_FOLLOW_CONFIGS : List.copyOf(followConfigs);
    startPosition = startPosition == null ? "earliest" : startPosition;
  }

  /** A mirror link with every default: all topics and groups not starting with {@code _}. */
  public static LinkConfig mirror(String name, LinkSource source, String target) {
    return new LinkConfig(
        name,
        source,
        target,
        MIRROR,
        null,
        null,
        null,
        0,
        null,
        null,
        DEFAULT_OFFSET_SYNC_INTERVAL_MS,
        null);
  }

  /** This link with another name, source, target and topics, reversing {@code reverseOf}. */
  public LinkConfig reversed(
      String newName, LinkSource newSource, String newTarget, NameFilter newTopics) {
    return new LinkConfig(
        newName,
        newSource,
        newTarget,
        mode,
        newTopics,
        groups,
        compression,
        rateLimitBytesPerSecond,
        followConfigs,
        startPosition,
        offsetSyncIntervalMs,
        name);
  }

  /** Whether {@code other} is this link's reverse or this is its reverse. */
  public boolean pairedWith(LinkConfig other) {
    return (name != null && name.equals(other.reverseOf()))
        || (other.name() != null && other.name().equals(reverseOf));
  }

  /** Whether the link runs in mode {@code active-active}. */
  public boolean activeActive() {
    return ACTIVE_ACTIVE.equals(mode);
  }

  /** Whether batches cross the link LZ4-compressed. */
  public boolean lz4() {
    return "lz4".equals(compression);
  }

  /** Whether new mirror topics start at the source's log end rather than its start. */
  public boolean startsAtLatest() {
    return "latest".equals(startPosition);
  }
}
