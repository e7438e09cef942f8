package dev.meridian.node.storage;

/**
 * A read or timestamp lookup asked for an offset outside [logStartOffset, logEndOffset] (Kafka:
 * OFFSET_OUT_OF_RANGE).
 */
public class OffsetOutOfRangeException extends LogException {
  public OffsetOutOfRangeException(String message) {
    super(message);
  }

  public OffsetOutOfRangeException(String message, Throwable cause) {
    super(message, cause);
  }
}
