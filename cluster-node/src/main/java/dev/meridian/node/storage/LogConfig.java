package dev.meridian.node.storage;

/**
 * Per-partition log settings, named after the Kafka topic configs they implement.
 *
 * <table>
 *   <caption>settings</caption>
 *   <tr><th>field</th><th>Kafka key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>segmentBytes</td><td>segment.bytes</td><td>1 GiB</td><td>roll the active segment
 *       before it would grow past this size</td></tr>
 *   <tr><td>segmentMs</td><td>segment.ms</td><td>7 days</td><td>roll the active segment once
 *       its first batch is older than this</td></tr>
 *   <tr><td>retentionMs</td><td>retention.ms</td><td>7 days</td><td>delete whole segments whose
 *       newest record is older than this; -1 keeps forever</td></tr>
 *   <tr><td>retentionBytes</td><td>retention.bytes</td><td>-1</td><td>delete oldest segments
 *       while the log is larger than this; -1 is unlimited</td></tr>
 *   <tr><td>compact</td><td>cleanup.policy=compact</td><td>false</td><td>keep only the newest
 *       record per key in closed segments</td></tr>
 *   <tr><td>delete</td><td>cleanup.policy=delete</td><td>true</td><td>apply time and size
 *       retention</td></tr>
 *   <tr><td>deleteRetentionMs</td><td>delete.retention.ms</td><td>1 day</td><td>how long a
 *       compacted tombstone (null value) is kept</td></tr>
 *   <tr><td>maxMessageBytes</td><td>max.message.bytes</td><td>1048588</td><td>largest batch
 *       accepted by an append</td></tr>
 *   <tr><td>flushMessages</td><td>flush.messages</td><td>Long.MAX_VALUE</td><td>fsync after
 *       this many appended records (page cache plus replication otherwise)</td></tr>
 *   <tr><td>flushMs</td><td>flush.ms</td><td>Long.MAX_VALUE</td><td>fsync when the oldest
 *       unflushed append is older than this</td></tr>
 *   <tr><td>indexIntervalBytes</td><td>index.interval.bytes</td><td>4096</td><td>bytes of log
 *       between two sparse index entries</td></tr>
 *   <tr><td>fileDeleteDelayMs</td><td>file.delete.delay.ms</td><td>60 s</td><td>how long a
 *       deleted or replaced segment stays readable for reads already under way</td></tr>
 *   <tr><td>compressionType</td><td>compression.type</td><td>producer</td><td>a leader append
 *       re-compresses batches of another codec to this one ({@code uncompressed}, {@code gzip},
 *       {@code snappy}, {@code lz4}, {@code zstd}); {@code producer} keeps them as sent</td></tr>
 *   <tr><td>compressionLevel</td><td>compression.{gzip,lz4,zstd}.level</td><td>the codec's
 *       default ({@link #DEFAULT_LEVEL})</td><td>level of that re-compression</td></tr>
 *   <tr><td>timestampBeforeMaxMs</td><td>message.timestamp.before.max.ms</td>
 *       <td>Long.MAX_VALUE</td><td>a leader append refuses a record timestamp older than now minus
 *       this</td></tr>
 *   <tr><td>timestampAfterMaxMs</td><td>message.timestamp.after.max.ms</td><td>Long.MAX_VALUE
 *       here (the topic config's default, applied by the node, is Kafka's 1 hour)</td><td>a leader
 *       append refuses a record timestamp newer than now plus this</td></tr>
 *   <tr><td>minCompactionLagMs</td><td>min.compaction.lag.ms</td><td>0</td><td>the cleaner
 *       leaves segments holding records younger than this</td></tr>
 *   <tr><td>maxCompactionLagMs</td><td>max.compaction.lag.ms</td><td>Long.MAX_VALUE</td><td>a
 *       log whose oldest dirty record is older than this is cleaned whatever its dirty ratio</td></tr>
 *   <tr><td>minCleanableDirtyRatio</td><td>min.cleanable.dirty.ratio</td><td>0.5</td><td>the
 *       cleaner cleans a log once this share of its closed segments is dirty</td></tr>
 * </table>
 *
 * <p>A compacted log ({@code compact}) also refuses leader appends of records without a key.
 * Appends at given offsets (followers, mirror topics) are never re-compressed nor checked for
 * timestamps or keys: they keep the bytes their source wrote.
 */
public record LogConfig(
    long segmentBytes,
    long segmentMs,
    long retentionMs,
    long retentionBytes,
    boolean compact,
    boolean delete,
    long deleteRetentionMs,
    int maxMessageBytes,
    long flushMessages,
    long flushMs,
    int indexIntervalBytes,
    long fileDeleteDelayMs,
    String compressionType,
    int compressionLevel,
    long timestampBeforeMaxMs,
    long timestampAfterMaxMs,
    long minCompactionLagMs,
    long maxCompactionLagMs,
    double minCleanableDirtyRatio) {

  /** {@link #compressionLevel} for the codec's own default level. */
  public static final int DEFAULT_LEVEL = Integer.MIN_VALUE;

  /** {@link #compressionType} that keeps batches as the producer compressed them. */
  public static final String PRODUCER_COMPRESSION = "producer";

  /** Kafka's defaults (but no timestamp window, see the table). */
  public static final LogConfig DEFAULT =
      new LogConfig(
          1L << 30,
          7L * 24 * 3600 * 1000,
          7L * 24 * 3600 * 1000,
          -1,
          false,
          true,
          24L * 3600 * 1000,
          1048588,
          Long.MAX_VALUE,
          Long.MAX_VALUE,
          4096,
          60_000,
          PRODUCER_COMPRESSION,
          DEFAULT_LEVEL,
          Long.MAX_VALUE,
          Long.MAX_VALUE,
          0,
          Long.MAX_VALUE,
          0.5);

  public LogConfig {
    if (segmentBytes < 64) {
      throw new IllegalArgumentException("segment.bytes must be >= 64, was " + segmentBytes);
    }
    if (segmentBytes > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("segment.bytes must fit in an int, was " + segmentBytes);
    }
    if (segmentMs <= 0) {
      throw new IllegalArgumentException("segment.ms must be > 0, was " + segmentMs);
    }
    if (maxMessageBytes < 0) {
      throw new IllegalArgumentException("max.message.bytes must be >= 0, was " + maxMessageBytes);
    }
    if (flushMessages <= 0 || flushMs < 0) {
      throw new IllegalArgumentException("flush.messages must be > 0 and flush.ms >= 0");
    }
    if (indexIntervalBytes < 0) {
      throw new IllegalArgumentException("index.interval.bytes must be >= 0");
    }
    if (!java.util.List.of("uncompressed", "gzip", "snappy", "lz4", "zstd", PRODUCER_COMPRESSION)
        .contains(compressionType)) {
      throw new IllegalArgumentException("invalid compression.type '" + compressionType + "'");
    }
    if (timestampBeforeMaxMs < 0 || timestampAfterMaxMs < 0) {
      throw new IllegalArgumentException("message.timestamp.before/after.max.ms must be >= 0");
    }
    if (minCompactionLagMs < 0 || maxCompactionLagMs < 1) {
      throw new IllegalArgumentException(
          "min.compaction.lag.ms must be >= 0 and max.compaction.lag.ms >= 1");
    }
    if (!(minCleanableDirtyRatio >= 0 && minCleanableDirtyRatio <= 1)) {
      throw new IllegalArgumentException(
          "min.cleanable.dirty.ratio must be in [0, 1], was " + minCleanableDirtyRatio);
    }
  }

  /** Whether leader appends re-compress batches of another codec. */
  public boolean recompresses() {
    return !PRODUCER_COMPRESSION.equals(compressionType);
  }

  /** Whether leader appends check record timestamps against a window around the clock. */
  public boolean checksTimestamps() {
    return timestampBeforeMaxMs != Long.MAX_VALUE || timestampAfterMaxMs != Long.MAX_VALUE;
  }

  /**
   * Parses a Kafka {@code cleanup.policy} value ("delete", "compact" or "compact,delete").
   *
   * @throws IllegalArgumentException for any other value
   */
  public LogConfig withCleanupPolicy(String policy) {
    boolean c = false;
    boolean d = false;
    for (String p : policy.split(",")) {
      switch (p.trim()) {
        case "" -> {} // Kafka 4.x: an empty list keeps segments forever
        case "compact" -> c = true;
        case "delete" -> d = true;
        default -> throw new IllegalArgumentException("invalid cleanup.policy '" + policy + "'");
      }
    }
    boolean compactPolicy = c;
    boolean deletePolicy = d;
    return with(
        b -> {
          b.compact = compactPolicy;
          b.delete = deletePolicy;
        });
  }

  public LogConfig withSegmentBytes(long v) {
    return with(b -> b.segmentBytes = v);
  }

  public LogConfig withSegmentMs(long v) {
    return with(b -> b.segmentMs = v);
  }

  public LogConfig withRetention(long ms, long bytes) {
    return with(
        b -> {
          b.retentionMs = ms;
          b.retentionBytes = bytes;
        });
  }

  public LogConfig withDeleteRetentionMs(long v) {
    return with(b -> b.deleteRetentionMs = v);
  }

  public LogConfig withMaxMessageBytes(int v) {
    return with(b -> b.maxMessageBytes = v);
  }

  public LogConfig withFlush(long messages, long ms) {
    return with(
        b -> {
          b.flushMessages = messages;
          b.flushMs = ms;
        });
  }

  public LogConfig withIndexIntervalBytes(int v) {
    return with(b -> b.indexIntervalBytes = v);
  }

  public LogConfig withFileDeleteDelayMs(long v) {
    return with(b -> b.fileDeleteDelayMs = v);
  }

  /** Compression type (Kafka's names) and level ({@link #DEFAULT_LEVEL}: the codec's). */
  public LogConfig withCompression(String type, int level) {
    return with(
        b -> {
          b.compressionType = type;
          b.compressionLevel = level;
        });
  }

  /** The accepted window of CreateTime timestamps: [now - before, now + after]. */
  public LogConfig withTimestampWindow(long beforeMaxMs, long afterMaxMs) {
    return with(
        b -> {
          b.timestampBeforeMaxMs = beforeMaxMs;
          b.timestampAfterMaxMs = afterMaxMs;
        });
  }

  /** The cleaner's min.compaction.lag.ms, max.compaction.lag.ms and min.cleanable.dirty.ratio. */
  public LogConfig withCompaction(long minLagMs, long maxLagMs, double minDirtyRatio) {
    return with(
        b -> {
          b.minCompactionLagMs = minLagMs;
          b.maxCompactionLagMs = maxLagMs;
          b.minCleanableDirtyRatio = minDirtyRatio;
        });
  }

  /** A copy with {@code change} applied (validated by the constructor). */
  private LogConfig with(java.util.function.Consumer<Builder> change) {
    Builder b = new Builder(this);
    change.accept(b);
    return b.build();
  }

  /** Mutable copy of the fields, for the {@code with*} methods. */
  private static final class Builder {
    long segmentBytes;
    long segmentMs;
    long retentionMs;
    long retentionBytes;
    boolean compact;
    boolean delete;
    long deleteRetentionMs;
    int maxMessageBytes;
    long flushMessages;
    long flushMs;
    int indexIntervalBytes;
    long fileDeleteDelayMs;
    String compressionType;
    int compressionLevel;
    long timestampBeforeMaxMs;
    long timestampAfterMaxMs;
    long minCompactionLagMs;
    long maxCompactionLagMs;
    double minCleanableDirtyRatio;

    Builder(LogConfig c) {
      segmentBytes = c.segmentBytes;
      segmentMs = c.segmentMs;
      retentionMs = c.retentionMs;
      retentionBytes = c.retentionBytes;
      compact = c.compact;
      delete = c.delete;
      deleteRetentionMs = c.deleteRetentionMs;
      maxMessageBytes = c.maxMessageBytes;
      flushMessages = c.flushMessages;
      flushMs = c.flushMs;
      indexIntervalBytes = c.indexIntervalBytes;
      fileDeleteDelayMs = c.fileDeleteDelayMs;
      compressionType = c.compressionType;
      compressionLevel = c.compressionLevel;
      timestampBeforeMaxMs = c.timestampBeforeMaxMs;
      timestampAfterMaxMs = c.timestampAfterMaxMs;
      minCompactionLagMs = c.minCompactionLagMs;
      maxCompactionLagMs = c.maxCompactionLagMs;
      minCleanableDirtyRatio = c.minCleanableDirtyRatio;
    }

    LogConfig build() {
      return new LogConfig(
          segmentBytes,
          segmentMs,
          retentionMs,
          retentionBytes,
          compact,
          delete,
          deleteRetentionMs,
          maxMessageBytes,
          flushMessages,
          flushMs,
          indexIntervalBytes,
          fileDeleteDelayMs,
          compressionType,
          compressionLevel,
          timestampBeforeMaxMs,
          timestampAfterMaxMs,
          minCompactionLagMs,
          maxCompactionLagMs,
          minCleanableDirtyRatio);
    }
  }
}
