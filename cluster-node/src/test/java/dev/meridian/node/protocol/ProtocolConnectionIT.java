package dev.meridian.node.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.protocol.MessageSizeAccumulator;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.apache.kafka.common.requests.ProduceResponse;
import org.apache.kafka.common.requests.ResponseHeader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link KafkaConnection} against scripted handlers over a real socket: response order under
 * out-of-order completion and back-pressure, and what happens when a handler fails.
 */
class ProtocolConnectionIT {
  private static final Duration DEADLINE = Duration.ofSeconds(10);
  private static final int MAX_IN_FLIGHT = 4;

  private static Vertx vertx;
  private static KafkaServer server;
  private static int port;

  /** A handler whose behaviour a test picks through the request's client id. */
  private record Scripted(
      ApiKeys apiKey, short maxVersion, Function<KafkaRequest, Future<ApiMessage>> script)
      implements ApiHandler {
    @Override
    public Future<ApiMessage> handle(KafkaRequest request) {
      return script.apply(request);
    }
  }

  @BeforeAll
  static void listen() {
    vertx = Vertx.vertx();
    ApiRegistry registry =
        new ApiRegistry()
            .register(new Scripted(ApiKeys.PRODUCE, (short) 12, ProtocolConnectionIT::produce))
            .register(new Scripted(ApiKeys.METADATA, (short) 12, ProtocolConnectionIT::metadata));
    server = new KafkaServer(vertx, registry, new ProtocolConfig(1 << 20, MAX_IN_FLIGHT));
    port = server.listen("127.0.0.1", 0).await();
  }

  @AfterAll
  static void close() {
    if (vertx != null) {
      vertx.close().await();
    }
  }

  private static Future<ApiMessage> produce(KafkaRequest request) {
    return switch (request.clientId()) {
      case "fail" -> Future.failedFuture(new IllegalStateException("scripted failure"));
      case "throw" -> throw new IllegalStateException("scripted throw");
      case "unencodable" -> Future.succeededFuture(new Unencodable());
      default -> {
        ProduceRequestData req = request.data();
        yield Future.succeededFuture(req.acks() == 0 ? null : new ProduceResponseData());
      }
    };
  }

  /** Answers after the delay in ms given as the client id: completes out of order. */
  private static Future<ApiMessage> metadata(KafkaRequest request) {
    long delay = Long.parseLong(request.clientId());
    MetadataResponseData body = new MetadataResponseData().setClusterId(request.clientId());
    if (delay == 0) {
      return Future.succeededFuture(body);
    }
    Promise<ApiMessage> p = Promise.promise();
    vertx.setTimer(delay, id -> p.complete(body));
    return p.future();
  }

  /** A response body whose encoding fails. */
  private static final class Unencodable extends ProduceResponseData {
    @Override
    public void addSize(
        MessageSizeAccumulator size, ObjectSerializationCache cache, short version) {
      throw new IllegalStateException("scripted encoding failure");
    }
  }

  @Test
  void failedAcksZeroProduceClosesInsteadOfAnsweringAResponseTheClientDoesNotRead()
      throws IOException {
    try (RawKafkaSocket s = new RawKafkaSocket(port)) {
      s.send(produceFrame(1, "fail", (short) 0));
      assertEquals(RawKafkaSocket.Reaction.CLOSED, s.await(DEADLINE));
    }
  }

  @Test
  void successfulAcksZeroProduceGetsNoResponse() throws IOException {
    try (RawKafkaSocket s = new RawKafkaSocket(port)) {
      s.send(produceFrame(1, "ok", (short) 0));
      s.send(produceFrame(2, "ok", (short) 1));
      assertEquals(2, s.readResponse(DEADLINE).getInt(0), "the acks=1 request is answered next");
    }
  }

  @Test
  void failedThrownOrUnencodableRequestIsAnsweredWithTheApisErrorResponse() throws IOException {
    try (RawKafkaSocket s = new RawKafkaSocket(port)) {
      int corr = 10;
      for (String script : List.of("fail", "throw", "unencodable")) {
        s.send(produceFrame(++corr, script, (short) 1));
        ByteBuffer r = s.readResponse(DEADLINE);
        assertEquals(corr, ResponseHeader.parse(r, (short) 1).correlationId(), script);
        ProduceResponseData data =
            ProduceResponse.parse(new ByteBufferAccessor(r), (short) 9).data();
        assertEquals(
            Errors.UNKNOWN_SERVER_ERROR.code(),
            data.responses().iterator().next().partitionResponses().get(0).errorCode(),
            script);
      }
    }
  }

  @Test
  void responsesKeepRequestOrderWhenHandlersFinishOutOfOrderAndReadingIsPaused()
      throws IOException {
    Random r = new Random(7);
    int n = 200; // far over MAX_IN_FLIGHT: reading pauses and resumes many times
    ByteBuffer wire = ByteBuffer.allocate(n * 64);
    List<Integer> sent = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int corr = 1_000 + i;
      int delay = r.nextInt(4) == 0 ? 0 : r.nextInt(30);
      wire.put(
          RequestFrames.frame(
              RequestFrames.payload(
                  ApiKeys.METADATA,
                  (short) 12,
                  corr,
                  String.valueOf(delay),
                  new MetadataRequestData())));
      sent.add(corr);
    }
    try (RawKafkaSocket s = new RawKafkaSocket(port)) {
      s.send(java.util.Arrays.copyOf(wire.array(), wire.position()));
      List<Integer> received = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        received.add(s.readResponse(DEADLINE).getInt(0));
      }
      assertEquals(sent, received);
      assertTrue(s.await(Duration.ofMillis(100)) == RawKafkaSocket.Reaction.SILENT);
    }
  }

  private static byte[] produceFrame(int corr, String clientId, short acks) {
    ProduceRequestData.TopicProduceDataCollection topics =
        new ProduceRequestData.TopicProduceDataCollection();
    topics.add(
        new ProduceRequestData.TopicProduceData()
            .setName("t")
            .setPartitionData(
                List.of(
                    new ProduceRequestData.PartitionProduceData()
                        .setIndex(0)
                        .setRecords(RequestFrames.records()))));
    return RequestFrames.frame(
        RequestFrames.payload(
            ApiKeys.PRODUCE,
            (short) 9,
            corr,
            clientId,
            new ProduceRequestData().setAcks(acks).setTimeoutMs(1000).setTopicData(topics)));
  }
}
