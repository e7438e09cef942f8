package dev.meridian.node.storage;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * All partition logs of one node's data directory, and the agents that maintain them.
 *
 * <pre>
 * dataDir/
 *   .lock               held while a node uses the directory
 *   orders-0/ ...       one {@link PartitionLog} per topic partition ("topic-partition")
 * </pre>
 *
 * <p>Agents run on one background thread, never on a caller's: retention (every {@code
 * retentionCheckMs}), time-based flush (every second), compaction (every {@code cleanerMs}). A
 * failing partition is logged and skipped; the others continue. Thread-safe.
 */
public final class LogManager implements Closeable {
  /** Kafka's log.retention.check.interval.ms default: 5 minutes between retention passes. */
  public static final long DEFAULT_RETENTION_CHECK_MS = 300_000;

  /** Milliseconds between two compaction passes. */
  public static final long DEFAULT_CLEANER_MS = 15_000;

  private static final Logger LOG = LoggerFactory.getLogger(LogManager.class);
  private static final Pattern DIR_NAME = Pattern.compile("^(.+)-(\\d+)$");

  private final Path dataDir;
  private final LogConfig defaults;
  private final LongSupplier clock;
  private final ScheduledExecutorService scheduler;
  private final FileChannel lockChannel;
  private final FileLock dirLock;
  private final Map<String, PartitionLog> logs = new ConcurrentHashMap<>();
  private volatile boolean closed;

  private LogManager(
      Path dataDir,
      LogConfig defaults,
      LongSupplier clock,
      FileChannel lockChannel,
      FileLock dirLock) {
    this.dataDir = dataDir;
    this.defaults = defaults;
    this.clock = clock;
    this.lockChannel = lockChannel;
    this.dirLock = dirLock;
    ScheduledThreadPoolExecutor executor =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "meridian-log-agents");
              t.setDaemon(true);
              return t;
            });
    // delayed file deletions left at shutdown are finished by the next load (.deleted files)
    executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    this.scheduler = executor;
  }

  /** Opens every partition under {@code dataDir} with the system clock. */
  public static LogManager open(Path dataDir, LogConfig defaults) throws IOException {
    return open(dataDir, defaults, System::currentTimeMillis);
  }

  /**
   * Opens every partition under {@code dataDir}, recovering those that were not closed cleanly.
   *
   * @throws IOException when the directory cannot be created or is in use by another process
   */
  public static LogManager open(Path dataDir, LogConfig defaults, LongSupplier clock)
      throws IOException {
    Files.createDirectories(dataDir);
    FileChannel ch =
        FileChannel.open(
            dataDir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = ch.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null; // held by this same process
    } catch (IOException e) {
      ch.close();
      throw e;
    }
    if (lock == null) {
      ch.close();
      throw new IOException(dataDir + " is in use by another Meridian process (.lock is held)");
    }
    LogManager m = new LogManager(dataDir, defaults, clock, ch, lock);
    m.loadAll();
    return m;
  }

  private void loadAll() throws IOException {
    long t0 = System.nanoTime();
    List<Path> dirs = new ArrayList<>();
    try (var stream = Files.list(dataDir)) {
      stream.filter(Files::isDirectory).forEach(dirs::add);
    }
    for (Path d : dirs) {
      Matcher m = DIR_NAME.matcher(d.getFileName().toString());
      if (!m.matches()) {
        continue;
      }
      String topic = m.group(1);
      int partition = Integer.parseInt(m.group(2));
      try {
        logs.put(
            key(topic, partition),
            PartitionLog.open(d, topic, partition, defaults, clock, scheduler));
      } catch (IOException | RuntimeException e) {
        LOG.error("{}: cannot open partition log, leaving it offline", d, e);
      }
    }
    LOG.info(
        "opened {} partition logs in {} ms from {}",
        logs.size(),
        (System.nanoTime() - t0) / 1_000_000,
        dataDir);
  }

  private static String key(String topic, int partition) {
    return topic + "-" + partition;
  }

  public Path dataDir() {
    return dataDir;
  }

  public LogConfig defaults() {
    return defaults;
  }

  public int partitionCount() {
    return logs.size();
  }

  public Collection<PartitionLog> all() {
    return List.copyOf(logs.values());
  }

  public Optional<PartitionLog> get(String topic, int partition) {
    return Optional.ofNullable(logs.get(key(topic, partition)));
  }

  /** The log of a partition, created empty with {@code config} when it does not exist yet. */
  public PartitionLog getOrCreate(String topic, int partition, LogConfig config) {
    if (closed) {
      throw new StorageException("log manager is closed");
    }
    return logs.computeIfAbsent(
        key(topic, partition),
        k -> {
          try {
            return PartitionLog.open(
                dataDir.resolve(k), topic, partition, config, clock, scheduler);
          } catch (IOException e) {
            throw new StorageException(k + ": cannot create partition log: " + e, e);
          }
        });
  }

  /** Closes and deletes a partition's log and its directory. */
  public void delete(String topic, int partition) throws IOException {
    PartitionLog log = logs.remove(key(topic, partition));
    if (log != null) {
      log.deleteAll();
    }
  }

  /**
   * Closes a partition's log and renames its directory {@code <topic>-<partition>.<ms>-stray}, so
   * that it is neither opened again nor lost; returns the new directory.
   */
  public Path setAside(String topic, int partition) throws IOException {
    PartitionLog log = logs.remove(key(topic, partition));
    Path dir = dataDir.resolve(key(topic, partition));
    if (log != null) {
      log.close();
    }
    Path aside = dataDir.resolve(key(topic, partition) + "." + clock.getAsLong() + "-stray");
    Files.move(dir, aside);
    return aside;
  }

  /** Starts the background retention, flush and compaction agents. */
  public void startAgents(long retentionCheckMs, long cleanerMs) {
    scheduler.scheduleWithFixedDelay(
        () -> forEach("retention", PartitionLog::applyRetention),
        retentionCheckMs,
        retentionCheckMs,
        TimeUnit.MILLISECONDS);
    scheduler.scheduleWithFixedDelay(
        () -> forEach("flush", PartitionLog::maybeFlush), 1000, 1000, TimeUnit.MILLISECONDS);
    scheduler.scheduleWithFixedDelay(
        () -> forEach("compaction", log -> LogCleaner.maybeClean(log, false)),
        cleanerMs,
        cleanerMs,
        TimeUnit.MILLISECONDS);
  }

  /** Starts the agents with Kafka-like periods: retention every 5 min, compaction every 15 s. */
  public void startAgents() {
    startAgents(DEFAULT_RETENTION_CHECK_MS, DEFAULT_CLEANER_MS);
  }

  /** One agent action on one log. */
  @FunctionalInterface
  private interface LogTask {
    void run(PartitionLog log) throws IOException;
  }

  private void forEach(String what, LogTask task) {
    for (PartitionLog log : logs.values()) {
      if (closed) {
        return;
      }
      if (log.isOffline()) {
        continue;
      }
      try {
        task.run(log);
      } catch (IOException | RuntimeException e) {
        LOG.warn("{}: {} failed: {}", log, what, e.toString());
      }
    }
  }

  /** Closes every log cleanly (flush, indexes, producer snapshots, clean-shutdown markers). */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    scheduler.shutdown();
    try {
      scheduler.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    IOException first = null;
    for (PartitionLog log : logs.values()) {
      try {
        log.close();
      } catch (IOException e) {
        LOG.error("{}: close failed", log, e);
        first = first == null ? e : first;
      }
    }
    dirLock.release();
    lockChannel.close();
    if (first != null) {
      throw first;
    }
  }
}
