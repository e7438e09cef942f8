package dev.meridian.node.cluster;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Hands out idempotent-producer ids that are unique across restarts: ids are taken from blocks of
 * {@value #BLOCK} whose upper bound is persisted (fsynced) before any id of the block is used, so a
 * crash can only skip ids, never repeat one. Thread-safe.
 */
public final class ProducerIdManager {
  static final long BLOCK = 1000;
  private final Path file;
  private long next;
  private long blockEnd;

  private ProducerIdManager(Path file, long start) {
    this.file = file;
    this.next = start;
    this.blockEnd = start;
  }

  public static ProducerIdManager open(Path dataDir) throws IOException {
    Path dir = dataDir.resolve("__meta");
    Files.createDirectories(dir);
    Path file = dir.resolve("producer-id-block");
    long start = 0;
    if (Files.exists(file)) {
      start = Long.parseLong(Files.readString(file, StandardCharsets.UTF_8).trim());
    }
    return new ProducerIdManager(file, start);
  }

  /** The next unused producer id. */
  public synchronized long nextId() throws IOException {
    if (next >= blockEnd) {
      long end = next + BLOCK;
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.writeString(tmp, Long.toString(end), StandardCharsets.UTF_8);
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      blockEnd = end;
    }
    return next++;
  }
}
