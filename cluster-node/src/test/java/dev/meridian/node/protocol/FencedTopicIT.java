package dev.meridian.node.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.node.controller.ControllerRequest;
import dev.meridian.node.controller.ItemResult;
import dev.meridian.testsupport.Wait;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A topic fenced by a failover refuses produces with the retriable NOT_LEADER_OR_FOLLOWER and a
 * message naming the fence, and takes them again once the fence is lifted.
 */
class FencedTopicIT {
  @TempDir static Path dir;
  private static TestNode node;

  @BeforeAll
  static void startNode() throws Exception {
    node = TestNode.start(dir, y -> y.topicDefault("autoCreateTopics", false));
    node.createTopics("orders");
  }

  @AfterAll
  static void stopNode() {
    if (node != null) {
      node.close();
    }
  }

  private static ProduceResponseData.PartitionProduceResponse produce(KafkaChannel c)
      throws Exception {
    MemoryRecords records =
        MemoryRecords.withRecords(
            Compression.NONE, new SimpleRecord("k".getBytes(), "v".getBytes()));
    ProduceRequestData req = new ProduceRequestData().setAcks((short) 1).setTimeoutMs(5_000);
    req.topicData()
        .add(
            new ProduceRequestData.TopicProduceData()
                .setName("orders")
                .setPartitionData(
                    List.of(
                        new ProduceRequestData.PartitionProduceData()
                            .setIndex(0)
                            .setRecords(records))));
    ProduceResponseData resp = c.send(ApiKeys.PRODUCE, (short) 12, req);
    return resp.responses().iterator().next().partitionResponses().get(0);
  }

  private static void fence(String by) throws Exception {
    List<ItemResult> r =
        node.metadata()
            .submit(new ControllerRequest.FenceTopics(List.of("orders"), by))
            .get(10, TimeUnit.SECONDS);
    assertTrue(r.get(0).ok(), r.toString());
  }

  @Test
  void aFencedTopicRefusesProducesRetriablyNamingTheFenceUntilItIsLifted() throws Exception {
    try (KafkaChannel c = new KafkaChannel("127.0.0.1", node.kafkaPort(), "fence-test", 10_000)) {
      assertEquals(Errors.NONE.code(), produce(c).errorCode());
      fence("failover op-7 of link e2w");
      Wait.until(
          "the fence holds", () -> produce(c).errorCode() == Errors.NOT_LEADER_OR_FOLLOWER.code());
      ProduceResponseData.PartitionProduceResponse refused = produce(c);
      assertTrue(
          refused.errorMessage().contains("fenced by failover op-7 of link e2w"),
          refused.errorMessage());
      assertTrue(
          Errors.forCode(refused.errorCode()).exception()
              instanceof org.apache.kafka.common.errors.RetriableException);
      fence(null);
      Wait.until("the fence is lifted", () -> produce(c).errorCode() == Errors.NONE.code());
    }
  }
}
