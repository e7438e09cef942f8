package dev.meridian.node.protocol;

import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.RequestHeader;

/**
 * One decoded Kafka request.
 *
 * @param header the request header (API key, version, correlation id, client id)
 * @param request the decoded body; {@link AbstractRequest#getErrorResponse} builds a whole error
 *     response for it
 * @param connectionId a name for the connection, for logs
 * @param receivedNanos when the request arrived ({@link System#nanoTime()}), before it waited for
 *     earlier requests of its connection
 */
public record KafkaRequest(
    RequestHeader header, AbstractRequest request, String connectionId, long receivedNanos) {

  /** A request arriving now. */
  public KafkaRequest(RequestHeader header, AbstractRequest request, String connectionId) {
    this(header, request, connectionId, System.nanoTime());
  }

  public ApiKeys apiKey() {
    return header.apiKey();
  }

  public short version() {
    return header.apiVersion();
  }

  public String clientId() {
    return header.clientId();
  }

  /**
   * The client's address as Kafka reports it in group descriptions ({@code /127.0.0.1}): the
   * connection id without its port.
   */
  public String clientHost() {
    return hostOf(connectionId);
  }

  /** As {@link #clientHost()} for a connection id. */
  static String hostOf(String connectionId) {
    int colon = connectionId.lastIndexOf(':');
    String host = colon > 0 ? connectionId.substring(0, colon) : connectionId;
    return host.startsWith("/") ? host : "/" + host;
  }

  /** The request body as its generated message class. */
  @SuppressWarnings("unchecked")
  public <T extends ApiMessage> T data() {
    return (T) request.data();
  }
}
