package dev.meridian.node.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.node.storage.LogSlice;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pipelined Fetches ({@link FetchPipeline}) against a real node: Fetches written back to back with
 * the same offset, as a mirror fetcher sends them before it has the answers, are answered with
 * consecutive runs of batches, never the same batch twice and never a gap; a new pipeline starts
 * from the offset asked; a plain Fetch is answered from its own offset without the tag.
 */
class FetchPipelineIT {
  @TempDir static Path dir;
  private static TestNode node;

  @BeforeAll
  static void startNode() throws Exception {
    node = TestNode.start(dir, y -> y.topicDefault("autoCreateTopics", false));
    node.createTopics("piped");
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, node.bootstrap());
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, 1024); // many small batches
    p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
      for (int i = 0; i < 2_000; i++) {
        producer.send(new ProducerRecord<>("piped", "k" + i, "value-" + i));
      }
      producer.flush();
    }
  }

  @AfterAll
  static void stopNode() {
    if (node != null) {
      node.close();
    }
  }

  private static FetchRequestData fetch(long offset, long pipeline) {
    return fetch(offset, pipeline, 0);
  }

  private static FetchRequestData fetch(long offset, long pipeline, int spacingMicros) {
    FetchRequestData req =
        new FetchRequestData()
            .setReplicaId(-1)
            .setMaxWaitMs(0)
            .setMinBytes(1)
            .setMaxBytes(1 << 20)
            .setSessionEpoch(-1);
    req.topics()
        .add(
            new FetchRequestData.FetchTopic()
                .setTopic("piped")
                .setPartitions(
                    List.of(
                        new FetchRequestData.FetchPartition()
                            .setPartition(0)
                            .setFetchOffset(offset)
                            .setCurrentLeaderEpoch(-1)
                            .setLastFetchedEpoch(-1)
                            .setLogStartOffset(-1)
                            .setPartitionMaxBytes(4096))));
    if (pipeline >= 0) {
      FetchPipeline.request(req, pipeline, spacingMicros);
    }
    return req;
  }

  /** {read from, offset after the last batch} of an answer. */
  private static long[] run(FetchResponseData resp) {
    FetchResponseData.PartitionData pd = resp.responses().get(0).partitions().get(0);
    assertEquals(0, pd.errorCode());
    ByteBuffer bytes = WireRecords.bytes(pd.records());
    assertTrue(bytes.hasRemaining(), "records answered");
    return new long[] {FetchPipeline.readFrom(pd), LogSlice.nextOffset(bytes.duplicate())};
  }

  @Test
  void fetchesWrittenAheadWithTheSameOffsetGetConsecutiveRuns() throws Exception {
    try (KafkaChannel c = new KafkaChannel("127.0.0.1", node.kafkaPort(), "piped-test", 10_000)) {
      List<Integer> sent = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        sent.add(c.write(ApiKeys.FETCH, (short) 12, fetch(0, 42)));
      }
      long expected = 0;
      for (int correlation : sent) {
        long[] r = run(c.receive(ApiKeys.FETCH, (short) 12, correlation));
        assertEquals(expected, r[0], "each answer starts where the one before ended");
        assertTrue(r[1] > r[0]);
        expected = r[1];
      }
      // the fetcher applied the first two answers, then asks from there: still the same run
      long[] again = run(c.send(ApiKeys.FETCH, (short) 12, fetch(expected / 2, 42)));
      assertEquals(expected, again[0]);
      // a new pipeline (after the fetcher dropped an answer) reads from the offset asked
      assertEquals(0, run(c.send(ApiKeys.FETCH, (short) 12, fetch(0, 43)))[0]);
      // a plain Fetch is answered from its own offset and carries no pipeline tag
      FetchResponseData plain = c.send(ApiKeys.FETCH, (short) 12, fetch(0, -1));
      assertEquals(-1, run(plain)[0]);
    }
  }

  @Test
  void answersSayHowLongTheyWereHeldSoTheFetcherCanTellTheNetworkRoundTrip() throws Exception {
    try (KafkaChannel c = new KafkaChannel("127.0.0.1", node.kafkaPort(), "piped-test", 10_000)) {
      int first = c.write(ApiKeys.FETCH, (short) 12, fetch(0, 44, 200_000));
      int second = c.write(ApiKeys.FETCH, (short) 12, fetch(0, 44, 200_000));
      FetchResponseData a = c.receive(ApiKeys.FETCH, (short) 12, first);
      FetchResponseData b = c.receive(ApiKeys.FETCH, (short) 12, second);
      long heldA = FetchPipeline.sourceNanos(a);
      long heldB = FetchPipeline.sourceNanos(b);
      assertTrue(heldA >= 0 && heldA < 150_000_000L, "first answer leaves at once: " + heldA);
      assertTrue(heldB >= 150_000_000L, "second answer held for the spacing: " + heldB);
      // a plain Fetch is not told anything
      assertEquals(-1, FetchPipeline.sourceNanos(c.send(ApiKeys.FETCH, (short) 12, fetch(0, -1))));
    }
  }
}
