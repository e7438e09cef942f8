package dev.meridian.node.protocol;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;

/**
 * The Kafka wire-protocol listener of a node: a Vert.x TCP server, one {@link KafkaConnection} per
 * socket.
 */
public final class KafkaServer {
  private final Vertx vertx;
  private final ApiRegistry registry;
  private final ProtocolConfig config;
  private NetServer server;

  public KafkaServer(Vertx vertx, ApiRegistry registry, ProtocolConfig config) {
    this.vertx = vertx;
    this.registry = registry;
    this.config = config;
  }

  /** Listens on {@code host:port} (0 = ephemeral); completes with the bound port. */
  public Future<Integer> listen(String host, int port) {
    NetServerOptions options =
        new NetServerOptions()
            .setHost(host)
            .setPort(port)
            .setTcpNoDelay(true)
            .setReuseAddress(true);
    server =
        vertx
            .createNetServer(options)
            .connectHandler(socket -> new KafkaConnection(socket, registry, config));
    return server.listen().map(NetServer::actualPort);
  }

  public Future<Void> close() {
    return server == null ? Future.succeededFuture() : server.close();
  }
}
