package dev.meridian.node.link;

import dev.meridian.node.replication.Partition;
import dev.meridian.node.replication.Partition.NotLeaderException;
import dev.meridian.node.storage.FetchIsolation;
import dev.meridian.node.storage.LogAppendInfo;
import dev.meridian.node.storage.LogReadResult;
import dev.meridian.node.storage.record.KafkaRecords;
import io.github.resilience4j.ratelimiter.RateLimiter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies the source partitions of an active-active link into the target partitions this node leads,
 * on one thread of its own: a kafka-clients consumer (assigned, no group) reads the source
 * read_committed, records the link does not copy ({@link Provenance}) are skipped, the others are
 * written with provenance headers as LZ4 batches, appended as leader in the epoch the copy started
 * in — a copy that lost its leadership is fenced and never appends again.
 *
 * <p>Where a copy starts is read from the target's own log, not from a checkpoint: the newest
 * record this link copied there carries its source offset ({@value Provenance#SOURCE_OFFSET}), and
 * the copy resumes after it. So a restart, a crash between an append and anything after it, or a
 * new leader (whose log may hold less or more than the old one's) neither loses nor repeats a
 * record.
 */
final class ActiveCopier implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ActiveCopier.class);

  /** The uncompressed size at which a batch of copied records is written. */
  private static final int BATCH_BYTES = 512 * 1024;

  private static final int BATCH_RECORDS = 4_000;

  /**
   * How many offsets of the target's tail the first resume scan reads (then 4x more each time); the
   * map entries of the copies found there are written again (those of the last batches may have
   * been lost with the process).
   */
  private static final long RESUME_WINDOW = 3 * BATCH_RECORDS;

  /** How often a copy's progress (how far it read, skipped records included) is written. */
  private static final long PROGRESS_MS = 1_000;

  /** One target partition this node copies into, fenced by the leader epoch it started in. */
  static final class Copy {
    final Partition target;
    final int leaderEpoch;
    final TopicPartition source;
    volatile String state = "STARTING";
    volatile long next = -1;
    volatile long sourceEnd = -1;
    volatile long records;
    volatile long bytes;
    volatile long skipped;
    volatile long lastAppendMs;
    volatile long lastTimestamp = -1;
    volatile String lastError;
    long progressWritten = -1;
    long progressAtMs;

    Copy(Partition target, int leaderEpoch) {
      this.target = target;
      this.leaderEpoch = leaderEpoch;
      this.source = new TopicPartition(target.topic(), target.index());
    }

    String key() {
      return source.topic() + "-" + source.partition();
    }

    long lagRecords() {
      return sourceEnd < 0 || next < 0 ? -1 : Math.max(0, sourceEnd - next);
    }
  }

  /** What the copier needs from its link. */
  interface Context {
    String linkName();

    String sourceRegion();

    String targetRegion();

    Routes routes();

    boolean paused();

    boolean startsAtLatest();

    java.util.Optional<RateLimiter> rateLimiter();

    /** A copy lost its leadership (or could not start): the link reconciles. */
    void fenced(Copy copy);

    /** Where the link's offset map entries go. */
    OffsetMapTopic.Writer mapWriter();
  }

  private final Context context;
  private final String bootstrap;
  private final Map<String, String> properties;
  private final String clientId;
  private final Thread thread;
  private final AtomicLong sourceBytes = new AtomicLong();
  private volatile Map<TopicPartition, Copy> wanted = Map.of();
  private final Map<TopicPartition, Copy> assigned = new HashMap<>();
  private volatile boolean closed;
  private volatile long fetchedBytes;
  private long fetchedAtMs;
  private volatile KafkaConsumer<byte[], byte[]> consumer;

  ActiveCopier(Context context, String bootstrap, Map<String, String> properties, int nodeId) {
    this.context = context;
    this.bootstrap = bootstrap;
    this.properties = Map.copyOf(properties);
    this.clientId = "meridian-link-" + context.linkName() + "-" + nodeId;
    this.thread = new Thread(this::run, "meridian-link-" + context.linkName() + "-copier");
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /** The copies this node should run (read by the copier's thread on its next turn). */
  void want(Map<TopicPartition, Copy> copies) {
    wanted = Map.copyOf(copies);
    KafkaConsumer<byte[], byte[]> c = consumer;
    if (c != null) {
      c.wakeup();
    }
  }

  Map<TopicPartition, Copy> copies() {
    return wanted;
  }

  /** The key and value bytes read from the source. */
  long sourceBytes() {
    return sourceBytes.get();
  }

  /** The batch bytes fetched from the source (the consumer's bytes-consumed-total). */
  long fetchedBytes() {
    return fetchedBytes;
  }

  private KafkaConsumer<byte[], byte[]> newConsumer() {
    Properties p = new Properties();
    p.putAll(properties);
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "10000");
    p.putIfAbsent(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "100");
    // a WAN round trip per fetch: more than the default 1 MB a partition, bounded in all (the
    // fetched batches and their decoded records are what the copier's heap holds)
    p.putIfAbsent(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(4 << 20));
    p.putIfAbsent(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, Integer.toString(16 << 20));
    p.putIfAbsent(ConsumerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "2000");
    return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  private void run() {
    try {
      consumer = newConsumer();
      while (!closed) {
        try {
          turn();
        } catch (WakeupException e) {
          // the wanted copies changed
        } catch (RuntimeException e) {
          if (closed) {
            break;
          }
          LOG.warn("link {}: copying failed: {}", context.linkName(), e.toString());
          assigned.values().forEach(c -> c.lastError = e.toString());
          pause(500);
        }
      }
    } catch (RuntimeException e) {
      LOG.error("link {}: the copier stopped", context.linkName(), e);
    } finally {
      KafkaConsumer<byte[], byte[]> c = consumer;
      if (c != null) {
        c.close(CloseOptions.timeout(Duration.ofSeconds(2)));
      }
    }
  }

  private void turn() {
    sync();
    if (context.paused() || assigned.isEmpty()) {
      pause(100);
      return;
    }
    ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofMillis(200));
    long nowMs = System.currentTimeMillis();
    if (nowMs - fetchedAtMs >= 1_000) {
      fetchedAtMs = nowMs;
      readFetchedBytes();
    }
    for (TopicPartition tp : batch.partitions()) {
      Copy c = assigned.get(tp);
      if (c != null) {
        copy(c, batch.records(tp));
      }
    }
    for (Copy c : assigned.values()) {
      if (c.next < 0) {
        try {
          c.next = consumer.position(c.source, Duration.ofMillis(1));
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
          continue; // not known yet
        }
      }
      consumer.currentLag(c.source).ifPresent(lag -> c.sourceEnd = c.next + lag);
      long now = System.currentTimeMillis();
      if (c.next > c.progressWritten && now - c.progressAtMs >= PROGRESS_MS) {
        context.mapWriter().progress(c.source, c.next);
        c.progressWritten = c.next;
        c.progressAtMs = now;
      }
    }
  }

  private void readFetchedBytes() {
    consumer.metrics().entrySet().stream()
        .filter(
            e ->
                e.getKey().name().equals("bytes-consumed-total")
                    && e.getKey().group().equals("consumer-fetch-manager-metrics")
                    && !e.getKey().tags().containsKey("topic"))
        .findFirst()
        .ifPresent(e -> fetchedBytes = (long) ((Number) e.getValue().metricValue()).doubleValue());
  }

  /**
   * Makes the consumer's assignment the wanted copies; a new copy resumes from the target's log.
   */
  private void sync() {
    Map<TopicPartition, Copy> want = wanted;
    boolean changed = assigned.keySet().retainAll(want.keySet());
    List<Copy> fresh = new ArrayList<>();
    for (Map.Entry<TopicPartition, Copy> e : want.entrySet()) {
      if (assigned.get(e.getKey()) != e.getValue() && !"FENCED".equals(e.getValue().state)) {
        assigned.put(e.getKey(), e.getValue());
        fresh.add(e.getValue());
        changed = true;
      }
    }
    if (!changed) {
      return;
    }
    consumer.assign(new ArrayList<>(assigned.keySet()));
    for (Copy c : fresh) {
      try {
        long resume = resumeOffset(c.target);
        if (resume >= 0) {
          consumer.seek(c.source, resume);
          c.next = resume;
        } else if (context.startsAtLatest()) {
          consumer.seekToEnd(List.of(c.source));
        } else {
          consumer.seekToBeginning(List.of(c.source));
        }
        c.state = "RUNNING";
        LOG.info(
            "link {}: copying {} into epoch {} from {}",
            context.linkName(),
            c.key(),
            c.leaderEpoch,
            resume >= 0
                ? "source offset " + resume
                : context.startsAtLatest() ? "latest" : "start");
      } catch (NotLeaderException e) {
        fence(c, e);
      }
    }
  }

  /**
   * The source offset after the newest record of {@code target} this link copied, or -1 when it
   * holds none: the tail is read backwards in growing windows (what the link copied last is near
   * the end while it runs).
   */
  long resumeOffset(Partition target) {
    long start = target.logStartOffset();
    long hi = target.logEndOffset();
    long window = RESUME_WINDOW;
    TopicPartition tp = new TopicPartition(target.topic(), target.index());
    while (hi > start) {
      long lo = Math.max(start, hi - window);
      Copies found = copiedIn(target, lo, hi);
      if (found.count > 0) {
        long next = found.sources[found.count - 1] + 1;
        context
            .mapWriter()
            .batch(
                tp,
                found.targets[0],
                OffsetMap.runsOf(found.sources, found.targets, found.count),
                next);
        return next;
      }
      hi = lo;
      window *= 4;
    }
    return -1;
  }

  /** The records of a target's offset range that this link copied: target and source offsets. */
  private static final class Copies {
    long[] targets = new long[256];
    long[] sources = new long[256];
    int count;

    void add(long target, long source) {
      if (count == targets.length) {
        targets = java.util.Arrays.copyOf(targets, count * 2);
        sources = java.util.Arrays.copyOf(sources, count * 2);
      }
      targets[count] = target;
      sources[count++] = source;
    }
  }

  private Copies copiedIn(Partition target, long from, long to) {
    Copies found = new Copies();
    long offset = from;
    String source = context.sourceRegion();
    String region = context.targetRegion();
    while (offset < to) {
      LogReadResult r = target.read(offset, 1 << 20, FetchIsolation.LOG_END);
      if (!r.records().hasRemaining()) {
        break;
      }
      long next =
          KafkaRecords.forEachRecordHeaders(
              r.records(),
              (o, headers) -> {
                long copied =
                    o >= from && o < to ? Provenance.copiedOffset(headers, source, region) : -1;
                if (copied >= 0) {
                  found.add(o, copied);
                }
              });
      if (next <= offset) {
        break;
      }
      offset = next;
    }
    return found;
  }

  private void copy(Copy c, List<ConsumerRecord<byte[], byte[]>> records) {
    String source = context.sourceRegion();
    String target = context.targetRegion();
    Routes routes = context.routes();
    List<KafkaRecords.CopiedRecord> out = new ArrayList<>();
    long[] sources = new long[Math.min(records.size(), BATCH_RECORDS)];
    long size = 0;
    long firstPending = -1;
    for (ConsumerRecord<byte[], byte[]> r : records) {
      long bytes =
          (r.key() == null ? 0 : r.key().length) + (r.value() == null ? 0 : r.value().length);
      sourceBytes.addAndGet(bytes);
      Provenance.Trail trail = Provenance.trail(r.headers(), source);
      if (Provenance.copies(trail, source, target, routes)) {
        if (firstPending < 0) {
          firstPending = r.offset();
        }
        sources[out.size()] = r.offset();
        out.add(
            new KafkaRecords.CopiedRecord(
                r.timestamp(),
                r.key(),
                r.value(),
                Provenance.copyHeaders(r.headers(), trail, target, r.offset())));
        size += bytes + 64;
      } else {
        c.skipped++;
      }
      if (out.size() >= BATCH_RECORDS || size >= BATCH_BYTES) {
        if (!append(c, out, sources, size, firstPending)) {
          return;
        }
        out.clear();
        size = 0;
        firstPending = -1;
      }
      c.next = r.offset() + 1;
    }
    if (!out.isEmpty()) {
      append(c, out, sources, size, firstPending);
    }
  }

  /**
   * Appends one batch and writes its map entry; false (and the consumer set back) when it failed.
   */
  private boolean append(
      Copy c,
      List<KafkaRecords.CopiedRecord> records,
      long[] sources,
      long size,
      long firstSource) {
    context.rateLimiter().ifPresent(l -> l.acquirePermission((int) Math.min(size, 1 << 30)));
    try {
      LogAppendInfo info =
          c.target.appendAsLeaderInEpoch(KafkaRecords.lz4Batch(records), c.leaderEpoch, -1);
      int n = records.size();
      long[] targets = new long[n];
      for (int i = 0; i < n; i++) {
        targets[i] = info.firstOffset() + i;
      }
      context
          .mapWriter()
          .batch(
              c.source,
              info.firstOffset(),
              OffsetMap.runsOf(sources, targets, n),
              sources[n - 1] + 1);
      c.records += records.size();
      c.bytes += size;
      c.lastAppendMs = System.currentTimeMillis();
      c.lastTimestamp = records.get(records.size() - 1).timestamp();
      c.lastError = null;
      return true;
    } catch (NotLeaderException e) {
      fence(c, e);
      return false;
    } catch (RuntimeException e) {
      c.lastError = e.toString();
      LOG.warn("link {}: appending to {} failed: {}", context.linkName(), c.key(), e.toString());
      consumer.seek(c.source, firstSource);
      c.next = firstSource;
      return false;
    }
  }

  private void fence(Copy c, NotLeaderException e) {
    c.state = "FENCED";
    c.lastError = e.getMessage();
    assigned.remove(c.source);
    consumer.assign(new ArrayList<>(assigned.keySet()));
    LOG.info("link {}: {} fenced: {}", context.linkName(), c.key(), e.getMessage());
    context.fenced(c);
  }

  private void pause(long ms) {
    synchronized (this) {
      try {
        wait(ms);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        closed = true;
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    KafkaConsumer<byte[], byte[]> c = consumer;
    if (c != null) {
      c.wakeup();
    }
    synchronized (this) {
      notifyAll();
    }
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
