package dev.meridian.node.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * One file of a partition log and its two sparse indexes.
 *
 * <pre>
 * 00000000000000001234.log        v2 record batches, back to back, exactly as validated
 * 00000000000000001234.index      {@link OffsetIndex}: batch base offset -&gt; file position
 * 00000000000000001234.timeindex  {@link TimeIndex}: max timestamp so far -&gt; batch base offset
 * </pre>
 *
 * <p>The name is the segment's base offset (20 digits). Batches are strictly increasing in offset;
 * the segment ends at {@link #size()} bytes, which is published only after the bytes are written,
 * so concurrent readers never see a partial batch. Appends, truncation and index writes are made by
 * one writer at a time (the owning {@link PartitionLog}'s lock); reads are lock-free positional
 * reads. After a crash the tail may hold a torn batch; {@link #recover()} validates batches,
 * truncates at the first bad one and rebuilds the indexes.
 */
final class LogSegment {
  static final String LOG_SUFFIX = ".log";
  static final String INDEX_SUFFIX = ".index";
  static final String TIME_INDEX_SUFFIX = ".timeindex";
  static final String DELETED_SUFFIX = ".deleted";
  private static final int SCAN_CHUNK = 1 << 20;

  private final long baseOffset;
  private final int indexIntervalBytes;
  private Path logFile;
  private Path indexFile;
  private Path timeIndexFile;
  private final FileChannel channel;
  private volatile int size;
  private volatile long nextOffset;
  private OffsetIndex offsetIndex;
  private TimeIndex timeIndex;
  private int bytesSinceLastIndexEntry;
  private volatile long maxTimestamp = -1;
  private volatile long offsetOfMaxTimestamp = -1;
  private long firstBatchTimestamp = -1;
  private final long createdMs;

  private LogSegment(
      Path dir, long baseOffset, int indexIntervalBytes, FileChannel channel, long createdMs) {
    this.baseOffset = baseOffset;
    this.indexIntervalBytes = indexIntervalBytes;
    this.logFile = dir.resolve(fileName(baseOffset, LOG_SUFFIX));
    this.indexFile = dir.resolve(fileName(baseOffset, INDEX_SUFFIX));
    this.timeIndexFile = dir.resolve(fileName(baseOffset, TIME_INDEX_SUFFIX));
    this.channel = channel;
    this.nextOffset = baseOffset;
    this.offsetIndex = new OffsetIndex(baseOffset);
    this.timeIndex = new TimeIndex(baseOffset);
    this.createdMs = createdMs;
  }

  static String fileName(long offset, String suffix) {
    return String.format("%020d%s", offset, suffix);
  }

  /** Creates a new empty segment file (replacing a leftover one of the same name). */
  static LogSegment create(Path dir, long baseOffset, int indexIntervalBytes, long nowMs)
      throws IOException {
    Path file = dir.resolve(fileName(baseOffset, LOG_SUFFIX));
    FileChannel ch =
        FileChannel.open(
            file,
            StandardOpenOption.CREATE,
            StandardOpenOption.READ,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING);
    LogSegment segment = new LogSegment(dir, baseOffset, indexIntervalBytes, ch, nowMs);
    Files.deleteIfExists(segment.indexFile);
    Files.deleteIfExists(segment.timeIndexFile);
    return segment;
  }

  /**
   * Opens an existing segment. With {@code trustIndexes}, index files that pass their sanity check
   * are used and only the last batch is read to find the next offset; otherwise (or when an index
   * is suspect) the indexes are rebuilt by scanning the whole file.
   */
  static LogSegment open(Path file, long baseOffset, int indexIntervalBytes, boolean trustIndexes)
      throws IOException {
    LogSegment s = openUnscanned(file, baseOffset, indexIntervalBytes);
    boolean loaded = false;
    if (trustIndexes) {
      OffsetIndex oi = OffsetIndex.load(s.indexFile, baseOffset, Math.max(1, s.size));
      TimeIndex ti = TimeIndex.load(s.timeIndexFile, baseOffset, Long.MAX_VALUE);
      if (oi != null && ti != null) {
        s.offsetIndex = oi;
        s.timeIndex = ti;
        loaded = s.scanTailFrom(oi.lookup(Long.MAX_VALUE));
      }
    }
    if (!loaded) {
      s.rebuildIndexes();
    }
    return s;
  }

  /**
   * Opens an existing segment without reading it: the caller must call {@link #recover} before
   * using it.
   */
  static LogSegment openUnscanned(Path file, long baseOffset, int indexIntervalBytes)
      throws IOException {
    FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
    LogSegment s =
        new LogSegment(
            file.getParent(),
            baseOffset,
            indexIntervalBytes,
            ch,
            Files.getLastModifiedTime(file).toMillis());
    s.size = (int) Math.min(ch.size(), Integer.MAX_VALUE);
    return s;
  }

  long baseOffset() {
    return baseOffset;
  }

  int size() {
    return size;
  }

  /** Offset after the last batch, or the base offset when empty. */
  long nextOffset() {
    return nextOffset;
  }

  long maxTimestamp() {
    return maxTimestamp;
  }

  long offsetOfMaxTimestamp() {
    return offsetOfMaxTimestamp;
  }

  Path logFile() {
    return logFile;
  }

  /** The timestamp retention.ms is measured against: the newest record, else the file time. */
  long largestTimestamp() {
    if (maxTimestamp >= 0) {
      return maxTimestamp;
    }
    try {
      return Files.getLastModifiedTime(logFile).toMillis();
    } catch (IOException e) {
      return createdMs;
    }
  }

  /**
   * How long this segment has been filling, for segment.ms: as Kafka measures it, the new append's
   * max timestamp minus the first batch's, or wall-clock time since creation when the segment has
   * no timestamped batch.
   */
  long timeWaitedForRoll(long nowMs, long appendMaxTimestamp) {
    return firstBatchTimestamp >= 0 && appendMaxTimestamp >= 0
        ? appendMaxTimestamp - firstBatchTimestamp
        : nowMs - createdMs;
  }

  /** The max timestamp of the first batch, or -1 (empty, or no timestamped batch). */
  long firstBatchTimestamp() {
    return firstBatchTimestamp;
  }

  /** Whether {@code offset} can be stored relative to this segment's base in the indexes. */
  boolean canHoldOffset(long offset) {
    return offset - baseOffset <= Integer.MAX_VALUE;
  }

  /**
   * Appends validated, offset-stamped batches. The buffer's position..limit is written as is.
   *
   * @throws IOException on a failed write; the caller takes the partition offline
   */
  void append(ByteBuffer batches) throws IOException {
    int start = size;
    int pos = batches.position();
    int limit = batches.limit();
    int written = 0;
    ByteBuffer src = batches.duplicate();
    while (src.hasRemaining()) {
      written += channel.write(src, (long) start + written);
    }
    long next = nextOffset;
    long maxTs = maxTimestamp;
    long offOfMax = offsetOfMaxTimestamp;
    for (int p = pos; p < limit; p += RecordBatchHeader.totalSize(batches, p)) {
      int batchSize = RecordBatchHeader.totalSize(batches, p);
      long base = RecordBatchHeader.baseOffset(batches, p);
      long ts = RecordBatchHeader.maxTimestamp(batches, p);
      if (firstBatchTimestamp < 0 && next == baseOffset && p == pos) {
        firstBatchTimestamp = ts;
      }
      if (ts > maxTs) {
        maxTs = ts;
        offOfMax = base;
      }
      if (bytesSinceLastIndexEntry >= indexIntervalBytes) {
        offsetIndex.append(base, start + (p - pos));
        timeIndex.maybeAppend(maxTs, offOfMax);
        bytesSinceLastIndexEntry = 0;
      }
      bytesSinceLastIndexEntry += batchSize;
      next = RecordBatchHeader.lastOffset(batches, p) + 1;
    }
    maxTimestamp = maxTs;
    offsetOfMaxTimestamp = offOfMax;
    nextOffset = next;
    size = start + written;
  }

  /**
   * Where the whole batches to read start and end: from the batch that holds {@code offset}, up to
   * {@code maxBytes}, stopping before the first batch whose base offset is at or past {@code
   * maxOffsetExclusive}. Only batch headers are read: the offset index narrows both ends.
   *
   * @param minOneBatch include the first batch even when it is larger than {@code maxBytes}
   * @return {position, length} (length 0 when nothing fits), or null when no batch of this segment
   *     holds or follows {@code offset}
   */
  int[] slice(long offset, int maxBytes, long maxOffsetExclusive, boolean minOneBatch)
      throws IOException {
    int end = size;
    int start = translateOffset(offset, end);
    if (start < 0) {
      return null;
    }
    ByteBuffer header = ByteBuffer.allocate(RecordBatchHeader.HEADER_SIZE);
    readFully(header, start);
    if (RecordBatchHeader.baseOffset(header, 0) >= maxOffsetExclusive) {
      return new int[] {start, 0};
    }
    int firstSize = RecordBatchHeader.totalSize(header, 0);
    int limit = end;
    if (maxOffsetExclusive < nextOffset) {
      limit = Math.min(limit, positionOfBaseAtOrAfter(maxOffsetExclusive, start, end));
    }
    long budgetEnd = (long) start + Math.max(0, maxBytes);
    if (budgetEnd < limit) {
      limit = (int) budgetEnd;
    }
    if (firstSize > limit - start) {
      return new int[] {start, minOneBatch ? firstSize : 0};
    }
    // the last indexed batch start that fits narrows the scan to a few headers
    int pos = Math.max(start, offsetIndex.floorPosition(limit));
    int fitEnd = pos; // every batch from start to an indexed batch start below the limit fits
    while (pos + RecordBatchHeader.LOG_OVERHEAD <= end) {
      header.clear().limit(RecordBatchHeader.LOG_OVERHEAD);
      readFully(header, pos);
      int total = RecordBatchHeader.totalSize(header, 0);
      if (pos + total > limit) {
        break;
      }
      pos += total;
      fitEnd = pos;
    }
    return new int[] {start, Math.max(fitEnd, start + firstSize) - start};
  }

  /**
   * Reads whole batches starting with the one that holds {@code offset} (see {@link #slice}).
   *
   * @return the batches (possibly empty), or null when no batch of this segment holds or follows
   *     {@code offset}
   */
  ByteBuffer read(long offset, int maxBytes, long maxOffsetExclusive, boolean minOneBatch)
      throws IOException {
    int[] slice = slice(offset, maxBytes, maxOffsetExclusive, minOneBatch);
    if (slice == null) {
      return null;
    }
    ByteBuffer buf = ByteBuffer.allocate(slice[1]);
    readFully(buf, slice[0]);
    return buf;
  }

  /** The channel of the log file, for zero-copy reads of a {@link #slice}; never close it. */
  FileChannel channel() {
    return channel;
  }

  /** File position of the first batch whose base offset is at least {@code offset}, or end. */
  private int positionOfBaseAtOrAfter(long offset, int from, int end) throws IOException {
    int pos = Math.max(from, offsetIndex.lookup(offset));
    ByteBuffer header = ByteBuffer.allocate(RecordBatchHeader.LOG_OVERHEAD);
    while (pos + RecordBatchHeader.LOG_OVERHEAD <= end) {
      header.clear();
      readFully(header, pos);
      if (RecordBatchHeader.baseOffset(header, 0) >= offset) {
        return pos;
      }
      pos += RecordBatchHeader.totalSize(header, 0);
    }
    return end;
  }

  /**
   * File position of the first batch whose last offset is at least {@code offset}, or -1 when there
   * is none below {@code end}.
   */
  int translateOffset(long offset, int end) throws IOException {
    if (offset >= nextOffset) {
      return -1;
    }
    int pos = offsetIndex.lookup(offset);
    ByteBuffer header = ByteBuffer.allocate(RecordBatchHeader.HEADER_SIZE);
    while (pos + RecordBatchHeader.HEADER_SIZE <= end) {
      header.clear();
      readFully(header, pos);
      if (RecordBatchHeader.lastOffset(header, 0) >= offset) {
        return pos;
      }
      pos += RecordBatchHeader.totalSize(header, 0);
    }
    return -1;
  }

  /** Receives batches found by {@link #scan}. */
  interface BatchVisitor {
    /**
     * @param chunk buffer holding the whole batch at {@code pos}
     * @param filePosition where the batch starts in the file
     * @return false to stop the scan before this batch
     */
    boolean visit(ByteBuffer chunk, int pos, int filePosition) throws IOException;
  }

  /**
   * Visits whole batches from {@code from} to the end, reading the file in large chunks.
   *
   * @return the file position after the last batch visited (the end of the valid data)
   */
  int scan(int from, BatchVisitor visitor) throws IOException {
    int end = size;
    int pos = from;
    ByteBuffer chunk = ByteBuffer.allocate(SCAN_CHUNK);
    while (pos + RecordBatchHeader.LOG_OVERHEAD <= end) {
      chunk.clear();
      chunk.limit(Math.min(chunk.capacity(), end - pos));
      readFully(chunk, pos);
      int p = 0;
      int n = chunk.limit();
      while (p + RecordBatchHeader.LOG_OVERHEAD <= n) {
        int total = RecordBatchHeader.totalSize(chunk, p);
        if (total < RecordBatchHeader.HEADER_SIZE || (long) pos + p + total > end) {
          return pos + p; // corrupt length or torn tail
        }
        if (p + total > n) {
          break;
        }
        if (!visitor.visit(chunk, p, pos + p)) {
          return pos + p;
        }
        p += total;
      }
      if (p == 0) {
        int total = RecordBatchHeader.totalSize(chunk, 0);
        chunk = ByteBuffer.allocate(Math.max(total, SCAN_CHUNK));
        continue; // retry with a chunk that holds the large batch
      }
      pos += p;
    }
    return pos;
  }

  /**
   * Validates every batch (CRC, magic, sizes, increasing offsets), truncates the file at the first
   * invalid or torn one and rebuilds both indexes.
   *
   * @param minOffset the first offset a batch of this segment may have
   * @return bytes truncated from the tail
   */
  int recover(long minOffset) throws IOException {
    resetIndexState();
    long[] expected = {Math.max(minOffset, baseOffset)};
    int validEnd =
        scan(
            0,
            (chunk, p, filePos) -> {
              String problem = RecordBatchHeader.validate(chunk, p, chunk.limit());
              if (problem != null || RecordBatchHeader.baseOffset(chunk, p) < expected[0]) {
                return false;
              }
              expected[0] = RecordBatchHeader.lastOffset(chunk, p) + 1;
              indexBatch(chunk, p, filePos);
              return true;
            });
    int truncated = size - validEnd;
    if (truncated > 0) {
      channel.truncate(validEnd);
      size = validEnd;
    }
    return truncated;
  }

  /** Rebuilds both indexes and the derived fields by scanning the headers of every batch. */
  void rebuildIndexes() throws IOException {
    resetIndexState();
    int end = scan(0, (chunk, p, filePos) -> indexBatch(chunk, p, filePos));
    if (end < size) {
      // a torn tail in a segment opened as trusted: leave the bytes for recovery, serve none
      size = end;
    }
  }

  private void resetIndexState() {
    offsetIndex.clear();
    timeIndex.clear();
    bytesSinceLastIndexEntry = 0;
    maxTimestamp = -1;
    offsetOfMaxTimestamp = -1;
    firstBatchTimestamp = -1;
    nextOffset = baseOffset;
  }

  private boolean indexBatch(ByteBuffer chunk, int p, int filePos) {
    long base = RecordBatchHeader.baseOffset(chunk, p);
    long ts = RecordBatchHeader.maxTimestamp(chunk, p);
    if (nextOffset == baseOffset && firstBatchTimestamp < 0) {
      firstBatchTimestamp = ts;
    }
    if (ts > maxTimestamp) {
      maxTimestamp = ts;
      offsetOfMaxTimestamp = base;
    }
    if (bytesSinceLastIndexEntry >= indexIntervalBytes) {
      offsetIndex.append(base, filePos);
      timeIndex.maybeAppend(maxTimestamp, offsetOfMaxTimestamp);
      bytesSinceLastIndexEntry = 0;
    }
    bytesSinceLastIndexEntry += RecordBatchHeader.totalSize(chunk, p);
    nextOffset = RecordBatchHeader.lastOffset(chunk, p) + 1;
    return true;
  }

  /**
   * Completes a trusted open: scans the batches after the last indexed one for the next offset and
   * the newest timestamp. False when they look corrupt or the indexes disagree with the log.
   */
  private boolean scanTailFrom(int from) throws IOException {
    maxTimestamp = timeIndex.lastTimestamp();
    offsetOfMaxTimestamp = timeIndex.lastOffset();
    int end =
        scan(
            from,
            (chunk, p, filePos) -> {
              long ts = RecordBatchHeader.maxTimestamp(chunk, p);
              if (ts > maxTimestamp) {
                maxTimestamp = ts;
                offsetOfMaxTimestamp = RecordBatchHeader.baseOffset(chunk, p);
              }
              nextOffset = RecordBatchHeader.lastOffset(chunk, p) + 1;
              return true;
            });
    if (end != size || timeIndex.lastOffset() >= nextOffset) {
      return false;
    }
    if (size >= RecordBatchHeader.HEADER_SIZE) {
      ByteBuffer first = ByteBuffer.allocate(RecordBatchHeader.HEADER_SIZE);
      readFully(first, 0);
      firstBatchTimestamp = RecordBatchHeader.maxTimestamp(first, 0);
    }
    return true;
  }

  /**
   * Removes every batch whose last offset is at least {@code offset}.
   *
   * @return the base offset of the first batch removed, or -1 when none was
   */
  long truncateTo(long offset) throws IOException {
    int pos = translateOffset(offset, size);
    if (pos < 0) {
      return -1;
    }
    ByteBuffer header = ByteBuffer.allocate(RecordBatchHeader.LOG_OVERHEAD);
    readFully(header, pos);
    long removedBase = RecordBatchHeader.baseOffset(header, 0);
    channel.truncate(pos);
    size = pos;
    // derived state is recomputed from the remaining batches (cheap: truncation is rare)
    rebuildIndexes();
    return removedBase;
  }

  /** Writes both indexes to disk (atomically), forcing them when {@code fsync}. */
  void writeIndexes(boolean fsync) throws IOException {
    offsetIndex.writeTo(indexFile, fsync);
    timeIndex.writeTo(timeIndexFile, fsync);
  }

  /** Forces the log file's data to disk. */
  void flush() throws IOException {
    channel.force(false);
  }

  /** Time index lookup plus scan: where a search for {@code timestamp} may start. */
  long timeIndexScanStart(long timestamp) {
    return timeIndex.lookupScanStart(timestamp);
  }

  void close() throws IOException {
    channel.close();
  }

  /** Renames the files to {@code *.deleted}; the channel stays open for reads under way. */
  void renameToDeleted() throws IOException {
    logFile = renameWithSuffix(logFile);
    indexFile = renameWithSuffix(indexFile);
    timeIndexFile = renameWithSuffix(timeIndexFile);
  }

  /** Closes the channel and removes the files, wherever they are. */
  void closeAndDelete() throws IOException {
    channel.close();
    Files.deleteIfExists(logFile);
    Files.deleteIfExists(indexFile);
    Files.deleteIfExists(timeIndexFile);
  }

  private static Path renameWithSuffix(Path file) throws IOException {
    Path target = file.resolveSibling(file.getFileName() + DELETED_SUFFIX);
    if (Files.exists(file)) {
      Files.move(file, target, StandardCopyOption.REPLACE_EXISTING);
    }
    return target;
  }

  void readFully(ByteBuffer dst, long position) throws IOException {
    long p = position;
    while (dst.hasRemaining()) {
      int n = channel.read(dst, p);
      if (n < 0) {
        throw new IOException("unexpected end of " + logFile + " at " + p);
      }
      p += n;
    }
    dst.flip();
  }

  @Override
  public String toString() {
    return "LogSegment(" + logFile.getFileName() + ", size=" + size + ", next=" + nextOffset + ")";
  }
}
