package dev.meridian.node.storage;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The append-only log of one topic partition: a directory of {@link LogSegment}s.
 *
 * <pre>
 * orders-3/
 *   00000000000000000000.log / .index / .timeindex   closed segments
 *   00000000000000004711.log / .index / .timeindex   active segment (appends go here)
 *   00000000000000004711.snapshot                    producer state as of offset 4711
 *   leader-epoch-checkpoint                          epoch -&gt; first offset
 *   partition.checkpoint                             log start, recovery point, HW, cleaner
 *   .clean-shutdown                                  present only while closed cleanly
 * </pre>
 *
 * <p>Invariants: offsets are strictly increasing across batches; {@code logStartOffset <=
 * highWatermark <= logEndOffset} (the high watermark is set by replication, never above the log
 * end); a batch is readable only once completely written. Two append paths: {@link #appendAsLeader}
 * assigns offsets, {@link #appendAtOffsets} keeps the batch's own (replicas, mirror topics).
 * Appends, truncation and segment changes hold one lock; reads take no lock and retry when a
 * segment they were reading was replaced. An I/O error takes the partition offline: every later
 * call throws {@link StorageException}, other partitions continue.
 */
public final class PartitionLog implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(PartitionLog.class);
  private static final int READ_RETRIES = 5;
  private static final int SNAPSHOTS_KEPT = 2;

  private final String topic;
  private final int partition;
  private final String name;
  private final Path dir;
  private final LongSupplier clock;
  private final ScheduledExecutorService deleter;
  private volatile LogConfig config;

  /** Guards appends, truncation, roll and the segment map's membership. */
  private final ReentrantLock lock = new ReentrantLock();

  /** Serialises compaction with retention and truncation, which remove segments. */
  final ReentrantLock cleanerLock = new ReentrantLock();

  private final ConcurrentSkipListMap<Long, LogSegment> segments;
  private final ProducerStateManager producerState;
  private final LeaderEpochCache epochs;
  private volatile long logStartOffset;
  private volatile long logEndOffset;
  private volatile long highWatermark;
  private volatile long recoveryPoint;
  private volatile long cleanerOffset;
  private volatile StorageException offline;
  private volatile boolean closed;

  /** When kept tombstones become removable; set by {@link LogCleaner}, in memory only. */
  volatile long tombstoneHorizonMs = Long.MAX_VALUE;

  private long unflushedRecords;
  private long lastFlushMs;

  private PartitionLog(
      String topic,
      int partition,
      Path dir,
      LogConfig config,
      LongSupplier clock,
      ScheduledExecutorService deleter,
      LogLoader.Loaded loaded)
      throws IOException {
    this.topic = topic;
    this.partition = partition;
    this.name = topic + "-" + partition;
    this.dir = dir;
    this.config = config;
    this.clock = clock;
    this.deleter = deleter;
    this.segments = loaded.segments();
    this.logStartOffset = loaded.logStartOffset();
    this.logEndOffset = loaded.logEndOffset();
    this.highWatermark = loaded.highWatermark();
    this.recoveryPoint = loaded.logEndOffset();
    this.cleanerOffset = loaded.cleanerOffset();
    this.producerState = new ProducerStateManager(dir);
    this.epochs = new LeaderEpochCache(dir);
    this.lastFlushMs = clock.getAsLong();
    epochs.truncateFromEnd(logEndOffset);
    epochs.truncateFromStart(logStartOffset);
    producerState.deleteSnapshotsAfter(logEndOffset);
    rebuildProducerState();
    writeCheckpoint(true);
  }

  /**
   * Opens (and if needed recovers) the log in {@code dir}, creating it when absent.
   *
   * @param clock wall-clock milliseconds (tests pass a controlled clock)
   * @param deleter runs delayed file deletions; null deletes at once
   */
  public static PartitionLog open(
      Path dir,
      String topic,
      int partition,
      LogConfig config,
      LongSupplier clock,
      ScheduledExecutorService deleter)
      throws IOException {
    String name = topic + "-" + partition;
    LogLoader.Loaded loaded = LogLoader.load(dir, name, config, clock.getAsLong());
    try {
      return new PartitionLog(topic, partition, dir, config, clock, deleter, loaded);
    } catch (IOException | RuntimeException e) {
      LogLoader.closeQuietly(loaded.segments());
      throw e;
    }
  }

  public String topic() {
    return topic;
  }

  public int partition() {
    return partition;
  }

  public Path dir() {
    return dir;
  }

  public LogConfig config() {
    return config;
  }

  /** Applies new settings; they take effect from the next append, roll or agent pass. */
  public void updateConfig(LogConfig newConfig) {
    this.config = newConfig;
  }

  public long logStartOffset() {
    return logStartOffset;
  }

  public long logEndOffset() {
    return logEndOffset;
  }

  public long highWatermark() {
    return highWatermark;
  }

  /** Everything below this offset is known to be on disk (fsynced). */
  public long recoveryPoint() {
    return recoveryPoint;
  }

  public int segmentCount() {
    return segments.size();
  }

  /** Total bytes of all segments. */
  public long size() {
    long total = 0;
    for (LogSegment s : segments.values()) {
      total += s.size();
    }
    return total;
  }

  public boolean isOffline() {
    return offline != null;
  }

  /** The latest leader epoch recorded in the log, or -1. */
  public int latestEpoch() {
    lock.lock();
    try {
      return epochs.latestEpoch();
    } finally {
      lock.unlock();
    }
  }

  /** The end offset of {@code epoch} (KIP-101): {epoch, endOffset}, or {-1, -1} when unknown. */
  public long[] endOffsetForEpoch(int epoch) {
    lock.lock();
    try {
      return epochs.endOffsetFor(epoch, logEndOffset);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Records that {@code epoch} starts at the current log end, as a new leader does when it takes
   * office (before its first append), so that followers asking for the end of an earlier epoch get
   * the exact point where this leader's epoch began. A no-op for an epoch already recorded.
   */
  public void assignEpochAtLogEnd(int epoch) {
    lock.lock();
    try {
      ensureOnline();
      epochs.maybeAssign(epoch, logEndOffset);
    } catch (IOException e) {
      throw fail("record leader epoch", e);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Sets the high watermark (by the replication layer), clamped to [logStart, logEnd].
   *
   * @return the value set
   */
  public long updateHighWatermark(long hw) {
    lock.lock();
    try {
      highWatermark = Math.max(logStartOffset, Math.min(hw, logEndOffset));
      return highWatermark;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Appends batches as the leader: validates them, with the topic configs' record checks and
   * re-compression ({@link LogValidator#validateAsLeader}; nothing is written if one is bad),
   * checks idempotent producers' sequences, stamps consecutive offsets from the log end and {@code
   * leaderEpoch} into the batch headers (of {@code records} or its re-compressed copy), writes.
   *
   * @throws CorruptRecordException a batch is malformed or fails its CRC
   * @throws RecordTooLargeException a batch exceeds max.message.bytes (after re-compression too)
   * @throws LogException InvalidRecordException or InvalidTimestampException (LogValidator)
   * @throws StorageException the partition is offline or the write failed
   */
  public LogAppendInfo appendAsLeader(ByteBuffer records, int leaderEpoch) {
    return appendAsLeader(records, leaderEpoch, -1);
  }

  /**
   * As {@link #appendAsLeader(ByteBuffer, int)}; with {@code logAppendTimeMs >= 0} every batch is
   * also stamped with that time as LogAppendTime (its CRC is recomputed).
   */
  public LogAppendInfo appendAsLeader(ByteBuffer records, int leaderEpoch, long logAppendTimeMs) {
    LogValidator.Leader v =
        LogValidator.validateAsLeader(records, config, clock.getAsLong(), logAppendTimeMs, name);
    records = v.records();
    LogValidator.Validated a = v.validated();
    lock.lock();
    try {
      ensureOnline();
      int pos = records.position();
      int limit = records.limit();
      ProducerStateManager.Check check = producerState.checkBatches(records, pos, limit);
      if (check.status() != ProducerStateManager.Status.OK) {
        return check.refusal(logStartOffset, name);
      }
      long first = logEndOffset;
      long next = first;
      for (int p = pos; p < limit; p += RecordBatchHeader.totalSize(records, p)) {
        RecordBatchHeader.setBaseOffset(records, p, next);
        RecordBatchHeader.setPartitionLeaderEpoch(records, p, leaderEpoch);
        if (logAppendTimeMs >= 0) {
          RecordBatchHeader.setLogAppendTime(records, p, logAppendTimeMs);
        }
        next = RecordBatchHeader.lastOffset(records, p) + 1;
      }
      write(records, first, next - 1, a);
      epochs.maybeAssign(leaderEpoch, first);
      return new LogAppendInfo(
          LogAppendInfo.Status.APPENDED,
          first,
          next - 1,
          a.maxTimestamp(),
          logStartOffset,
          a.records(),
          a.bytes(),
          null);
    } catch (IOException e) {
      throw fail("append", e);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Appends batches that already carry their offsets (replication, mirror topics). The first batch
   * must start at or after the log end and each next batch after the previous one. Gaps are
   * accepted, as Kafka's followers accept them: compaction removes whole batches, so a replica that
   * copies a cleaned log (a follower that was behind, a new replica of a reassignment) meets them,
   * and mirror topics keep their source's gaps.
   *
   * @throws OffsetMismatchException an overlap (a batch starting below the log end or below the end
   *     of the batch before it); nothing was written
   */
  public LogAppendInfo appendAtOffsets(ByteBuffer records) {
    LogValidator.Validated a = LogValidator.validate(records, config.maxMessageBytes(), name);
    lock.lock();
    try {
      ensureOnline();
      int pos = records.position();
      int limit = records.limit();
      long expected = logEndOffset;
      for (int p = pos; p < limit; p += RecordBatchHeader.totalSize(records, p)) {
        long base = RecordBatchHeader.baseOffset(records, p);
        if (base < expected) {
          throw new OffsetMismatchException(
              name
                  + ": batch at offset "
                  + base
                  + " overlaps "
                  + (p == pos
                      ? "the log end "
                      : "the batch before it (within the append), ending at ")
                  + expected
                  + "; nothing appended");
        }
        expected = RecordBatchHeader.lastOffset(records, p) + 1;
      }
      long first = logEndOffset;
      write(records, first, expected - 1, a);
      for (int p = pos; p < limit; p += RecordBatchHeader.totalSize(records, p)) {
        epochs.maybeAssign(
            RecordBatchHeader.partitionLeaderEpoch(records, p),
            RecordBatchHeader.baseOffset(records, p));
      }
      return new LogAppendInfo(
          LogAppendInfo.Status.APPENDED,
          first,
          expected - 1,
          a.maxTimestamp(),
          logStartOffset,
          a.records(),
          a.bytes(),
          null);
    } catch (IOException e) {
      throw fail("append", e);
    } finally {
      lock.unlock();
    }
  }

  /** Writes validated, stamped batches; caller holds the lock. */
  private void write(ByteBuffer records, long first, long last, LogValidator.Validated a)
      throws IOException {
    LogSegment active = maybeRoll(a.bytes(), a.maxTimestamp(), last, first);
    active.append(records);
    producerState.updateFromBatches(records, records.position(), records.limit());
    logEndOffset = last + 1;
    unflushedRecords += Math.max(a.records(), 1);
    if (unflushedRecords >= config.flushMessages()) {
      flushLocked();
    }
  }

  private LogSegment maybeRoll(
      int appendBytes, long appendMaxTimestamp, long lastOffset, long firstOffset)
      throws IOException {
    LogSegment active = segments.lastEntry().getValue();
    long now = clock.getAsLong();
    LogConfig c = config;
    boolean roll =
        active.size() > 0
            && ((long) active.size() + appendBytes > c.segmentBytes()
                || active.timeWaitedForRoll(now, appendMaxTimestamp) > c.segmentMs()
                || !active.canHoldOffset(lastOffset));
    return roll ? roll(firstOffset) : active;
  }

  /** Closes the active segment and starts a new one at {@code baseOffset}; holds the lock. */
  private LogSegment roll(long baseOffset) throws IOException {
    LogSegment old = segments.lastEntry().getValue();
    old.writeIndexes(false);
    producerState.takeSnapshot(baseOffset);
    LogSegment fresh =
        LogSegment.create(dir, baseOffset, config.indexIntervalBytes(), clock.getAsLong());
    segments.put(baseOffset, fresh);
    LOG.debug("{}: rolled new segment at offset {}", name, baseOffset);
    return fresh;
  }

  /** Starts a new segment now if the active one is not empty (for tests and tools). */
  public void roll() {
    lock.lock();
    try {
      ensureOnline();
      if (segments.lastEntry().getValue().size() > 0) {
        roll(logEndOffset);
      }
    } catch (IOException e) {
      throw fail("roll", e);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Reads whole batches from {@code offset} on: the first batch returned is the one holding {@code
   * offset} (it may start before it). At least one batch is returned when {@code minOneBatch} even
   * if it is larger than {@code maxBytes}.
   *
   * @throws OffsetOutOfRangeException when {@code offset} is below the log start or above the end
   */
  public LogReadResult read(
      long offset, int maxBytes, FetchIsolation isolation, boolean minOneBatch) {
    for (int attempt = 0; ; attempt++) {
      LogSlice slice = readSlice(offset, maxBytes, isolation, minOneBatch);
      ByteBuffer buf = ByteBuffer.allocate(slice.length());
      try {
        if (slice.length() > 0) {
          slice.segment().readFully(buf, slice.position());
        }
        return new LogReadResult(
            buf, slice.highWatermark(), slice.logStartOffset(), slice.logEndOffset());
      } catch (ClosedChannelException e) {
        if (attempt >= READ_RETRIES || closed) {
          throw new StorageException(name + ": log closed during read", e);
        }
        // the segment was replaced (compaction) or deleted (retention) under us: look again
      } catch (IOException e) {
        throw fail("read", e);
      }
    }
  }

  /**
   * Like {@link #read} but returns where the batches are instead of their bytes, for zero-copy
   * sends ({@link LogSlice#channel()}). The slice stays readable for {@code file.delete.delay.ms}
   * even if retention or compaction replaces its segment.
   */
  public LogSlice readSlice(
      long offset, int maxBytes, FetchIsolation isolation, boolean minOneBatch) {
    for (int attempt = 0; ; attempt++) {
      ensureOnline();
      long start = logStartOffset;
      long end = logEndOffset;
      long hw = highWatermark;
      if (offset < start || offset > end) {
        throw new OffsetOutOfRangeException(
            name + ": offset " + offset + " is outside [" + start + ", " + end + "]");
      }
      long limit = isolation == FetchIsolation.HIGH_WATERMARK ? hw : end;
      if (offset >= limit) {
        return LogSlice.empty(hw, start, end);
      }
      try {
        Map.Entry<Long, LogSegment> e = segments.floorEntry(offset);
        if (e == null) {
          e = segments.firstEntry();
        }
        while (e != null) {
          int[] slice = e.getValue().slice(offset, maxBytes, limit, minOneBatch);
          if (slice != null) {
            return new LogSlice(e.getValue(), slice[0], slice[1], hw, start, end);
          }
          e = segments.higherEntry(e.getKey());
        }
        return LogSlice.empty(hw, start, end);
      } catch (ClosedChannelException e) {
        if (attempt >= READ_RETRIES || closed) {
          throw new StorageException(name + ": log closed during read", e);
        }
      } catch (IOException e) {
        throw fail("read", e);
      }
    }
  }

  /**
   * The first record at or after {@code timestamp} (ListOffsets by time), or empty when every
   * record is older.
   */
  public Optional<TimestampOffset> offsetForTimestamp(long timestamp) {
    ensureOnline();
    return LogTimestamps.offsetForTimestamp(
        segments.values(), logStartOffset, timestamp, this::readSegment);
  }

  /** The record with the largest timestamp (ListOffsets MAX_TIMESTAMP), or empty. */
  public Optional<TimestampOffset> maxTimestamp() {
    ensureOnline();
    return LogTimestamps.maxTimestamp(segments.values(), logStartOffset, this::readSegment);
  }

  private ByteBuffer readSegment(LogSegment seg, long from, int maxBytes) {
    try {
      return seg.read(from, maxBytes, Long.MAX_VALUE, true);
    } catch (ClosedChannelException e) {
      return null;
    } catch (IOException e) {
      throw fail("read", e);
    }
  }

  /**
   * Removes every batch whose last offset is at or after {@code offset} (follower divergence,
   * failback). The new log end is {@code offset}, or the base offset of a batch that straddled it
   * (batches go whole). Below the log start, the log is emptied and restarted at {@code offset}.
   *
   * @return the new log end offset
   */
  public long truncateTo(long offset) {
    cleanerLock.lock();
    lock.lock();
    try {
      ensureOnline();
      if (offset >= logEndOffset) {
        epochs.truncateFromEnd(offset); // an epoch recorded at the end with no batch yet goes
        return logEndOffset;
      }
      if (offset < logStartOffset) {
        truncateFullyLocked(offset);
        return logEndOffset;
      }
      List<LogSegment> doomed = new ArrayList<>();
      for (LogSegment s : segments.tailMap(offset, true).values()) {
        if (s.baseOffset() != segments.firstKey()) {
          doomed.add(s);
        }
      }
      for (LogSegment s : doomed) {
        segments.remove(s.baseOffset());
        scheduleDelete(s);
      }
      LogSegment active = segments.lastEntry().getValue();
      long removedBase = active.truncateTo(offset);
      logEndOffset = removedBase >= 0 ? Math.min(offset, removedBase) : offset;
      if (logEndOffset < logStartOffset) {
        // the batch holding the log start went: nothing readable is left
        truncateFullyLocked(logStartOffset);
        return logEndOffset;
      }
      afterTruncation();
      if (active.nextOffset() < logEndOffset) {
        // compaction left a gap below the new end: a segment based at the end keeps it so
        // across restarts (the log end is recovered from the last segment)
        roll(logEndOffset);
      }
      LOG.info("{}: truncated to offset {} (log end now {})", name, offset, logEndOffset);
      return logEndOffset;
    } catch (IOException e) {
      throw fail("truncate", e);
    } finally {
      lock.unlock();
      cleanerLock.unlock();
    }
  }

  /** Deletes all data and restarts the log empty at {@code offset} (mirror resets, failback). */
  public void truncateFullyAndStartAt(long offset) {
    cleanerLock.lock();
    lock.lock();
    try {
      ensureOnline();
      truncateFullyLocked(offset);
    } catch (IOException e) {
      throw fail("truncate", e);
    } finally {
      lock.unlock();
      cleanerLock.unlock();
    }
  }

  private void truncateFullyLocked(long offset) throws IOException {
    List<LogSegment> all = new ArrayList<>(segments.values());
    segments.clear();
    for (LogSegment s : all) {
      scheduleDelete(s);
    }
    segments.put(
        offset, LogSegment.create(dir, offset, config.indexIntervalBytes(), clock.getAsLong()));
    logStartOffset = offset;
    logEndOffset = offset;
    cleanerOffset = offset;
    producerState.clear();
    producerState.deleteSnapshotsAfter(-1);
    epochs.clear();
    highWatermark = offset;
    recoveryPoint = offset;
    writeCheckpoint(true);
    LOG.info("{}: emptied and restarted at offset {}", name, offset);
  }

  private void afterTruncation() throws IOException {
    highWatermark = Math.min(highWatermark, logEndOffset);
    recoveryPoint = Math.min(recoveryPoint, logEndOffset);
    cleanerOffset = Math.min(cleanerOffset, logEndOffset);
    epochs.truncateFromEnd(logEndOffset);
    producerState.deleteSnapshotsAfter(logEndOffset);
    rebuildProducerState();
    writeCheckpoint(true);
  }

  /**
   * Advances the log start offset (DeleteRecords); segments wholly below it are deleted.
   *
   * @return whether it moved
   * @throws OffsetOutOfRangeException when {@code offset} is past the high watermark
   */
  public boolean maybeIncrementLogStartOffset(long offset) {
    cleanerLock.lock();
    lock.lock();
    try {
      ensureOnline();
      if (offset > highWatermark) {
        throw new OffsetOutOfRangeException(
            name
                + ": cannot move the log start to "
                + offset
                + ", past the high watermark "
                + highWatermark);
      }
      if (offset <= logStartOffset) {
        return false;
      }
      logStartOffset = offset;
      epochs.truncateFromStart(offset);
      deleteSegmentsBelowLogStart();
      writeCheckpoint(true);
      return true;
    } catch (IOException e) {
      throw fail("advance log start", e);
    } finally {
      lock.unlock();
      cleanerLock.unlock();
    }
  }

  /**
   * Applies retention: with cleanup.policy delete, whole segments whose newest record is older than
   * retention.ms and the oldest segments while the log exceeds retention.bytes; always, segments
   * wholly below the log start. Only segments below the high watermark are deleted; an expired
   * active segment is rolled first.
   *
   * @return the number of segments deleted
   */
  public int applyRetention() {
    cleanerLock.lock();
    lock.lock();
    try {
      ensureOnline();
      LogConfig c = config;
      long now = clock.getAsLong();
      int deleted = 0;
      if (c.delete()) {
        long excess = c.retentionBytes() < 0 ? 0 : size() - c.retentionBytes();
        List<LogSegment> list = new ArrayList<>(segments.values());
        for (int i = 0; i < list.size(); i++) {
          LogSegment s = list.get(i);
          boolean active = i == list.size() - 1;
          long next = active ? logEndOffset : list.get(i + 1).baseOffset();
          if (next > highWatermark || s.size() == 0) {
            break;
          }
          boolean expired = c.retentionMs() >= 0 && now - s.largestTimestamp() > c.retentionMs();
          boolean oversize = !active && excess >= s.size();
          if (!expired && !oversize) {
            break;
          }
          if (active) {
            roll(logEndOffset);
          }
          excess -= s.size();
          deleteOldestSegment(next);
          deleted++;
        }
      }
      deleted += deleteSegmentsBelowLogStart();
      if (deleted > 0) {
        producerState.deleteOldSnapshots(logStartOffset, SNAPSHOTS_KEPT);
        writeCheckpoint(false);
      }
      return deleted;
    } catch (IOException e) {
      throw fail("retention", e);
    } finally {
      lock.unlock();
      cleanerLock.unlock();
    }
  }

  private int deleteSegmentsBelowLogStart() throws IOException {
    int deleted = 0;
    while (segments.size() > 1) {
      Map.Entry<Long, LogSegment> second = segments.higherEntry(segments.firstKey());
      if (second.getKey() > logStartOffset) {
        break;
      }
      deleteOldestSegment(second.getKey());
      deleted++;
    }
    return deleted;
  }

  private void deleteOldestSegment(long nextBase) throws IOException {
    LogSegment s = segments.pollFirstEntry().getValue();
    logStartOffset = Math.max(logStartOffset, nextBase);
    epochs.truncateFromStart(logStartOffset);
    scheduleDelete(s);
    LOG.info("{}: deleted segment {}, log start now {}", name, s.logFile(), logStartOffset);
  }

  private void scheduleDelete(LogSegment s) throws IOException {
    s.renameToDeleted();
    Runnable delete =
        () -> {
          try {
            s.closeAndDelete();
          } catch (IOException e) {
            LOG.warn("{}: could not delete {}: {}", name, s.logFile(), e.toString());
          }
        };
    if (deleter == null) {
      delete.run();
    } else {
      deleter.schedule(delete, config.fileDeleteDelayMs(), TimeUnit.MILLISECONDS);
    }
  }

  /** Forces everything appended so far to disk and advances the recovery point. */
  public void flush() {
    lock.lock();
    try {
      ensureOnline();
      flushLocked();
    } catch (IOException e) {
      throw fail("flush", e);
    } finally {
      lock.unlock();
    }
  }

  /** Flushes when flush.ms has passed since the last flush and there is unflushed data. */
  public void maybeFlush() {
    LogConfig c = config;
    if (c.flushMs() == Long.MAX_VALUE) {
      return;
    }
    long now = clock.getAsLong();
    lock.lock();
    try {
      if (offline == null && unflushedRecords > 0 && now - lastFlushMs >= c.flushMs()) {
        flushLocked();
      }
    } catch (IOException e) {
      throw fail("flush", e);
    } finally {
      lock.unlock();
    }
  }

  private void flushLocked() throws IOException {
    long upTo = logEndOffset;
    Long from = segments.floorKey(recoveryPoint);
    for (LogSegment s : segments.tailMap(from == null ? segments.firstKey() : from).values()) {
      s.flush();
    }
    recoveryPoint = upTo;
    unflushedRecords = 0;
    lastFlushMs = clock.getAsLong();
    writeCheckpoint(true);
  }

  /** Flushes and closes; the next open trusts the indexes (clean shutdown). */
  @Override
  public void close() throws IOException {
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      if (offline == null) {
        flushLocked();
        LogSegment active = segments.lastEntry().getValue();
        for (LogSegment s : segments.values()) {
          if (s == active) {
            s.writeIndexes(true);
          }
        }
        producerState.takeSnapshot(logEndOffset);
        Files.writeString(dir.resolve(LogLoader.CLEAN_SHUTDOWN_FILE), "");
      }
      for (LogSegment s : segments.values()) {
        s.close();
      }
    } finally {
      lock.unlock();
    }
  }

  /** Closes and removes the partition's directory (topic deletion). */
  public void deleteAll() throws IOException {
    lock.lock();
    try {
      closed = true;
      for (LogSegment s : segments.values()) {
        s.close();
      }
      segments.clear();
      try (var files = Files.walk(dir)) {
        for (Path p : (Iterable<Path>) files.sorted((a, b) -> b.compareTo(a))::iterator) {
          Files.deleteIfExists(p);
        }
      }
    } finally {
      lock.unlock();
    }
  }

  // ---- for LogCleaner ----

  LogSegment activeSegment() {
    return segments.lastEntry().getValue();
  }

  List<LogSegment> segmentsBelow(long offset) {
    List<LogSegment> out = new ArrayList<>();
    for (LogSegment s : segments.values()) {
      if (s.nextOffset() <= offset && s != activeSegment()) {
        out.add(s);
      }
    }
    return out;
  }

  long cleanerOffset() {
    return cleanerOffset;
  }

  /**
   * The transactions begun in this log that no commit or abort marker ended, by first offset. Here
   * they come from mirror links (Meridian has no transaction coordinator yet): a promoted mirror
   * topic's leader aborts them, since the coordinator that would end them is in another cluster.
   */
  public List<OpenTransaction> openTransactions() {
    lock.lock();
    try {
      return producerState.openTransactions();
    } finally {
      lock.unlock();
    }
  }

  /** Last offsets of active producers' last batches: compaction keeps those batches. */
  Set<Long> producerLastOffsets() {
    lock.lock();
    try {
      return new HashSet<>(producerState.lastOffsets());
    } finally {
      lock.unlock();
    }
  }

  long nowMs() {
    return clock.getAsLong();
  }

  String name() {
    return name;
  }

  /**
   * Swaps {@code old} for the compacted file {@code cleaned} (same base offset). Crash-safe: the
   * old indexes go first (a missing index is rebuilt), then the rename is atomic.
   */
  void replaceSegment(LogSegment old, Path cleaned) throws IOException {
    lock.lock();
    try {
      ensureOnline();
      if (segments.get(old.baseOffset()) != old) {
        Files.deleteIfExists(cleaned);
        return;
      }
      Path logFile = old.logFile();
      Files.deleteIfExists(
          dir.resolve(LogSegment.fileName(old.baseOffset(), LogSegment.INDEX_SUFFIX)));
      Files.deleteIfExists(
          dir.resolve(LogSegment.fileName(old.baseOffset(), LogSegment.TIME_INDEX_SUFFIX)));
      Files.move(
          cleaned,
          logFile,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE,
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      LogSegment fresh =
          LogSegment.open(logFile, old.baseOffset(), config.indexIntervalBytes(), false);
      fresh.writeIndexes(false);
      segments.put(old.baseOffset(), fresh);
      Runnable close =
          () -> {
            try {
              old.close();
            } catch (IOException e) {
              LOG.warn("{}: closing replaced segment: {}", name, e.toString());
            }
          };
      if (deleter == null) {
        close.run();
      } else {
        deleter.schedule(close, config.fileDeleteDelayMs(), TimeUnit.MILLISECONDS);
      }
    } catch (IOException e) {
      throw fail("compaction swap", e);
    } finally {
      lock.unlock();
    }
  }

  void markCleanedUpTo(long offset) throws IOException {
    lock.lock();
    try {
      cleanerOffset = Math.max(cleanerOffset, offset);
      writeCheckpoint(false);
    } finally {
      lock.unlock();
    }
  }

  // ---- internals ----

  private void rebuildProducerState() throws IOException {
    long from = producerState.loadLatestSnapshot(logEndOffset);
    long start = Math.max(from, logStartOffset);
    for (LogSegment s : segments.values()) {
      if (s.nextOffset() <= start) {
        continue;
      }
      s.scan(
          0,
          (chunk, p, filePos) -> {
            if (RecordBatchHeader.lastOffset(chunk, p) >= start) {
              producerState.updateFromBatch(chunk, p);
            }
            return true;
          });
    }
  }

  private void writeCheckpoint(boolean fsync) throws IOException {
    new PartitionCheckpoint(logStartOffset, recoveryPoint, highWatermark, cleanerOffset)
        .write(dir, fsync);
  }

  private void ensureOnline() {
    StorageException e = offline;
    if (e != null) {
      throw new StorageException(name + " is offline after an earlier I/O error", e);
    }
    if (closed) {
      throw new StorageException(name + " is closed");
    }
  }

  private StorageException fail(String what, IOException cause) {
    StorageException e =
        new StorageException(name + ": " + what + " failed, partition offline: " + cause, cause);
    offline = e;
    LOG.error("{}: {} failed; taking the partition offline", name, what, cause);
    return e;
  }

  @Override
  public String toString() {
    return String.format(
        "PartitionLog(%s, start=%d, end=%d, hw=%d, segments=%d)",
        name, logStartOffset, logEndOffset, highWatermark, segments.size());
  }
}
