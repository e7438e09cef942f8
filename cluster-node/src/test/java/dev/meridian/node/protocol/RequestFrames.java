package dev.meridian.node.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.RequestHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.RequestUtils;

/**
 * Real request frames, serialized by kafka-clients exactly as a client sends them: header (v1 or v2
 * per {@link ApiKeys#requestHeaderVersion}) then body. A "payload" is a frame without its int32
 * size prefix, which is what {@link RequestDecoder} sees.
 */
final class RequestFrames {
  static final String CLIENT_ID = "fuzz-client";
  static final Uuid TOPIC_ID = Uuid.fromString("qFQK7YGzSOOtxTNt3G7Oqw");

  /** One real request. */
  record Sample(ApiKeys key, short version, int correlationId, ApiMessage body, byte[] payload) {
    @Override
    public String toString() {
      return key + " v" + version + " (" + payload.length + " bytes)";
    }
  }

  private RequestFrames() {}

  /** Header and body, without the size prefix. */
  static byte[] payload(
      ApiKeys key, short version, int correlationId, String clientId, ApiMessage body) {
    short headerVersion = key.requestHeaderVersion(version);
    RequestHeaderData header =
        new RequestHeaderData()
            .setRequestApiKey(key.id)
            .setRequestApiVersion(version)
            .setCorrelationId(correlationId)
            .setClientId(clientId);
    ByteBuffer buf = RequestUtils.serialize(header, headerVersion, body, version);
    byte[] out = new byte[buf.remaining()];
    buf.get(out);
    return out;
  }

  /** A payload with its int32 size prefix: what goes on the wire. */
  static byte[] frame(byte[] payload) {
    return ByteBuffer.allocate(4 + payload.length).putInt(payload.length).put(payload).array();
  }

  static byte[] frame(ApiKeys key, short version, int correlationId, ApiMessage body) {
    return frame(payload(key, version, correlationId, CLIENT_ID, body));
  }

  /**
   * Realistic requests of the APIs the broker serves, at every version the client library knows
   * (served or not): what Java clients, librdkafka and kafkajs send, with topics, partitions and a
   * real record batch.
   */
  static List<Sample> realistic() {
    List<Sample> out = new ArrayList<>();
    int correlationId = 1000;
    for (ApiKeys key :
        List.of(
            ApiKeys.API_VERSIONS,
            ApiKeys.METADATA,
            ApiKeys.PRODUCE,
            ApiKeys.FETCH,
            ApiKeys.LIST_OFFSETS,
            ApiKeys.INIT_PRODUCER_ID,
            ApiKeys.CREATE_TOPICS)) {
      for (short v = key.oldestVersion(); v <= key.latestVersion(); v++) {
        for (ApiMessage body : realisticBodies(key, v)) {
          int corr = correlationId++;
          out.add(new Sample(key, v, corr, body, payload(key, v, corr, CLIENT_ID, body)));
        }
      }
    }
    return out;
  }

  /**
   * The default (empty) request of every API the client library knows, at each of its versions:
   * reaches every generated parser, not only the served ones.
   */
  static List<Sample> defaults() {
    List<Sample> out = new ArrayList<>();
    int correlationId = 1;
    for (ApiKeys key : ApiKeys.values()) {
      for (short v = key.oldestVersion(); v <= key.latestVersion(); v++) {
        ApiMessage body = key.messageType.newRequest();
        int corr = correlationId++;
        out.add(new Sample(key, v, corr, body, payload(key, v, corr, CLIENT_ID, body)));
      }
    }
    return out;
  }

  private static List<ApiMessage> realisticBodies(ApiKeys key, short v) {
    return switch (key) {
      case API_VERSIONS -> List.of(new ApiVersionsRequest.Builder().build(v).data());
      case METADATA ->
          v < 1
              ? List.of()
              : List.of(
                  new MetadataRequest.Builder(List.of("orders", "payments"), true).build(v).data(),
                  MetadataRequest.Builder.allTopics().build(v).data());
      case PRODUCE -> List.of(produce(v, (short) -1), produce(v, (short) 0));
      case FETCH -> List.of(fetch(v));
      case LIST_OFFSETS -> List.of(listOffsets());
      case INIT_PRODUCER_ID ->
          List.of(
              new InitProducerIdRequestData()
                  .setTransactionalId(null)
                  .setTransactionTimeoutMs(60_000)
                  .setProducerId(-1)
                  .setProducerEpoch((short) -1));
      case CREATE_TOPICS -> List.of(createTopics());
      default -> throw new IllegalArgumentException(key.toString());
    };
  }

  static MemoryRecords records() {
    return MemoryRecords.withRecords(
        Compression.NONE,
        new SimpleRecord(1_700_000_000_000L, bytes("k0"), bytes("v0")),
        new SimpleRecord(1_700_000_000_001L, bytes("k1"), bytes("v1")),
        new SimpleRecord(1_700_000_000_002L, null, bytes("a value without a key")));
  }

  private static ProduceRequestData produce(short v, short acks) {
    ProduceRequestData.TopicProduceData topic =
        new ProduceRequestData.TopicProduceData()
            .setPartitionData(
                List.of(
                    new ProduceRequestData.PartitionProduceData().setIndex(0).setRecords(records()),
                    new ProduceRequestData.PartitionProduceData()
                        .setIndex(1)
                        .setRecords(records())));
    if (v >= 13) {
      topic.setTopicId(TOPIC_ID);
    } else {
      topic.setName("orders");
    }
    ProduceRequestData.TopicProduceDataCollection topics =
        new ProduceRequestData.TopicProduceDataCollection();
    topics.add(topic);
    return new ProduceRequestData()
        .setTransactionalId(null)
        .setAcks(acks)
        .setTimeoutMs(30_000)
        .setTopicData(topics);
  }

  private static FetchRequestData fetch(short v) {
    FetchRequestData.FetchTopic topic =
        new FetchRequestData.FetchTopic()
            .setPartitions(
                List.of(
                    new FetchRequestData.FetchPartition()
                        .setPartition(0)
                        .setCurrentLeaderEpoch(0)
                        .setFetchOffset(42)
                        .setLogStartOffset(-1)
                        .setPartitionMaxBytes(1 << 20)));
    if (v >= 13) {
      topic.setTopicId(TOPIC_ID);
    } else {
      topic.setTopic("orders");
    }
    return new FetchRequestData()
        .setReplicaId(-1)
        .setMaxWaitMs(500)
        .setMinBytes(1)
        .setMaxBytes(50 << 20)
        .setIsolationLevel((byte) 0)
        .setSessionId(0)
        .setSessionEpoch(-1)
        .setTopics(List.of(topic))
        .setRackId("");
  }

  private static ListOffsetsRequestData listOffsets() {
    return new ListOffsetsRequestData()
        .setReplicaId(-1)
        .setIsolationLevel((byte) 0)
        .setTopics(
            List.of(
                new ListOffsetsRequestData.ListOffsetsTopic()
                    .setName("orders")
                    .setPartitions(
                        List.of(
                            new ListOffsetsRequestData.ListOffsetsPartition()
                                .setPartitionIndex(0)
                                .setTimestamp(-2),
                            new ListOffsetsRequestData.ListOffsetsPartition()
                                .setPartitionIndex(1)
                                .setTimestamp(-1)))));
  }

  private static CreateTopicsRequestData createTopics() {
    CreateTopicsRequestData.CreatableTopicConfigCollection configs =
        new CreateTopicsRequestData.CreatableTopicConfigCollection();
    configs.add(
        new CreateTopicsRequestData.CreatableTopicConfig()
            .setName("cleanup.policy")
            .setValue("compact"));
    CreateTopicsRequestData.CreatableTopicCollection topics =
        new CreateTopicsRequestData.CreatableTopicCollection();
    topics.add(
        new CreateTopicsRequestData.CreatableTopic()
            .setName("orders")
            .setNumPartitions(3)
            .setReplicationFactor((short) 1)
            .setConfigs(configs));
    return new CreateTopicsRequestData().setTopics(topics).setTimeoutMs(30_000);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
