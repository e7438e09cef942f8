package dev.meridian.node.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.config.TopicDefaults;
import dev.meridian.node.controller.TopicConfigUpdate.Op;
import dev.meridian.node.controller.TopicConfigUpdate.OpType;
import dev.meridian.node.metadata.TopicConfigs;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

class TopicConfigUpdateTest {
  private final TopicConfigs configs = new TopicConfigs(TopicDefaults.DEFAULTS);

  private Map<String, String> apply(Map<String, String> overrides, Op... ops)
      throws ControllerException {
    return TopicConfigUpdate.apply(configs, overrides, List.of(ops));
  }

  private Errors failure(Map<String, String> overrides, Op... ops) {
    return assertThrows(ControllerException.class, () -> apply(overrides, ops)).error();
  }

  @Test
  void setAddsOrReplacesAnOverrideAndKeepsTheOthers() throws Exception {
    Map<String, String> out =
        apply(
            Map.of("retention.ms", "1000", "segment.ms", "5000"),
            new Op("retention.ms", OpType.SET, "2000"),
            new Op("max.message.bytes", OpType.SET, "4096"));
    assertEquals(
        Map.of("retention.ms", "2000", "segment.ms", "5000", "max.message.bytes", "4096"), out);
  }

  @Test
  void deleteRemovesTheOverrideAndIgnoresItsValue() throws Exception {
    assertEquals(
        Map.of(),
        apply(Map.of("retention.ms", "1000"), new Op("retention.ms", OpType.DELETE, "junk")));
    assertEquals(Map.of(), apply(Map.of(), new Op("retention.ms", OpType.DELETE, null)));
  }

  @Test
  void appendStartsFromTheNodeDefaultAndSkipsItemsAlreadyThere() throws Exception {
    assertEquals("delete", configs.defaults().get("cleanup.policy"));
    assertEquals(
        Map.of("cleanup.policy", "delete,compact"),
        apply(Map.of(), new Op("cleanup.policy", OpType.APPEND, "compact, delete")));
    assertEquals(
        Map.of("cleanup.policy", "compact"),
        apply(
            Map.of("cleanup.policy", "compact"),
            new Op("cleanup.policy", OpType.APPEND, "compact")));
  }

  @Test
  void subtractRemovesItemsDownToTheEmptyPolicy() throws Exception {
    assertEquals(
        Map.of("cleanup.policy", "delete"),
        apply(
            Map.of("cleanup.policy", "compact,delete"),
            new Op("cleanup.policy", OpType.SUBTRACT, "compact")));
    // Kafka 4.x: an empty cleanup.policy keeps the log forever (neither deleted nor compacted)
    assertEquals(
        Map.of("cleanup.policy", ""),
        apply(Map.of(), new Op("cleanup.policy", OpType.SUBTRACT, "delete")));
    assertEquals(
        Errors.INVALID_CONFIG,
        failure(Map.of(), new Op("cleanup.policy", OpType.APPEND, "forever")));
  }

  @Test
  void minCompactionLagAboveMaxIsAConflict() throws Exception {
    ControllerException e =
        assertThrows(
            ControllerException.class,
            () ->
                apply(
                    Map.of("max.compaction.lag.ms", "1000"),
                    new Op("min.compaction.lag.ms", OpType.SET, "2000")));
    assertEquals(Errors.INVALID_CONFIG, e.error());
    assertEquals(
        "conflict topic config setting min.compaction.lag.ms (2000) > max.compaction.lag.ms"
            + " (1000)",
        e.getMessage());
    assertEquals(
        Map.of("min.compaction.lag.ms", "1000", "max.compaction.lag.ms", "1000"),
        apply(
            Map.of("max.compaction.lag.ms", "1000"),
            new Op("min.compaction.lag.ms", OpType.SET, "1000")));
  }

  @Test
  void throttledReplicaListsTakeAppendAndSubtract() throws Exception {
    String key = "leader.replication.throttled.replicas";
    assertEquals(
        Map.of(key, "0:1,1:2"), apply(Map.of(key, "0:1"), new Op(key, OpType.APPEND, "1:2")));
    assertEquals(
        Map.of(key, "1:2"), apply(Map.of(key, "0:1,1:2"), new Op(key, OpType.SUBTRACT, "0:1")));
    assertEquals(Errors.INVALID_CONFIG, failure(Map.of(), new Op(key, OpType.APPEND, "x")));
  }

  @Test
  void everyKafkaKeyIsSetAndDeletedBackToItsDefault() throws Exception {
    for (String key : dev.meridian.node.metadata.TopicConfigDef.ALL.keySet()) {
      Map<String, String> set =
          apply(Map.of(), new Op(key, OpType.SET, configs.defaults().get(key)));
      assertEquals(Map.of(key, configs.defaults().get(key)), set, key);
      assertEquals(Map.of(), apply(set, new Op(key, OpType.DELETE, null)), key);
    }
  }

  @Test
  void listOperationsOnScalarConfigsAreInvalidConfig() {
    ControllerException e =
        assertThrows(
            ControllerException.class,
            () -> apply(Map.of(), new Op("retention.ms", OpType.APPEND, "5")));
    assertEquals(Errors.INVALID_CONFIG, e.error());
    assertTrue(e.getMessage().contains("list-type"), e.getMessage());
  }

  @Test
  void badValuesUnknownKeysDuplicatesAndNullsAreRefused() {
    assertEquals(
        Errors.INVALID_CONFIG, failure(Map.of(), new Op("retention.ms", OpType.SET, "soon")));
    assertEquals(
        Errors.INVALID_CONFIG, failure(Map.of(), new Op("retention.ms", OpType.SET, "-2")));
    assertEquals(
        Errors.INVALID_CONFIG, failure(Map.of(), new Op("cleanup.policy", OpType.SET, "forever")));
    assertEquals(Errors.INVALID_CONFIG, failure(Map.of(), new Op("no.such.key", OpType.SET, "1")));
    assertEquals(
        Errors.INVALID_CONFIG, failure(Map.of(), new Op("no.such.key", OpType.DELETE, null)));
    assertEquals(
        Errors.INVALID_REQUEST, failure(Map.of(), new Op("retention.ms", OpType.SET, null)));
    assertEquals(
        Errors.INVALID_REQUEST,
        failure(
            Map.of(),
            new Op("retention.ms", OpType.SET, "1"),
            new Op("retention.ms", OpType.DELETE, null)));
  }

  @Test
  void operationIdsAreKafkas() {
    assertEquals(OpType.SET, OpType.forId((byte) 0).orElseThrow());
    assertEquals(OpType.DELETE, OpType.forId((byte) 1).orElseThrow());
    assertEquals(OpType.APPEND, OpType.forId((byte) 2).orElseThrow());
    assertEquals(OpType.SUBTRACT, OpType.forId((byte) 3).orElseThrow());
    assertTrue(OpType.forId((byte) 4).isEmpty());
    assertTrue(OpType.forId((byte) -1).isEmpty());
    for (OpType t : OpType.values()) {
      assertEquals(
          org.apache.kafka.clients.admin.AlterConfigOp.OpType.valueOf(t.name()).id(),
          (byte) t.ordinal());
    }
  }
}
