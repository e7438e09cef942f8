package dev.meridian.node.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Whole-file reads and atomic whole-file writes for the small per-segment and per-log files (and
 * other small state files of a node, such as its halt record).
 */
public final class IndexFiles {
  private IndexFiles() {}

  /** Writes {@code data} to a temporary sibling, forces it, and renames it over {@code file}. */
  public static void writeAtomically(Path file, ByteBuffer data, boolean fsync) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try (FileChannel ch =
        FileChannel.open(
            tmp,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      while (data.hasRemaining()) {
        ch.write(data);
      }
      if (fsync) {
        ch.force(true);
      }
    }
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /** The whole file, or null when it does not exist. */
  static ByteBuffer readIfExists(Path file) throws IOException {
    if (!Files.exists(file)) {
      return null;
    }
    return ByteBuffer.wrap(Files.readAllBytes(file));
  }
}
