package dev.meridian.node.storage;

/** An append at given offsets would leave a gap or overlap the log; nothing was written. */
public class OffsetMismatchException extends LogException {
  public OffsetMismatchException(String message) {
    super(message);
  }

  public OffsetMismatchException(String message, Throwable cause) {
    super(message, cause);
  }
}
