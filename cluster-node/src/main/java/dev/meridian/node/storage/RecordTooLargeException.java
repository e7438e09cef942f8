package dev.meridian.node.storage;

/**
 * A batch is larger than max.message.bytes; nothing of that append was written (Kafka:
 * MESSAGE_TOO_LARGE).
 */
public class RecordTooLargeException extends LogException {
  public RecordTooLargeException(String message) {
    super(message);
  }

  public RecordTooLargeException(String message, Throwable cause) {
    super(message, cause);
  }
}
