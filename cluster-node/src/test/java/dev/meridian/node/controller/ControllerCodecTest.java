package dev.meridian.node.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

/** Every controller request and result survives its JSON form, as it travels between nodes. */
class ControllerCodecTest {

  private static void roundTrip(ControllerRequest r) {
    JsonObject json = new JsonObject(ControllerCodec.toJson(r).encode());
    assertEquals(r, ControllerCodec.requestFromJson(json), json.encode());
  }

  @Test
  void everyRequestTypeRoundTrips() {
    Uuid id = Uuid.randomUuid();
    roundTrip(
        new ControllerRequest.CreateTopics(
            List.of(
                new ControllerRequest.NewTopic(
                    "a", 3, (short) 2, List.of(), Map.of("retention.ms", "1")),
                new ControllerRequest.NewTopic(
                    "b", -1, (short) -1, List.of(List.of(1, 2), List.of(2, 1)), Map.of())),
            true,
            false));
    roundTrip(
        new ControllerRequest.DeleteTopics(Arrays.asList("a", null), Arrays.asList(null, id)));
    roundTrip(
        new ControllerRequest.CreatePartitions(
            List.of(new ControllerRequest.NewPartitions("a", 5, List.of(List.of(3)))), false));
    roundTrip(
        new ControllerRequest.AlterConfigs(
            List.of(
                new ControllerRequest.TopicConfigOps(
                    "a",
                    List.of(
                        new TopicConfigUpdate.Op("retention.ms", TopicConfigUpdate.OpType.SET, "5"),
                        new TopicConfigUpdate.Op(
                            "segment.ms", TopicConfigUpdate.OpType.DELETE, null)))),
            true));
    roundTrip(
        new ControllerRequest.AlterNodeConfigs(
            List.of(
                new ControllerRequest.NodeConfigOps(
                    2,
                    List.of(
                        new TopicConfigUpdate.Op(
                            "leader.replication.throttled.rate",
                            TopicConfigUpdate.OpType.SET,
                            "100"),
                        new TopicConfigUpdate.Op(
                            "follower.replication.throttled.rate",
                            TopicConfigUpdate.OpType.DELETE,
                            null)))),
            false));
    roundTrip(
        new ControllerRequest.CreateTopics(
            List.of(
                new ControllerRequest.NewTopic(
                    "m", 2, (short) -1, List.of(), Map.of("retention.ms", "5"), "e2w")),
            false,
            false));
    roundTrip(new ControllerRequest.BumpLeaderEpoch(id, 1, 3, 4, 9));
    roundTrip(new ControllerRequest.AllocateProducerIds(7));
    roundTrip(new ControllerRequest.AlterPartition(id, 2, 1, 4, 9, List.of(1, 3)));
    roundTrip(new ControllerRequest.ControlledShutdown(2, 123456789L));
    roundTrip(
        new ControllerRequest.ElectLeaders(
            List.of(new ControllerRequest.TopicPartitionRef("a-b", 3)), true));
    roundTrip(new ControllerRequest.ElectLeaders(List.of(), false));
    roundTrip(
        new ControllerRequest.AlterReassignments(
            List.of(
                new ControllerRequest.Reassignment("a", 0, List.of(3, 1, 2)),
                new ControllerRequest.Reassignment("b", 4, null))));
    roundTrip(new ControllerRequest.Rebalance());
    roundTrip(new ControllerRequest.PauseLink("e2w", true));
    roundTrip(new ControllerRequest.PromoteMirrorTopics("e2w"));
    roundTrip(new ControllerRequest.FenceTopics(List.of("a", "b"), "failover op-1"));
    roundTrip(new ControllerRequest.FenceTopics(List.of("a"), null));
    roundTrip(new ControllerRequest.AdoptTopics("e2w-reverse", List.of("a", "b")));
    roundTrip(new ControllerRequest.PutAudit("{\"path\":\"/v1/fences\"}"));
    roundTrip(new ControllerRequest.PutDrill("d-1", "{\"state\":\"RUNNING\"}"));
    roundTrip(new ControllerRequest.PauseLink("e2w", false));
    roundTrip(
        new ControllerRequest.PutOperation(
            dev.meridian.node.metadata.MetadataCodecTest.completedFailover("op-1", "e2w"), 6));
    roundTrip(
        new ControllerRequest.PutOperation(
            dev.meridian.failover.FailoverOperation.start(
                "op-2", "e2w", dev.meridian.failover.FailoverOperation.Type.PLANNED, false, 1),
            -1));
  }

  @Test
  void resultsRoundTrip() {
    List<ItemResult> results =
        List.of(
            ItemResult.topic("a", Uuid.randomUuid(), 3, (short) 2, Map.of("k", "v")),
            ItemResult.failed("b", Uuid.ZERO_UUID, Errors.TOPIC_ALREADY_EXISTS, "exists"),
            new ItemResult(
                null, Uuid.ZERO_UUID, Errors.NONE, null, -1, (short) -1, Map.of(), 1000, 1000));
    assertEquals(
        results,
        ControllerCodec.resultsFromJson(
            new io.vertx.core.json.JsonArray(ControllerCodec.resultsToJson(results).encode())));
  }

  @Test
  void anUnknownTypeIsRefused() {
    assertThrows(
        IllegalArgumentException.class,
        () -> ControllerCodec.requestFromJson(new JsonObject().put("type", "nope")));
  }
}
