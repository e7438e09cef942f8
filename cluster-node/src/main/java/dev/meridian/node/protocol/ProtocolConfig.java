package dev.meridian.node.protocol;

/**
 * Settings of the Kafka listener.
 *
 * @param maxRequestBytes socket.request.max.bytes (default 100 MiB): a frame announcing more, or a
 *     negative size, closes the connection
 * @param maxInFlightPerConnection requests decoded but not yet answered on one connection before
 *     the server stops reading from it (back-pressure; clients pipeline up to 5 by default)
 */
public record ProtocolConfig(int maxRequestBytes, int maxInFlightPerConnection) {
  public static final ProtocolConfig DEFAULT = new ProtocolConfig(100 * 1024 * 1024, 100);
}
