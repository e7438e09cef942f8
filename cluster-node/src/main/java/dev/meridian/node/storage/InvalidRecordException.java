package dev.meridian.node.storage;

/**
 * A leader append holds a record the topic does not accept (a record without a key in a compacted
 * topic); nothing of that append was written (Kafka: INVALID_RECORD).
 */
public class InvalidRecordException extends LogException {
  public InvalidRecordException(String message) {
    super(message);
  }
}
