package dev.meridian.node.protocol;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.RequestUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Pipelined requests on one connection: when they start, and the order of the answers. */
class KafkaConnectionTest {
  private static final short VERSION = 9;
  private static final Duration WAIT = Duration.ofSeconds(10);

  /** A handler whose requests complete only when the test says so. */
  private static final class Gate implements ApiHandler {
    final ApiKeys key;
    final boolean inOrder;
    final ApiMessage response;
    final List<Integer> started = new CopyOnWriteArrayList<>();
    final Map<Integer, Promise<ApiMessage>> pending = new ConcurrentHashMap<>();

    Gate(ApiKeys key, boolean inOrder, ApiMessage response) {
      this.key = key;
      this.inOrder = inOrder;
      this.response = response;
    }

    @Override
    public ApiKeys apiKey() {
      return key;
    }

    @Override
    public short maxVersion() {
      return VERSION;
    }

    @Override
    public boolean inOrder() {
      return inOrder;
    }

    @Override
    public Future<ApiMessage> handle(KafkaRequest request) {
      int correlationId = request.header().correlationId();
      Promise<ApiMessage> p = Promise.promise();
      pending.put(correlationId, p);
      started.add(correlationId);
      return p.future();
    }

    void release(int correlationId) {
      pending.get(correlationId).complete(response);
    }
  }

  private Vertx vertx;
  private KafkaServer server;
  private Socket socket;
  private final Gate produce = new Gate(ApiKeys.PRODUCE, true, new ProduceResponseData());
  private final Gate metadata = new Gate(ApiKeys.METADATA, false, new MetadataResponseData());

  @BeforeEach
  void start() throws IOException {
    vertx = Vertx.vertx();
    ApiRegistry registry = new ApiRegistry().register(produce).register(metadata);
    server = new KafkaServer(vertx, registry, ProtocolConfig.DEFAULT);
    int port = server.listen("127.0.0.1", 0).await();
    socket = new Socket("127.0.0.1", port);
  }

  @AfterEach
  void stop() throws IOException {
    socket.close();
    server.close().await();
    vertx.close().await();
  }

  @Test
  void inOrderRequestsStartOnlyAfterThePreviousOneCompleted() throws IOException {
    send(ApiKeys.PRODUCE, 1, new ProduceRequestData().setAcks((short) 1).setTimeoutMs(1000));
    send(ApiKeys.PRODUCE, 2, new ProduceRequestData().setAcks((short) 1).setTimeoutMs(1000));
    send(ApiKeys.METADATA, 3, new MetadataRequestData());

    // the Metadata request was read after Produce 2, and starts at once; Produce 2 waits
    await().atMost(WAIT).until(() -> metadata.started.equals(List.of(3)));
    assertEquals(List.of(1), produce.started);

    produce.release(1);
    await().atMost(WAIT).until(() -> produce.started.equals(List.of(1, 2)));
    metadata.release(3);
    produce.release(2);
    assertEquals(
        List.of(1, 2, 3), List.of(readCorrelationId(), readCorrelationId(), readCorrelationId()));
  }

  @Test
  void otherRequestsRunConcurrentlyAndAreAnsweredInOrder() throws IOException {
    send(ApiKeys.METADATA, 1, new MetadataRequestData());
    send(ApiKeys.METADATA, 2, new MetadataRequestData());
    await().atMost(WAIT).until(() -> metadata.started.equals(List.of(1, 2)));

    metadata.release(2);
    metadata.release(1);
    assertEquals(List.of(1, 2), List.of(readCorrelationId(), readCorrelationId()));
  }

  @Test
  void aFailedInOrderRequestDoesNotBlockTheNextOne() throws IOException {
    send(ApiKeys.PRODUCE, 1, new ProduceRequestData().setAcks((short) 1).setTimeoutMs(1000));
    send(ApiKeys.PRODUCE, 2, new ProduceRequestData().setAcks((short) 1).setTimeoutMs(1000));
    await().atMost(WAIT).until(() -> produce.started.equals(List.of(1)));

    produce.pending.get(1).fail(new IllegalStateException("storage failed"));
    await().atMost(WAIT).until(() -> produce.started.equals(List.of(1, 2)));
    produce.release(2);
    assertEquals(List.of(1, 2), List.of(readCorrelationId(), readCorrelationId()));
  }

  private void send(ApiKeys key, int correlationId, ApiMessage body) throws IOException {
    RequestHeader header = new RequestHeader(key, VERSION, "test", correlationId);
    ByteBuffer frame = RequestUtils.serialize(header.data(), header.headerVersion(), body, VERSION);
    DataOutputStream out = new DataOutputStream(socket.getOutputStream());
    out.writeInt(frame.remaining());
    out.write(frame.array(), frame.arrayOffset() + frame.position(), frame.remaining());
    out.flush();
  }

  /** Reads one response frame; returns its correlation id (the first field of every header). */
  private int readCorrelationId() throws IOException {
    socket.setSoTimeout((int) WAIT.toMillis());
    DataInputStream in = new DataInputStream(socket.getInputStream());
    byte[] frame = new byte[in.readInt()];
    in.readFully(frame);
    return ByteBuffer.wrap(frame).getInt();
  }
}
