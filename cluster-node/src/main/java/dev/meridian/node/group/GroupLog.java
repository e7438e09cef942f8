package dev.meridian.node.group;

import java.util.List;
import java.util.function.Consumer;
import org.apache.kafka.common.protocol.Errors;

/**
 * Where the coordinator's records live: the partitions of the internal offsets topic ({@link
 * OffsetsTopic}; an in-memory list in tests). Both methods block.
 */
public interface GroupLog {
  /** A failed append, with the Kafka error of the log. */
  final class AppendException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final Errors error;

    public AppendException(Errors error, String message, Throwable cause) {
      super(message, cause);
      this.error = error;
    }

    public Errors error() {
      return error;
    }
  }

  /**
   * The number of partitions (0 while the offsets topic does not exist); a group's records go to
   * {@code partitionFor(groupId)}.
   */
  int partitions();

  /**
   * Appends {@code records} to {@code partition} as one batch, durably as the log's flush settings
   * say; returns once they are in the log.
   *
   * @throws AppendException when they are not
   */
  void append(int partition, List<GroupRecord> records);

  /** Hands every record of {@code partition} to {@code visitor}, in log order. */
  void replay(int partition, Consumer<GroupRecord> visitor);

  /** Hands every record of every partition to {@code visitor}, in log order per partition. */
  default void replay(Consumer<GroupRecord> visitor) {
    for (int p = 0; p < partitions(); p++) {
      replay(p, visitor);
    }
  }

  /** The partition holding the records of {@code groupId}: Kafka's {@code abs(hash) % n}. */
  default int partitionFor(String groupId) {
    int h = groupId.hashCode();
    return (h == Integer.MIN_VALUE ? 0 : Math.abs(h)) % partitions();
  }
}
