package dev.meridian.node.storage;

/**
 * An append contained a malformed or CRC-failing batch; nothing of that append was written (Kafka:
 * CORRUPT_MESSAGE).
 */
public class CorruptRecordException extends LogException {
  public CorruptRecordException(String message) {
    super(message);
  }

  public CorruptRecordException(String message, Throwable cause) {
    super(message, cause);
  }
}
