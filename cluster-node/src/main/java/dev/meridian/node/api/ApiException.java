package dev.meridian.node.api;

import org.apache.kafka.common.protocol.Errors;

/**
 * A request (or one item of it) a handler refuses: the Kafka error and a message for the client.
 */
final class ApiException extends Exception {
  private static final long serialVersionUID = 1L;
  private final Errors error;

  ApiException(Errors error, String message) {
    super(message);
    this.error = error;
  }

  Errors error() {
    return error;
  }
}
