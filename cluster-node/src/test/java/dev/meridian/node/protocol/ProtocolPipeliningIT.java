package dev.meridian.node.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ResponseHeader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pipelined requests on one raw connection to a real node, fast ones queued behind slow long-poll
 * Fetches: every response comes back in request order with its request's correlation id.
 */
class ProtocolPipeliningIT {
  private static final Duration DEADLINE = Duration.ofSeconds(30);
  private static final int SLOW_FETCH_MS = 300;

  @TempDir static Path dir;
  private static TestNode node;

  /** One pipelined request, and whether it is a long-poll Fetch that waits. */
  private record Sent(ApiKeys key, short version, int correlationId, boolean slow) {}

  @BeforeAll
  static void startNode() throws Exception {
    node = TestNode.start(dir, y -> y.topicDefault("autoCreateTopics", false));
    node.createTopics("empty");
  }

  @AfterAll
  static void stopNode() {
    if (node != null) {
      node.close();
    }
  }

  @Test
  void fiftyMixedPipelinedRequestsAreAnsweredInOrder() throws IOException {
    Random r = new Random(50);
    List<Sent> sent = new ArrayList<>();
    ByteBuffer wire = ByteBuffer.allocate(64 * 1024);
    for (int i = 0; i < 50; i++) {
      int corr = 7_000 + i * 3; // not consecutive: the ids are echoed, not recounted
      int kind = i == 0 ? 2 : r.nextInt(5);
      switch (kind) {
        case 0 -> wire.put(frame(sent, ApiKeys.API_VERSIONS, 3, corr, false, apiVersions()));
        case 1 -> wire.put(frame(sent, ApiKeys.METADATA, 12, corr, false, metadata()));
        case 2 -> wire.put(frame(sent, ApiKeys.FETCH, 12, corr, true, fetch(SLOW_FETCH_MS)));
        case 3 -> wire.put(frame(sent, ApiKeys.FETCH, 12, corr, false, fetch(0)));
        default -> wire.put(frame(sent, ApiKeys.LIST_OFFSETS, 7, corr, false, listOffsets()));
      }
    }
    long slow = sent.stream().filter(Sent::slow).count();
    assertTrue(slow >= 5 && slow < 50, "slow fetches: " + slow);

    try (RawKafkaSocket s = new RawKafkaSocket(node.kafkaPort())) {
      long t0 = System.nanoTime();
      s.send(Arrays.copyOf(wire.array(), wire.position()));
      for (Sent req : sent) {
        ByteBuffer response = s.readResponse(DEADLINE);
        assertAnswers(req, response);
        if (req == sent.get(0)) {
          long ms = (System.nanoTime() - t0) / 1_000_000;
          assertTrue(
              ms >= SLOW_FETCH_MS - 50, "the first (slow) fetch answered after " + ms + " ms");
        }
      }
      assertEquals(RawKafkaSocket.Reaction.SILENT, s.await(Duration.ofMillis(200)));
    }
  }

  /** More requests than the in-flight limit behind one slow Fetch: reading pauses and resumes. */
  @Test
  void requestsBeyondTheInFlightLimitBehindASlowFetchAreAnsweredInOrder() throws IOException {
    int n = ProtocolConfig.DEFAULT.maxInFlightPerConnection() * 3;
    List<Sent> sent = new ArrayList<>();
    ByteBuffer wire = ByteBuffer.allocate(n * 128);
    wire.put(frame(sent, ApiKeys.FETCH, 12, 1, true, fetch(500)));
    for (int corr = 2; corr <= n; corr++) {
      wire.put(frame(sent, ApiKeys.API_VERSIONS, 3, corr, false, apiVersions()));
    }
    try (RawKafkaSocket s = new RawKafkaSocket(node.kafkaPort())) {
      s.send(Arrays.copyOf(wire.array(), wire.position()));
      for (Sent req : sent) {
        assertAnswers(req, s.readResponse(DEADLINE));
      }
    }
  }

  private static byte[] frame(
      List<Sent> sent, ApiKeys key, int version, int corr, boolean slow, ApiMessage body) {
    sent.add(new Sent(key, (short) version, corr, slow));
    return RequestFrames.frame(key, (short) version, corr, body);
  }

  private static void assertAnswers(Sent req, ByteBuffer response) {
    ResponseHeader header =
        ResponseHeader.parse(response, req.key().responseHeaderVersion(req.version()));
    assertEquals(req.correlationId(), header.correlationId(), "response to " + req);
    ApiMessage body =
        AbstractResponse.parseResponse(req.key(), new ByteBufferAccessor(response), req.version())
            .data();
    switch (req.key()) {
      case API_VERSIONS ->
          assertEquals(Errors.NONE.code(), ((ApiVersionsResponseData) body).errorCode());
      case METADATA ->
          assertEquals(
              Errors.NONE.code(),
              ((MetadataResponseData) body).topics().find("empty").errorCode(),
              req.toString());
      case FETCH -> {
        FetchResponseData.PartitionData p =
            ((FetchResponseData) body).responses().get(0).partitions().get(0);
        assertEquals(Errors.NONE.code(), p.errorCode(), req.toString());
        assertEquals(0, p.highWatermark());
      }
      case LIST_OFFSETS -> {
        ListOffsetsResponseData.ListOffsetsPartitionResponse p =
            ((ListOffsetsResponseData) body).topics().get(0).partitions().get(0);
        assertEquals(Errors.NONE.code(), p.errorCode(), req.toString());
        assertEquals(0, p.offset());
      }
      default -> throw new AssertionError(req.toString());
    }
  }

  private static ApiVersionsRequestData apiVersions() {
    return new ApiVersionsRequestData()
        .setClientSoftwareName("pipelining-test")
        .setClientSoftwareVersion("1.0");
  }

  private static MetadataRequestData metadata() {
    return new MetadataRequestData()
        .setTopics(List.of(new MetadataRequestData.MetadataRequestTopic().setName("empty")))
        .setAllowAutoTopicCreation(false);
  }

  private static FetchRequestData fetch(int maxWaitMs) {
    return new FetchRequestData()
        .setReplicaId(-1)
        .setMaxWaitMs(maxWaitMs)
        .setMinBytes(1)
        .setMaxBytes(1 << 20)
        .setSessionEpoch(-1)
        .setTopics(
            List.of(
                new FetchRequestData.FetchTopic()
                    .setTopic("empty")
                    .setPartitions(
                        List.of(
                            new FetchRequestData.FetchPartition()
                                .setPartition(0)
                                .setFetchOffset(0)
                                .setPartitionMaxBytes(1 << 20)))));
  }

  private static ListOffsetsRequestData listOffsets() {
    return new ListOffsetsRequestData()
        .setReplicaId(-1)
        .setTopics(
            List.of(
                new ListOffsetsRequestData.ListOffsetsTopic()
                    .setName("empty")
                    .setPartitions(
                        List.of(
                            new ListOffsetsRequestData.ListOffsetsPartition()
                                .setPartitionIndex(0)
                                .setTimestamp(-1)))));
  }
}
