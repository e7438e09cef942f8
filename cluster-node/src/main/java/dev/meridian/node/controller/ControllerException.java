package dev.meridian.node.controller;

import org.apache.kafka.common.protocol.Errors;

/** A change the controller refuses: the Kafka error and a message for the client. */
public final class ControllerException extends Exception {
  private static final long serialVersionUID = 1L;
  private final Errors error;

  public ControllerException(Errors error, String message) {
    super(message);
    this.error = error;
  }

  public Errors error() {
    return error;
  }
}
