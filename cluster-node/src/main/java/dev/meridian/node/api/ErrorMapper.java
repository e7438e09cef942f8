package dev.meridian.node.api;

import dev.meridian.node.cluster.ProducerIdManager;
import dev.meridian.node.replication.Partition;
import dev.meridian.node.storage.CorruptRecordException;
import dev.meridian.node.storage.InvalidRecordException;
import dev.meridian.node.storage.InvalidTimestampException;
import dev.meridian.node.storage.OffsetMismatchException;
import dev.meridian.node.storage.OffsetOutOfRangeException;
import dev.meridian.node.storage.RecordTooLargeException;
import dev.meridian.node.storage.StorageException;
import org.apache.kafka.common.protocol.Errors;

/** The one place that turns Meridian's exceptions into Kafka error codes (per partition). */
public final class ErrorMapper {
  private ErrorMapper() {}

  public static Errors toError(Throwable t) {
    if (t instanceof CorruptRecordException) {
      return Errors.CORRUPT_MESSAGE;
    }
    if (t instanceof RecordTooLargeException) {
      return Errors.MESSAGE_TOO_LARGE;
    }
    if (t instanceof InvalidRecordException) {
      return Errors.INVALID_RECORD;
    }
    if (t instanceof InvalidTimestampException) {
      return Errors.INVALID_TIMESTAMP;
    }
    if (t instanceof OffsetOutOfRangeException) {
      return Errors.OFFSET_OUT_OF_RANGE;
    }
    if (t instanceof StorageException) {
      return Errors.KAFKA_STORAGE_ERROR;
    }
    if (t instanceof OffsetMismatchException) {
      return Errors.INVALID_REQUEST;
    }
    if (t instanceof ApiException e) {
      return e.error();
    }
    if (t instanceof Partition.NotLeaderException e) {
      return e.error();
    }
    if (t instanceof ProducerIdManager.UnavailableException e) {
      return e.error();
    }
    return Errors.forException(t);
  }
}
