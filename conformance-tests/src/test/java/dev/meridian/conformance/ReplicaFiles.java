package dev.meridian.conformance;

import dev.meridian.testsupport.TestRegion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.internal.ControlRecordType;
import org.apache.kafka.common.record.internal.FileLogInputStream.FileChannelRecordBatch;
import org.apache.kafka.common.record.internal.FileRecords;

/**
 * What a replica holds on disk, read from its segment files with kafka-clients' record reader: one
 * line per batch with its offsets, leader epoch and CRC, so replicas can be compared batch for
 * batch (a follower copies the leader's batches byte for byte).
 */
final class ReplicaFiles {
  private ReplicaFiles() {}

  /** The partition's directory on node {@code id} of {@code region}. */
  static Path partitionDir(TestRegion region, int id, TopicPartition tp) {
    return region
        .config()
        .node(id)
        .orElseThrow()
        .dataPath(region.dataDir())
        .resolve("logs")
        .resolve(tp.topic() + "-" + tp.partition());
  }

  /** "base-last epoch E crc C" for every batch of the replica, in offset order. */
  static List<String> batches(Path partitionDir) {
    List<String> out = new ArrayList<>();
    for (Path segment : segments(partitionDir)) {
      try (FileRecords records = FileRecords.open(segment.toFile(), false)) {
        for (FileChannelRecordBatch b : records.batches()) {
          out.add(
              b.baseOffset()
                  + "-"
                  + b.lastOffset()
                  + " epoch "
                  + b.partitionLeaderEpoch()
                  + " crc "
                  + b.checksum());
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return out;
  }

  /** "offset producer P TYPE" for every control batch (transaction marker) of the replica. */
  static List<String> markers(Path partitionDir) {
    List<String> out = new ArrayList<>();
    for (Path segment : segments(partitionDir)) {
      try (FileRecords records = FileRecords.open(segment.toFile(), false)) {
        for (FileChannelRecordBatch b : records.batches()) {
          if (b.isControlBatch()) {
            ControlRecordType type = ControlRecordType.parse(b.iterator().next().key());
            out.add(b.baseOffset() + " producer " + b.producerId() + " " + type);
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return out;
  }

  private static List<Path> segments(Path partitionDir) {
    try (Stream<Path> files = Files.list(partitionDir)) {
      return files.filter(f -> f.toString().endsWith(".log")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The bytes of the replica's segment files. */
  static long size(Path partitionDir) {
    try (Stream<Path> files = Files.list(partitionDir)) {
      return files
          .filter(f -> f.toString().endsWith(".log"))
          .mapToLong(
              f -> {
                try {
                  return Files.size(f);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              })
          .sum();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
