package dev.meridian.node.metadata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.config.TopicDefaults;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Node configs in the image and its JSON forms, and the throttled-replica topic configs. */
public class MetadataCodecTest {

  @Test
  void mirrorTopicsKeepTheirLinkInRecordsAndSnapshots() {
    org.apache.kafka.common.Uuid id = org.apache.kafka.common.Uuid.randomUuid();
    MetadataRecord topic = new MetadataRecord.Topic("orders", id, Map.of(), "e2w");
    assertEquals(
        topic, MetadataCodec.recordFromJson(new JsonObject(MetadataCodec.toJson(topic).encode())));
    MetadataImage image =
        MetadataImage.EMPTY.apply(
            1,
            List.of(
                topic,
                new MetadataRecord.Partition(
                    id, 0, new PartitionState(List.of(1), List.of(1), 1, 0, 0))));
    assertEquals("e2w", image.topic("orders").orElseThrow().mirrorLink());
    MetadataImage back =
        MetadataCodec.imageFromJson(new JsonObject(MetadataCodec.toJson(image).encode()));
    assertEquals(image.topic("orders"), back.topic("orders"));
    JsonObject old = MetadataCodec.toJson(topic);
    old.remove("mirrorLink");
    assertEquals(
        new MetadataRecord.Topic("orders", id, Map.of()),
        MetadataCodec.recordFromJson(old),
        "records written before mirror topics existed are plain topics");
  }

  @Test
  void nodeConfigsRoundTripAsRecordsAndInSnapshots() {
    MetadataRecord r =
        new MetadataRecord.NodeConfigs(3, Map.of(DynamicNodeConfigs.FOLLOWER_RATE, "1024"));
    assertEquals(r, MetadataCodec.recordFromJson(new JsonObject(MetadataCodec.toJson(r).encode())));
    MetadataImage image =
        MetadataImage.EMPTY
            .apply(1, List.of(new MetadataRecord.ClusterId("c")))
            .apply(2, List.of(r));
    assertEquals(Map.of(DynamicNodeConfigs.FOLLOWER_RATE, "1024"), image.nodeConfigs(3));
    MetadataImage back =
        MetadataCodec.imageFromJson(new JsonObject(MetadataCodec.toJson(image).encode()));
    assertEquals(image, back);
    assertEquals(image.nodeConfigs(), back.nodeConfigs());

    JsonObject old = MetadataCodec.toJson(image);
    old.remove("nodeConfigs");
    assertTrue(
        MetadataCodec.imageFromJson(old).nodeConfigs().isEmpty(),
        "snapshots written before node configs existed still load");
    MetadataImage cleared = image.apply(3, List.of(new MetadataRecord.NodeConfigs(3, Map.of())));
    assertTrue(cleared.nodeConfigs().isEmpty());
  }

  @Test
  void pausedLinksRoundTripAsRecordsAndInSnapshots() {
    MetadataRecord pause = new MetadataRecord.LinkPaused("e2w", true);
    assertEquals(
        pause, MetadataCodec.recordFromJson(new JsonObject(MetadataCodec.toJson(pause).encode())));
    MetadataImage image =
        MetadataImage.EMPTY
            .apply(1, List.of(new MetadataRecord.ClusterId("c")))
            .apply(2, List.of(pause, new MetadataRecord.LinkPaused("w2e", true)))
            .apply(3, List.of(new MetadataRecord.LinkPaused("w2e", false)));
    assertEquals(java.util.Set.of("e2w"), image.pausedLinks());
    MetadataImage back =
        MetadataCodec.imageFromJson(new JsonObject(MetadataCodec.toJson(image).encode()));
    assertEquals(image, back);
    JsonObject old = MetadataCodec.toJson(image);
    old.remove("pausedLinks");
    assertTrue(
        MetadataCodec.imageFromJson(old).pausedLinks().isEmpty(),
        "snapshots written before pauses were metadata still load");
  }

  /** A planned failover advanced by the machine to COMPLETED, with every field filled. */
  public static dev.meridian.failover.FailoverOperation completedFailover(String id, String link) {
    var machine = new dev.meridian.failover.FailoverMachine(1_000, 1_000);
    var op =
        dev.meridian.failover.FailoverOperation.start(
            id, link, dev.meridian.failover.FailoverOperation.Type.PLANNED, false, 10);
    Map<String, Long> ends = Map.of("orders-0", 120L, "orders-1", 7L);
    op = machine.advance(op, new dev.meridian.failover.FailoverOutcome.Ends(ends), 11);
    op = machine.advance(op, new dev.meridian.failover.FailoverOutcome.Ends(ends), 12);
    op = machine.advance(op, new dev.meridian.failover.FailoverOutcome.Ends(ends), 13);
    op = machine.advance(op, new dev.meridian.failover.FailoverOutcome.Done(), 14);
    op =
        machine.advance(
            op,
            new dev.meridian.failover.FailoverOutcome.Promoted(
                Map.of(
                    "orders-0", new dev.meridian.failover.FailoverOperation.Position(120, 3),
                    "orders-1", new dev.meridian.failover.FailoverOperation.Position(7, 1)),
                ends,
                0),
            15);
    return machine.advance(op, new dev.meridian.failover.FailoverOutcome.Done(), 16);
  }

  @Test
  void failoverOperationsRoundTripAsRecordsAndInSnapshots() {
    var done = completedFailover("op-1", "e2w");
    assertEquals(dev.meridian.failover.FailoverOperation.State.COMPLETED, done.state());
    MetadataRecord record = new MetadataRecord.Operation(done);
    assertEquals(
        record,
        MetadataCodec.recordFromJson(new JsonObject(MetadataCodec.toJson(record).encode())));
    JsonObject json = OperationCodec.toJson(done);
    assertEquals(5, json.getLong("rtoMs"), "fence at 10 to promoted at 15");
    assertEquals(0, json.getLong("rpoRecords"));
    var running =
        dev.meridian.failover.FailoverOperation.start(
            "op-2", "e2w", dev.meridian.failover.FailoverOperation.Type.UNPLANNED, false, 20);
    MetadataImage image =
        MetadataImage.EMPTY
            .apply(1, List.of(new MetadataRecord.ClusterId("c")))
            .apply(2, List.of(record, new MetadataRecord.Operation(running)));
    assertEquals(running, image.runningOperation("e2w").orElseThrow());
    assertTrue(image.runningOperation("w2e").isEmpty());
    assertEquals(
        image, MetadataCodec.imageFromJson(new JsonObject(MetadataCodec.toJson(image).encode())));
    JsonObject old = MetadataCodec.toJson(image);
    old.remove("operations");
    assertTrue(
        MetadataCodec.imageFromJson(old).operations().isEmpty(),
        "snapshots written before operations were metadata still load");
    assertThrows(
        IllegalArgumentException.class,
        () -> OperationCodec.fromJson(new JsonObject().put("id", "x")));
  }

  @Test
  void drillReportsRoundTripAndOnlyTheLatestAreKept() {
    MetadataRecord first = new MetadataRecord.Drill("d-0", "{\"state\":\"RUNNING\"}");
    assertEquals(
        first, MetadataCodec.recordFromJson(new JsonObject(MetadataCodec.toJson(first).encode())));
    List<MetadataRecord> records = new java.util.ArrayList<>();
    records.add(new MetadataRecord.ClusterId("c"));
    for (int i = 0; i <= MetadataImage.MAX_DRILLS; i++) {
      records.add(new MetadataRecord.Drill("d-" + i, "{\"n\":" + i + "}"));
    }
    records.add(new MetadataRecord.Drill("d-5", "{\"n\":5,\"state\":\"PASSED\"}"));
    MetadataImage image = MetadataImage.EMPTY.apply(1, records);
    assertEquals(MetadataImage.MAX_DRILLS, image.drills().size());
    assertTrue(!image.drills().containsKey("d-0"), "the oldest went first");
    assertEquals("{\"n\":5,\"state\":\"PASSED\"}", image.drills().get("d-5"));
    assertEquals(
        image, MetadataCodec.imageFromJson(new JsonObject(MetadataCodec.toJson(image).encode())));
  }

  @Test
  void topicRolesRoundTripAsRecordsAndInSnapshots() {
    org.apache.kafka.common.Uuid id = new org.apache.kafka.common.Uuid(1, 2);
    MetadataRecord role = new MetadataRecord.TopicRole(id, null, "failover op-1");
    assertEquals(
        role, MetadataCodec.recordFromJson(new JsonObject(MetadataCodec.toJson(role).encode())));
    MetadataImage image =
        MetadataImage.EMPTY
            .apply(1, List.of(new MetadataRecord.ClusterId("c")))
            .apply(2, List.of(new MetadataRecord.Topic("orders", id, Map.of(), "e2w")))
            .apply(3, List.of(role));
    TopicImage t = image.topic("orders").orElseThrow();
    assertEquals("failover op-1", t.fencedBy());
    assertTrue(!t.isMirror());
    assertEquals(
        image, MetadataCodec.imageFromJson(new JsonObject(MetadataCodec.toJson(image).encode())));
  }

  @Test
  void dynamicNodeConfigsValidateKeysAndRates() {
    assertNull(DynamicNodeConfigs.problem(DynamicNodeConfigs.LEADER_RATE, "0"));
    assertNull(DynamicNodeConfigs.problem(DynamicNodeConfigs.LEADER_RATE, null));
    assertNotNull(DynamicNodeConfigs.problem(DynamicNodeConfigs.LEADER_RATE, "-5"));
    assertNotNull(DynamicNodeConfigs.problem(DynamicNodeConfigs.FOLLOWER_RATE, "1e6"));
    assertNotNull(DynamicNodeConfigs.problem("log.retention.ms", "1"));
    assertNotNull(DynamicNodeConfigs.problem(DynamicNodeConfigs.LOG_DIRS_RATE, "1"));
    assertNull(DynamicNodeConfigs.problem(DynamicNodeConfigs.LOG_DIRS_RATE, null));
  }

  @Test
  void throttledReplicaListsAreStarOrPartitionNodePairs() {
    TopicConfigs configs = new TopicConfigs(TopicDefaults.DEFAULTS);
    String key = TopicConfigs.FOLLOWER_THROTTLED_REPLICAS;
    for (String ok : List.of("", "*", "0:1", " 0:1 , 1:2,2:3 ")) {
      assertNull(configs.validate(key, ok), ok);
    }
    for (String bad : List.of("1", "0:", ":1", "0:1,", "a:1", "0:1:2", "* ,0:1", "-1:2")) {
      assertNotNull(configs.validate(key, bad), bad);
    }
    Map<String, String> t = Map.of(key, "0:1, 1:2");
    assertTrue(configs.throttled(t, false, 0, 1));
    assertTrue(configs.throttled(t, false, 1, 2));
    assertFalse(configs.throttled(t, false, 0, 2));
    assertFalse(configs.throttled(t, true, 0, 1), "the leader list is another config");
    assertTrue(configs.throttled(Map.of(TopicConfigs.LEADER_THROTTLED_REPLICAS, "*"), true, 5, 9));
    assertFalse(configs.throttled(Map.of(), false, 0, 1), "empty by default");
  }
}
