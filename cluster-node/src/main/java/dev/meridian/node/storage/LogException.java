package dev.meridian.node.storage;

/**
 * Base of every error the storage layer reports for one partition. Messages name the partition (and
 * file where one is involved) and the bad values; the protocol layer maps each subclass to one
 * Kafka error code, per partition.
 */
public abstract class LogException extends RuntimeException {
  protected LogException(String message) {
    super(message);
  }

  protected LogException(String message, Throwable cause) {
    super(message, cause);
  }
}
