package dev.meridian.node;

/** A node could not start; the message names the step and the reason. */
public final class NodeStartException extends Exception {

  /**
   * Creates an exception.
   *
   * @param message the step that failed and why
   * @param cause the underlying failure, or {@code null}
   */
  public NodeStartException(String message, Throwable cause) {
    super(message, cause);
  }
}
