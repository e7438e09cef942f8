package dev.meridian.node.quorum;

import dev.meridian.node.metadata.MetadataRecord;
import java.util.List;

/**
 * One entry of the region's metadata log: an atomic change of the image.
 *
 * <p>Entries are numbered 1, 2, 3, ... ({@code version}); {@code epoch} is the controller epoch of
 * the controller that wrote it. Two logs that hold an entry with the same version and epoch hold
 * the same entries up to it (the log matching property the replication keeps).
 *
 * @param version the entry's position, and the image version after it
 * @param epoch the epoch of the controller that wrote it
 * @param records the changes, applied together
 */
public record LogEntry(long version, long epoch, List<MetadataRecord> records) {
  /** Copies the records. */
  public LogEntry {
    records = List.copyOf(records);
  }
}
