package dev.meridian.node.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.config.TopicDefaults;
import dev.meridian.node.TestBroker;
import dev.meridian.node.metadata.TopicConfigs;
import dev.meridian.node.metadata.TopicImage;
import dev.meridian.node.protocol.ApiHandler;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.CreatePartitionsRequestData;
import org.apache.kafka.common.message.CreatePartitionsResponseData;
import org.apache.kafka.common.message.DeleteRecordsRequestData;
import org.apache.kafka.common.message.DeleteRecordsResponseData;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.message.DeleteTopicsResponseData;
import org.apache.kafka.common.message.DescribeClusterRequestData;
import org.apache.kafka.common.message.DescribeClusterResponseData;
import org.apache.kafka.common.message.DescribeConfigsRequestData;
import org.apache.kafka.common.message.DescribeConfigsResponseData;
import org.apache.kafka.common.message.DescribeLogDirsRequestData;
import org.apache.kafka.common.message.DescribeLogDirsResponseData;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigSource;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin handlers at every advertised version, through the wire codec both ways: the request is
 * encoded and parsed at the version (so fields the version lacks are gone), the response encoded at
 * the version (which throws for a non-ignorable field set where it does not exist) and decoded as a
 * client would.
 */
class AdminHandlersTest {
  private static final int NODE = 1;
  private static final byte TOPIC = 2;
  private static final byte BROKER = 4;

  @TempDir Path dir;
  private TestBroker node;
  private BrokerContext broker;

  @BeforeEach
  void setUp() throws Exception {
    node = TestBroker.start(dir, y -> y.topicDefault("autoCreateTopics", false));
    broker = node.context();
  }

  @AfterEach
  void tearDown() throws Exception {
    node.close();
  }

  /** The published image's topic, if any. */
  private Optional<TopicImage> topic(String name) {
    return broker.image().topic(name);
  }

  private <T extends ApiMessage> T call(ApiHandler handler, ApiMessage data, short version)
      throws Exception {
    ApiMessage resp =
        handler
            .handle(WireRoundTrip.request(handler, data, version))
            .toCompletionStage()
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    return WireRoundTrip.response(handler.apiKey(), resp, version);
  }

  private static List<Short> versions(ApiHandler h) {
    List<Short> out = new ArrayList<>();
    for (short v = h.apiKey().oldestVersion(); v <= h.maxVersion(); v++) {
      out.add(v);
    }
    return out;
  }

  @Test
  void advertisedRanges() {
    assertEquals(6, new DeleteTopicsHandler(broker).maxVersion());
    assertEquals(1, ApiKeys.DELETE_TOPICS.oldestVersion());
    assertEquals(3, new CreatePartitionsHandler(broker).maxVersion());
    assertEquals(2, new DeleteRecordsHandler(broker).maxVersion());
    assertEquals(4, new DescribeConfigsHandler(broker).maxVersion());
    assertEquals(1, ApiKeys.DESCRIBE_CONFIGS.oldestVersion());
    assertEquals(1, new IncrementalAlterConfigsHandler(broker).maxVersion());
    assertEquals(2, new DescribeClusterHandler(broker).maxVersion());
  }

  @Test
  void deleteTopicsByNameAtEveryVersionAndByIdFromV6() throws Exception {
    DeleteTopicsHandler h = new DeleteTopicsHandler(broker);
    for (short v : versions(h)) {
      String name = "del-" + v;
      TopicImage t = node.createTopic(name, 2, Map.of());
      Path partitionDir = node.logsDir(dir).resolve(name + "-1");
      assertTrue(Files.isDirectory(partitionDir));
      DeleteTopicsRequestData req = new DeleteTopicsRequestData().setTimeoutMs(1000);
      if (v >= 6) {
        req.topics().add(new DeleteTopicsRequestData.DeleteTopicState().setName(name));
        req.topics().add(new DeleteTopicsRequestData.DeleteTopicState().setName("missing"));
      } else {
        req.setTopicNames(List.of(name, "missing"));
      }
      DeleteTopicsResponseData resp = call(h, req, v);
      List<DeleteTopicsResponseData.DeletableTopicResult> results = List.copyOf(resp.responses());
      assertEquals(2, results.size(), "v" + v);
      assertEquals(name, results.get(0).name());
      assertEquals(Errors.NONE.code(), results.get(0).errorCode(), "v" + v);
      assertEquals(v >= 6 ? t.id() : Uuid.ZERO_UUID, results.get(0).topicId());
      assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), results.get(1).errorCode());
      assertEquals(v >= 5, results.get(1).errorMessage() != null, "message from v5, v" + v);
      assertTrue(topic(name).isEmpty());
      assertFalse(Files.exists(partitionDir));
    }
    TopicImage byId = node.createTopic("by-id", 1, Map.of());
    Uuid unknown = Uuid.randomUuid();
    DeleteTopicsRequestData req = new DeleteTopicsRequestData();
    req.topics().add(new DeleteTopicsRequestData.DeleteTopicState().setTopicId(byId.id()));
    req.topics().add(new DeleteTopicsRequestData.DeleteTopicState().setTopicId(unknown));
    req.topics()
        .add(new DeleteTopicsRequestData.DeleteTopicState().setName("x").setTopicId(unknown));
    List<DeleteTopicsResponseData.DeletableTopicResult> results =
        List.copyOf(((DeleteTopicsResponseData) call(h, req, (short) 6)).responses());
    assertEquals("by-id", results.get(0).name());
    assertEquals(byId.id(), results.get(0).topicId());
    assertEquals(Errors.NONE.code(), results.get(0).errorCode());
    assertTrue(topic("by-id").isEmpty());
    assertNull(results.get(1).name());
    assertEquals(unknown, results.get(1).topicId());
    assertEquals(Errors.UNKNOWN_TOPIC_ID.code(), results.get(1).errorCode());
    assertEquals(Errors.INVALID_REQUEST.code(), results.get(2).errorCode());
  }

  @Test
  void deleteTopicsRefusesADuplicateNameButDeletesTheOthers() throws Exception {
    node.createTopic("a", 1, Map.of());
    node.createTopic("b", 1, Map.of());
    DeleteTopicsRequestData req =
        new DeleteTopicsRequestData().setTopicNames(List.of("a", "b", "a"));
    List<DeleteTopicsResponseData.DeletableTopicResult> results =
        List.copyOf(
            ((DeleteTopicsResponseData) call(new DeleteTopicsHandler(broker), req, (short) 5))
                .responses());
    assertEquals(Errors.INVALID_REQUEST.code(), results.get(0).errorCode());
    assertEquals(Errors.NONE.code(), results.get(1).errorCode());
    assertEquals(Errors.INVALID_REQUEST.code(), results.get(2).errorCode());
    assertTrue(topic("a").isPresent());
    assertTrue(topic("b").isEmpty());
  }

  private static CreatePartitionsRequestData.CreatePartitionsTopic grow(
      String name, int count, List<List<Integer>> assignments) {
    CreatePartitionsRequestData.CreatePartitionsTopic t =
        new CreatePartitionsRequestData.CreatePartitionsTopic().setName(name).setCount(count);
    if (assignments == null) {
      t.setAssignments(null);
    } else {
      t.setAssignments(
          assignments.stream()
              .map(
                  a -> new CreatePartitionsRequestData.CreatePartitionsAssignment().setBrokerIds(a))
              .toList());
    }
    return t;
  }

  @Test
  void createPartitionsAtEveryVersion() throws Exception {
    CreatePartitionsHandler h = new CreatePartitionsHandler(broker);
    for (short v : versions(h)) {
      String name = "cp-" + v;
      node.createTopic(name, 1, Map.of());
      CreatePartitionsRequestData req = new CreatePartitionsRequestData().setTimeoutMs(1000);
      req.topics().add(grow(name, 3, List.of(List.of(NODE), List.of(NODE))));
      req.topics().add(grow("missing-" + v, 3, null));
      List<CreatePartitionsResponseData.CreatePartitionsTopicResult> results =
          ((CreatePartitionsResponseData) call(h, req, v)).results();
      assertEquals(Errors.NONE.code(), results.get(0).errorCode(), "v" + v);
      assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), results.get(1).errorCode());
      assertEquals(3, topic(name).orElseThrow().partitionCount());
      assertTrue(broker.partition(name, 2).isPresent());
    }
  }

  @Test
  void createPartitionsValidatesAssignmentsCountsAndValidateOnly() throws Exception {
    node.createTopic("g", 2, Map.of());
    CreatePartitionsRequestData req = new CreatePartitionsRequestData().setValidateOnly(true);
    req.topics().add(grow("g", 4, null));
    assertEquals(
        Errors.NONE.code(),
        ((CreatePartitionsResponseData) call(new CreatePartitionsHandler(broker), req, (short) 3))
            .results()
            .get(0)
            .errorCode());
    assertEquals(2, topic("g").orElseThrow().partitionCount(), "validateOnly changes nothing");

    for (CreatePartitionsRequestData.CreatePartitionsTopic bad :
        List.of(
            grow("g", 4, List.of(List.of(NODE), List.of(2))),
            grow("g", 4, List.of(List.of(NODE))),
            grow("g", 3, List.of(List.of(NODE, NODE))))) {
      CreatePartitionsRequestData r = new CreatePartitionsRequestData();
      r.topics().add(bad);
      CreatePartitionsResponseData.CreatePartitionsTopicResult result =
          ((CreatePartitionsResponseData) call(new CreatePartitionsHandler(broker), r, (short) 1))
              .results()
              .get(0);
      assertEquals(Errors.INVALID_REPLICA_ASSIGNMENT.code(), result.errorCode());
      assertNotNull(result.errorMessage());
    }
    CreatePartitionsRequestData shrink = new CreatePartitionsRequestData();
    shrink.topics().add(grow("g", 2, null));
    assertEquals(
        Errors.INVALID_PARTITIONS.code(),
        ((CreatePartitionsResponseData)
                call(new CreatePartitionsHandler(broker), shrink, (short) 0))
            .results()
            .get(0)
            .errorCode());
    assertEquals(2, topic("g").orElseThrow().partitionCount());
  }

  private static ByteBuffer records(int count) {
    SimpleRecord[] recs = new SimpleRecord[count];
    for (int i = 0; i < count; i++) {
      recs[i] = new SimpleRecord(("v" + i).getBytes(StandardCharsets.UTF_8));
    }
    return MemoryRecords.withRecords(Compression.NONE, recs).buffer();
  }

  private static DeleteRecordsRequestData deleteRecords(String topic, long... offsets) {
    DeleteRecordsRequestData.DeleteRecordsTopic t =
        new DeleteRecordsRequestData.DeleteRecordsTopic().setName(topic);
    for (int i = 0; i < offsets.length; i++) {
      t.partitions()
          .add(
              new DeleteRecordsRequestData.DeleteRecordsPartition()
                  .setPartitionIndex(i)
                  .setOffset(offsets[i]));
    }
    return new DeleteRecordsRequestData().setTopics(List.of(t)).setTimeoutMs(1000);
  }

  @Test
  void deleteRecordsAtEveryVersion() throws Exception {
    DeleteRecordsHandler h = new DeleteRecordsHandler(broker);
    for (short v : versions(h)) {
      String name = "dr-" + v;
      node.createTopic(name, 4, Map.of());
      for (int p = 0; p < 3; p++) {
        for (int b = 0; b < 5; b++) {
          broker.partition(name, p).orElseThrow().appendAsLeader(records(2), -1);
        }
      }
      // p0: to 4; p1: -1 = high watermark 10; p2: 11 > HW; p3: empty, to 0; p4: no such partition
      DeleteRecordsResponseData resp = call(h, deleteRecords(name, 4, -1, 11, 0, 0), v);
      DeleteRecordsResponseData.DeleteRecordsTopicResult tr = resp.topics().find(name);
      long[] low = {4, 10, -1, 0, -1};
      Errors[] errors = {
        Errors.NONE,
        Errors.NONE,
        Errors.OFFSET_OUT_OF_RANGE,
        Errors.NONE,
        Errors.UNKNOWN_TOPIC_OR_PARTITION
      };
      for (int p = 0; p < low.length; p++) {
        DeleteRecordsResponseData.DeleteRecordsPartitionResult pr = tr.partitions().find(p);
        assertEquals(errors[p].code(), pr.errorCode(), "v" + v + " p" + p);
        assertEquals(low[p], pr.lowWatermark(), "v" + v + " p" + p);
      }
      assertEquals(4, broker.partition(name, 0).orElseThrow().logStartOffset());
      assertEquals(0, broker.partition(name, 2).orElseThrow().logStartOffset());
      // going back is not an error: the low watermark stays where it is
      DeleteRecordsResponseData again = call(h, deleteRecords(name, 2), v);
      assertEquals(4, again.topics().find(name).partitions().find(0).lowWatermark());
      DeleteRecordsResponseData negative = call(h, deleteRecords(name, -7), v);
      assertEquals(
          Errors.OFFSET_OUT_OF_RANGE.code(),
          negative.topics().find(name).partitions().find(0).errorCode());
    }
  }

  /** A request; documentation is asked for only where the version has the field (v3+). */
  private static DescribeConfigsRequestData describe(
      byte type, String name, List<String> keys, boolean synonyms, boolean docs, short version) {
    DescribeConfigsRequestData req =
        new DescribeConfigsRequestData()
            .setIncludeSynonyms(synonyms)
            .setIncludeDocumentation(docs && version >= 3);
    req.resources()
        .add(
            new DescribeConfigsRequestData.DescribeConfigsResource()
                .setResourceType(type)
                .setResourceName(name)
                .setConfigurationKeys(keys));
    return req;
  }

  @Test
  void describeTopicConfigsAtEveryVersion() throws Exception {
    node.createTopic("dc", 1, Map.of("retention.ms", "1234"));
    DescribeConfigsHandler h = new DescribeConfigsHandler(broker);
    for (short v : versions(h)) {
      DescribeConfigsResponseData resp = call(h, describe(TOPIC, "dc", null, true, true, v), v);
      DescribeConfigsResponseData.DescribeConfigsResult result = resp.results().get(0);
      assertEquals(Errors.NONE.code(), result.errorCode(), "v" + v);
      assertEquals(
          new TopicConfigs(TopicDefaults.DEFAULTS).defaults().size(), result.configs().size());
      DescribeConfigsResponseData.DescribeConfigsResourceResult retention =
          find(result, "retention.ms");
      assertEquals("1234", retention.value());
      assertEquals(ConfigSource.TOPIC_CONFIG.id(), retention.configSource());
      assertFalse(retention.readOnly());
      assertEquals(2, retention.synonyms().size(), "override, then the node default");
      assertEquals("retention.ms", retention.synonyms().get(0).name());
      assertEquals("log.retention.ms", retention.synonyms().get(1).name());
      assertEquals(
          Long.toString(TopicDefaults.DEFAULTS.retentionMs()), retention.synonyms().get(1).value());
      assertEquals(ConfigSource.DEFAULT_CONFIG.id(), retention.synonyms().get(1).source());
      DescribeConfigsResponseData.DescribeConfigsResourceResult policy =
          find(result, "cleanup.policy");
      assertEquals("delete", policy.value());
      assertEquals(ConfigSource.DEFAULT_CONFIG.id(), policy.configSource());
      assertEquals(1, policy.synonyms().size());
      if (v >= 3) {
        assertEquals(ConfigType.LIST.id(), policy.configType());
        assertEquals(ConfigType.LONG.id(), retention.configType());
        assertTrue(retention.documentation().contains("retain"), retention.documentation());
      }
      DescribeConfigsResponseData plain =
          call(h, describe(TOPIC, "dc", List.of("retention.ms", "nope"), false, false, v), v);
      assertEquals(1, plain.results().get(0).configs().size());
      assertTrue(plain.results().get(0).configs().get(0).synonyms().isEmpty());
      if (v >= 3) {
        assertNull(plain.results().get(0).configs().get(0).documentation());
      }
      assertEquals(
          Errors.UNKNOWN_TOPIC_OR_PARTITION.code(),
          ((DescribeConfigsResponseData) call(h, describe(TOPIC, "nope", null, false, false, v), v))
              .results()
              .get(0)
              .errorCode());
    }
  }

  @Test
  void describeBrokerConfigsAtEveryVersion() throws Exception {
    DescribeConfigsHandler h = new DescribeConfigsHandler(broker);
    for (short v : versions(h)) {
      DescribeConfigsResponseData.DescribeConfigsResult own =
          ((DescribeConfigsResponseData) call(h, describe(BROKER, "1", null, true, true, v), v))
              .results()
              .get(0);
      assertEquals(Errors.NONE.code(), own.errorCode(), "v" + v);
      DescribeConfigsResponseData.DescribeConfigsResourceResult retention =
          find(own, "log.retention.ms");
      assertEquals(Long.toString(TopicDefaults.DEFAULTS.retentionMs()), retention.value());
      assertTrue(retention.readOnly());
      assertEquals(ConfigSource.DEFAULT_CONFIG.id(), retention.configSource());
      DescribeConfigsResponseData.DescribeConfigsResult clusterDefaults =
          ((DescribeConfigsResponseData) call(h, describe(BROKER, "", null, false, false, v), v))
              .results()
              .get(0);
      assertEquals(Errors.NONE.code(), clusterDefaults.errorCode());
      assertTrue(clusterDefaults.configs().isEmpty());
      DescribeConfigsResponseData.DescribeConfigsResourceResult rebalance =
          find(own, "group.initial.rebalance.delay.ms");
      assertEquals("3000", rebalance.value(), "broker settings of the region config are shown");
      assertEquals(ConfigSource.STATIC_BROKER_CONFIG.id(), rebalance.configSource());
      assertEquals("10", find(own, "offsets.topic.num.partitions").value());
      for (String other : List.of("2", "x")) {
        assertEquals(
            Errors.INVALID_REQUEST.code(),
            ((DescribeConfigsResponseData)
                    call(h, describe(BROKER, other, null, false, false, v), v))
                .results()
                .get(0)
                .errorCode());
      }
      assertEquals(
          Errors.INVALID_REQUEST.code(),
          ((DescribeConfigsResponseData) call(h, describe((byte) 8, "1", null, false, false, v), v))
              .results()
              .get(0)
              .errorCode());
    }
  }

  private static DescribeConfigsResponseData.DescribeConfigsResourceResult find(
      DescribeConfigsResponseData.DescribeConfigsResult result, String name) {
    return result.configs().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
  }

  private static IncrementalAlterConfigsRequestData alter(
      byte type, String name, boolean validateOnly, Object... nameOpValue) {
    IncrementalAlterConfigsRequestData.AlterConfigsResource r =
        new IncrementalAlterConfigsRequestData.AlterConfigsResource()
            .setResourceType(type)
            .setResourceName(name);
    for (int i = 0; i < nameOpValue.length; i += 3) {
      r.configs()
          .add(
              new IncrementalAlterConfigsRequestData.AlterableConfig()
                  .setName((String) nameOpValue[i])
                  .setConfigOperation(((Integer) nameOpValue[i + 1]).byteValue())
                  .setValue((String) nameOpValue[i + 2]));
    }
    IncrementalAlterConfigsRequestData req =
        new IncrementalAlterConfigsRequestData().setValidateOnly(validateOnly);
    req.resources().add(r);
    return req;
  }

  private static IncrementalAlterConfigsResponseData.AlterConfigsResourceResponse first(
      IncrementalAlterConfigsResponseData resp) {
    return resp.responses().get(0);
  }

  @Test
  void incrementalAlterConfigsAtEveryVersion() throws Exception {
    IncrementalAlterConfigsHandler h = new IncrementalAlterConfigsHandler(broker);
    for (short v : versions(h)) {
      String name = "ia-" + v;
      node.createTopic(name, 2, Map.of("segment.ms", "60000"));
      assertEquals(
          Errors.NONE.code(),
          first(
                  call(
                      h,
                      alter(TOPIC, name, false, "retention.ms", 0, "5000", "segment.ms", 1, null),
                      v))
              .errorCode(),
          "v" + v);
      assertEquals(Map.of("retention.ms", "5000"), topic(name).orElseThrow().configs());
      assertEquals(5000, broker.partition(name, 1).orElseThrow().logConfig().retentionMs());
      assertEquals(
          Errors.NONE.code(),
          first(call(h, alter(TOPIC, name, false, "cleanup.policy", 2, "compact"), v)).errorCode());
      assertEquals("delete,compact", topic(name).orElseThrow().configs().get("cleanup.policy"));

      IncrementalAlterConfigsResponseData.AlterConfigsResourceResponse bad =
          first(call(h, alter(TOPIC, name, false, "retention.ms", 0, "abc"), v));
      assertEquals(Errors.INVALID_CONFIG.code(), bad.errorCode());
      assertNotNull(bad.errorMessage());
      assertEquals(
          Errors.NONE.code(),
          first(call(h, alter(TOPIC, name, true, "retention.ms", 0, "9"), v)).errorCode());
      assertEquals("5000", topic(name).orElseThrow().configs().get("retention.ms"));
      assertEquals(
          Errors.UNKNOWN_TOPIC_OR_PARTITION.code(),
          first(call(h, alter(TOPIC, "nope", false, "retention.ms", 0, "9"), v)).errorCode());
      assertEquals(
          Errors.INVALID_CONFIG.code(),
          first(call(h, alter(BROKER, "1", false, "log.retention.ms", 0, "9"), v)).errorCode(),
          "static broker configs come from the region config file");
      assertEquals(
          Errors.INVALID_REQUEST.code(),
          first(call(h, alter(TOPIC, name, false, "retention.ms", 9, "9"), v)).errorCode());
    }
  }

  @Test
  void replicationThrottlesAreDynamicPerNodeConfigsKeptInTheImage() throws Exception {
    IncrementalAlterConfigsHandler h = new IncrementalAlterConfigsHandler(broker);
    DescribeConfigsHandler d = new DescribeConfigsHandler(broker);
    for (short v : versions(h)) {
      assertEquals(
          Errors.NONE.code(),
          first(
                  call(
                      h,
                      alter(
                          BROKER,
                          "1",
                          false,
                          "follower.replication.throttled.rate",
                          0,
                          "1048576",
                          "leader.replication.throttled.rate",
                          0,
                          "2097152"),
                      v))
              .errorCode(),
          "v" + v);
      assertEquals(
          Map.of(
              "follower.replication.throttled.rate",
              "1048576",
              "leader.replication.throttled.rate",
              "2097152"),
          broker.image().nodeConfigs(NODE));
      assertEquals(1048576, broker.replicas().followerQuota().rate());
      assertEquals(2097152, broker.replicas().leaderQuota().rate());
      DescribeConfigsResponseData.DescribeConfigsResult own =
          ((DescribeConfigsResponseData)
                  call(d, describe(BROKER, "1", null, false, false, (short) 4), (short) 4))
              .results()
              .get(0);
      DescribeConfigsResponseData.DescribeConfigsResourceResult rate =
          find(own, "follower.replication.throttled.rate");
      assertEquals("1048576", rate.value());
      assertEquals(ConfigSource.DYNAMIC_BROKER_CONFIG.id(), rate.configSource());
      assertFalse(rate.readOnly());

      // what kafka-reassign-partitions --verify sends to clear the throttles
      assertEquals(
          Errors.NONE.code(),
          first(
                  call(
                      h,
                      alter(
                          BROKER,
                          "1",
                          false,
                          "follower.replication.throttled.rate",
                          1,
                          null,
                          "leader.replication.throttled.rate",
                          1,
                          null,
                          "replica.alter.log.dirs.io.max.bytes.per.second",
                          1,
                          null),
                      v))
              .errorCode());
      assertEquals(Map.of(), broker.image().nodeConfigs(NODE));
      assertEquals(0, broker.replicas().followerQuota().rate(), "the region setting again");
      assertEquals(0, broker.replicas().leaderQuota().rate());
      DescribeConfigsResponseData.DescribeConfigsResourceResult unset =
          find(
              ((DescribeConfigsResponseData)
                      call(d, describe(BROKER, "1", null, false, false, (short) 4), (short) 4))
                  .results()
                  .get(0),
              "leader.replication.throttled.rate");
      assertEquals(Long.toString(Long.MAX_VALUE), unset.value());
      assertEquals(ConfigSource.DEFAULT_CONFIG.id(), unset.configSource());

      for (Object[] bad :
          new Object[][] {
            {"1", "follower.replication.throttled.rate", "-1", Errors.INVALID_CONFIG},
            {"1", "follower.replication.throttled.rate", "fast", Errors.INVALID_CONFIG},
            {"1", "replica.alter.log.dirs.io.max.bytes.per.second", "100", Errors.INVALID_CONFIG},
            {"", "follower.replication.throttled.rate", "100", Errors.INVALID_REQUEST},
            {"7", "follower.replication.throttled.rate", "100", Errors.INVALID_REQUEST},
            {"x", "follower.replication.throttled.rate", "100", Errors.INVALID_REQUEST},
          }) {
        IncrementalAlterConfigsResponseData.AlterConfigsResourceResponse r =
            first(call(h, alter(BROKER, (String) bad[0], false, bad[1], 0, bad[2]), v));
        assertEquals(((Errors) bad[3]).code(), r.errorCode(), java.util.Arrays.toString(bad));
        assertNotNull(r.errorMessage());
      }
      assertEquals(Map.of(), broker.image().nodeConfigs(NODE), "refusals change nothing");
    }
  }

  @Test
  void throttledReplicaListsAreTopicConfigs() throws Exception {
    IncrementalAlterConfigsHandler h = new IncrementalAlterConfigsHandler(broker);
    node.createTopic("thr", 2, Map.of());
    assertEquals(
        Errors.NONE.code(),
        first(
                call(
                    h,
                    alter(
                        TOPIC,
                        "thr",
                        false,
                        "leader.replication.throttled.replicas",
                        0,
                        "0:1,1:1",
                        "follower.replication.throttled.replicas",
                        0,
                        "*"),
                    (short) 1))
            .errorCode());
    assertEquals(
        "0:1,1:1",
        topic("thr").orElseThrow().configs().get("leader.replication.throttled.replicas"));
    for (String bad : List.of("0", "0:1,", "a:b", "0:1:2", "**")) {
      assertEquals(
          Errors.INVALID_CONFIG.code(),
          first(
                  call(
                      h,
                      alter(TOPIC, "thr", false, "leader.replication.throttled.replicas", 0, bad),
                      (short) 1))
              .errorCode(),
          bad);
    }
  }

  @Test
  void describeLogDirsListsEveryHostedReplicaAtEveryVersion() throws Exception {
    DescribeLogDirsHandler h = new DescribeLogDirsHandler(broker);
    node.createTopic("dirs", 2, Map.of());
    broker
        .partition("dirs", 1)
        .orElseThrow()
        .appendAsLeader(
            MemoryRecords.withRecords(
                    Compression.NONE, new SimpleRecord("k".getBytes(), "v".getBytes()))
                .buffer(),
            System.currentTimeMillis());
    for (short v : versions(h)) {
      DescribeLogDirsResponseData all =
          call(h, new DescribeLogDirsRequestData().setTopics(null), v);
      assertEquals(1, all.results().size(), "one log directory per node");
      DescribeLogDirsResponseData.DescribeLogDirsResult dir = all.results().get(0);
      assertEquals(Errors.NONE.code(), dir.errorCode());
      assertEquals(broker.replicas().logDir().toAbsolutePath().toString(), dir.logDir());
      DescribeLogDirsResponseData.DescribeLogDirsTopic t =
          dir.topics().stream().filter(x -> x.name().equals("dirs")).findFirst().orElseThrow();
      assertEquals(2, t.partitions().size(), "v" + v);
      assertEquals(0, t.partitions().get(0).partitionSize());
      assertTrue(t.partitions().get(1).partitionSize() > 0);
      assertFalse(t.partitions().get(1).isFutureKey());
      if (v >= 4) {
        assertTrue(dir.totalBytes() > 0 && dir.usableBytes() > 0, "v" + v);
      }
      DescribeLogDirsRequestData one = new DescribeLogDirsRequestData();
      one.topics()
          .add(
              new DescribeLogDirsRequestData.DescribableLogDirTopic()
                  .setTopic("dirs")
                  .setPartitions(List.of(1)));
      DescribeLogDirsResponseData some = call(h, one, v);
      assertEquals(1, some.results().get(0).topics().size());
      assertEquals(1, some.results().get(0).topics().get(0).partitions().get(0).partitionIndex());
    }
  }

  @Test
  void incrementalAlterConfigsAnswersEachResourceOnItsOwn() throws Exception {
    node.createTopic("ok", 1, Map.of());
    IncrementalAlterConfigsRequestData req = alter(TOPIC, "ok", false, "retention.ms", 0, "77");
    req.resources()
        .add(
            alter(TOPIC, "missing", false, "retention.ms", 0, "77")
                .resources()
                .find(TOPIC, "missing")
                .duplicate());
    IncrementalAlterConfigsResponseData resp =
        call(new IncrementalAlterConfigsHandler(broker), req, (short) 1);
    assertEquals(Errors.NONE.code(), resp.responses().get(0).errorCode());
    assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), resp.responses().get(1).errorCode());
    assertEquals("77", topic("ok").orElseThrow().configs().get("retention.ms"));
  }

  @Test
  void everyKafkaTopicConfigIsSetDescribedAndDeletedBackToItsDefault() throws Exception {
    node.createTopic("all", 1, Map.of());
    node.createTopic("other", 1, Map.of());
    Map<String, String> values =
        Map.of(
            "compression.type", "zstd",
            "min.cleanable.dirty.ratio", "0.2",
            "remote.log.copy.disable", "true",
            "segment.jitter.ms", "10",
            "message.timestamp.before.max.ms", "86400000");
    List<Object> ops = new ArrayList<>();
    values.forEach((k, val) -> ops.addAll(List.of(k, 0, val)));
    IncrementalAlterConfigsRequestData req = alter(TOPIC, "all", false, ops.toArray());
    // an unknown key fails its own resource only
    req.resources()
        .add(
            alter(TOPIC, "other", false, "no.such.config", 0, "1", "retention.ms", 0, "5")
                .resources()
                .find(TOPIC, "other")
                .duplicate());
    IncrementalAlterConfigsResponseData resp =
        call(new IncrementalAlterConfigsHandler(broker), req, (short) 1);
    assertEquals(Errors.NONE.code(), resp.responses().get(0).errorCode());
    assertEquals(Errors.INVALID_CONFIG.code(), resp.responses().get(1).errorCode());
    assertTrue(resp.responses().get(1).errorMessage().contains("no.such.config"));
    assertEquals(Map.of(), topic("other").orElseThrow().configs());
    assertEquals("zstd", broker.partition("all", 0).orElseThrow().logConfig().compressionType());

    DescribeConfigsHandler d = new DescribeConfigsHandler(broker);
    DescribeConfigsResponseData.DescribeConfigsResult described =
        ((DescribeConfigsResponseData)
                call(d, describe(TOPIC, "all", null, true, true, (short) 4), (short) 4))
            .results()
            .get(0);
    assertEquals(dev.meridian.node.metadata.TopicConfigDef.ALL.size(), described.configs().size());
    for (DescribeConfigsResponseData.DescribeConfigsResourceResult c : described.configs()) {
      assertNotEquals(ConfigType.UNKNOWN.id(), c.configType(), c.name());
      assertNotNull(c.documentation(), c.name());
      String set = values.get(c.name());
      assertEquals(set != null ? set : broker.topicConfigs().defaults().get(c.name()), c.value());
      assertEquals(
          (set != null ? ConfigSource.TOPIC_CONFIG : ConfigSource.DEFAULT_CONFIG).id(),
          c.configSource(),
          c.name());
    }
    assertEquals(ConfigType.DOUBLE.id(), find(described, "min.cleanable.dirty.ratio").configType());
    assertTrue(
        find(described, "remote.log.copy.disable").documentation().contains("stores this setting"));

    IncrementalAlterConfigsResponseData deleted =
        call(
            new IncrementalAlterConfigsHandler(broker),
            alter(TOPIC, "all", false, "compression.type", 1, null, "segment.jitter.ms", 1, null),
            (short) 1);
    assertEquals(Errors.NONE.code(), first(deleted).errorCode());
    DescribeConfigsResponseData.DescribeConfigsResourceResult compression =
        find(
            ((DescribeConfigsResponseData)
                    call(d, describe(TOPIC, "all", null, false, false, (short) 4), (short) 4))
                .results()
                .get(0),
            "compression.type");
    assertEquals("producer", compression.value());
    assertEquals(ConfigSource.DEFAULT_CONFIG.id(), compression.configSource());
    assertEquals(
        "producer", broker.partition("all", 0).orElseThrow().logConfig().compressionType());
  }

  @Test
  void describeClusterAtEveryVersion() throws Exception {
    DescribeClusterHandler h = new DescribeClusterHandler(broker);
    for (short v : versions(h)) {
      DescribeClusterRequestData req = new DescribeClusterRequestData();
      if (v >= 2) {
        req.setIncludeFencedBrokers(true);
      }
      DescribeClusterResponseData resp = call(h, req, v);
      assertEquals(Errors.NONE.code(), resp.errorCode(), "v" + v);
      assertEquals(broker.image().clusterId(), resp.clusterId());
      assertNotNull(resp.clusterId(), "the first controller gave the region a cluster id");
      assertEquals(NODE, resp.controllerId());
      assertEquals(1, resp.brokers().size());
      DescribeClusterResponseData.DescribeClusterBroker b = resp.brokers().find(NODE);
      assertEquals("127.0.0.1", b.host());
      assertEquals(broker.image().node(NODE).orElseThrow().kafkaPort(), b.port());
      assertNull(b.rack());
      if (v >= 2) {
        assertFalse(b.isFenced());
      }
      assertEquals(Integer.MIN_VALUE, resp.clusterAuthorizedOperations());
      if (v >= 1) {
        assertEquals(1, resp.endpointType());
        DescribeClusterResponseData controllers =
            call(h, new DescribeClusterRequestData().setEndpointType((byte) 2), v);
        assertEquals(Errors.MISMATCHED_ENDPOINT_TYPE.code(), controllers.errorCode());
        assertTrue(controllers.brokers().isEmpty());
        DescribeClusterResponseData other =
            call(h, new DescribeClusterRequestData().setEndpointType((byte) 7), v);
        assertEquals(Errors.UNSUPPORTED_ENDPOINT_TYPE.code(), other.errorCode());
      }
    }
  }

  @Test
  void metadataV0WithAnEmptyTopicListDescribesEveryTopic() throws Exception {
    node.createTopic("a", 1, Map.of());
    node.createTopic("b", 2, Map.of());
    org.apache.kafka.common.message.MetadataResponseData v0 =
        call(
            new MetadataHandler(broker),
            new org.apache.kafka.common.message.MetadataRequestData().setTopics(List.of()),
            (short) 0);
    assertEquals(2, v0.topics().size());
    org.apache.kafka.common.message.MetadataResponseData v1 =
        call(
            new MetadataHandler(broker),
            new org.apache.kafka.common.message.MetadataRequestData().setTopics(List.of()),
            (short) 1);
    assertEquals(0, v1.topics().size(), "from v1 an empty list means no topics");
  }

  @Test
  void produceToAnInvalidTopicNameIsInvalidTopicNotUnknown() throws Exception {
    org.apache.kafka.common.message.ProduceRequestData req =
        new org.apache.kafka.common.message.ProduceRequestData().setAcks((short) 1);
    for (String name : List.of("bad/name", "missing")) {
      org.apache.kafka.common.message.ProduceRequestData.TopicProduceData td =
          new org.apache.kafka.common.message.ProduceRequestData.TopicProduceData().setName(name);
      td.partitionData()
          .add(
              new org.apache.kafka.common.message.ProduceRequestData.PartitionProduceData()
                  .setIndex(0)
                  .setRecords(MemoryRecords.readableRecords(records(1))));
      req.topicData().add(td);
    }
    org.apache.kafka.common.message.ProduceResponseData resp =
        call(new ProduceHandler(broker), req, (short) 9);
    Map<String, Short> codes = new java.util.HashMap<>();
    resp.responses().forEach(t -> codes.put(t.name(), t.partitionResponses().get(0).errorCode()));
    assertEquals(Errors.INVALID_TOPIC_EXCEPTION.code(), codes.get("bad/name"));
    assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), codes.get("missing"));
  }
}
