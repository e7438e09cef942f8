package dev.meridian.node.storage;

/**
 * An I/O failure (including a full disk): the partition is taken offline and every later call on it
 * fails with this exception; other partitions are unaffected (Kafka: KAFKA_STORAGE_ERROR).
 */
public class StorageException extends LogException {
  public StorageException(String message) {
    super(message);
  }

  public StorageException(String message, Throwable cause) {
    super(message, cause);
  }
}
