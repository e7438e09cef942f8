package dev.meridian.node.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The offsets a partition log must remember across restarts, in one small text file written
 * atomically:
 *
 * <pre>
 * partition.checkpoint:
 *   1                 version
 *   logStartOffset    first readable offset (advanced by retention and DeleteRecords)
 *   recoveryPoint     everything below was fsynced; recovery validates from here
 *   highWatermark     last known high watermark
 *   cleanerOffset     compaction has cleaned everything below
 * </pre>
 */
record PartitionCheckpoint(
    long logStartOffset, long recoveryPoint, long highWatermark, long cleanerOffset) {
  static final String FILE_NAME = "partition.checkpoint";
  static final PartitionCheckpoint EMPTY = new PartitionCheckpoint(0, 0, 0, 0);

  static PartitionCheckpoint read(Path dir) throws IOException {
    Path file = dir.resolve(FILE_NAME);
    if (!Files.exists(file)) {
      return EMPTY;
    }
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    try {
      if (!"1".equals(lines.get(0).trim())) {
        throw new IOException(file + ": unknown version '" + lines.get(0) + "'");
      }
      return new PartitionCheckpoint(
          Long.parseLong(lines.get(1).trim()),
          Long.parseLong(lines.get(2).trim()),
          Long.parseLong(lines.get(3).trim()),
          Long.parseLong(lines.get(4).trim()));
    } catch (RuntimeException e) {
      throw new IOException("corrupt " + file + ": " + e, e);
    }
  }

  void write(Path dir, boolean fsync) throws IOException {
    String text =
        "1\n"
            + logStartOffset
            + "\n"
            + recoveryPoint
            + "\n"
            + highWatermark
            + "\n"
            + cleanerOffset
            + "\n";
    IndexFiles.writeAtomically(
        dir.resolve(FILE_NAME), ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), fsync);
  }
}
