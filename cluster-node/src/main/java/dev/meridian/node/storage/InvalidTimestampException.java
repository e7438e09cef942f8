package dev.meridian.node.storage;

/**
 * A leader append holds a CreateTime record whose timestamp is outside the topic's window
 * (message.timestamp.before.max.ms / after.max.ms); nothing of that append was written (Kafka:
 * INVALID_TIMESTAMP).
 */
public class InvalidTimestampException extends LogException {
  public InvalidTimestampException(String message) {
    super(message);
  }
}
