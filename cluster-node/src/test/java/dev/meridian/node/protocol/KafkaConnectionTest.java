package dev.meridian.node.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.ResponseHeader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A connection's request handling order, over a real socket. */
class KafkaConnectionTest {
  private static final short VERSION = 12;

  private Vertx vertx;
  private KafkaServer server;
  private int port;
  private final List<String> events = Collections.synchronizedList(new ArrayList<>());

  /** Metadata whose first request completes late, after a timer; the others at once. */
  private final class SlowFirstHandler implements ApiHandler {
    private int calls;

    @Override
    public ApiKeys apiKey() {
      return ApiKeys.METADATA;
    }

    @Override
    public short maxVersion() {
      return VERSION;
    }

    @Override
    public Future<ApiMessage> handle(KafkaRequest request) {
      int corr = request.header().correlationId();
      events.add("start " + corr);
      if (calls++ > 0) {
        events.add("end " + corr);
        return Future.succeededFuture(new MetadataResponseData());
      }
      Promise<ApiMessage> promise = Promise.promise();
      vertx.setTimer(
          300,
          id -> {
            events.add("end " + corr);
            promise.complete(new MetadataResponseData());
          });
      return promise.future();
    }
  }

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    ApiRegistry registry = new ApiRegistry().register(new SlowFirstHandler());
    server = new KafkaServer(vertx, registry, ProtocolConfig.DEFAULT);
    port = server.listen("127.0.0.1", 0).await();
  }

  @AfterEach
  void stop() {
    server.close().await();
    vertx.close().await();
  }

  @Test
  void pipelinedRequestsAreHandledOneAtATimeInArrivalOrder() throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      DataOutputStream out = new DataOutputStream(socket.getOutputStream());
      for (int corr = 1; corr <= 3; corr++) {
        ByteBuffer frame =
            new MetadataRequest.Builder(new MetadataRequestData().setTopics(null))
                .build(VERSION)
                .serializeWithHeader(new RequestHeader(ApiKeys.METADATA, VERSION, "test", corr));
        byte[] bytes = new byte[frame.remaining()];
        frame.get(bytes);
        out.writeInt(bytes.length);
        out.write(bytes);
      }
      out.flush();

      DataInputStream in = new DataInputStream(socket.getInputStream());
      List<Integer> answered = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        byte[] response = new byte[in.readInt()];
        in.readFully(response);
        ResponseHeader header =
            ResponseHeader.parse(
                ByteBuffer.wrap(response), ApiKeys.METADATA.responseHeaderVersion(VERSION));
        answered.add(header.correlationId());
      }
      assertEquals(List.of(1, 2, 3), answered);
    }
    // the second request reached its handler only after the first was done
    assertEquals(List.of("start 1", "end 1", "start 2", "end 2", "start 3", "end 3"), events);
  }
}
