package dev.meridian.node.api;

import dev.meridian.config.BrokerSettings;
import dev.meridian.config.TopicDefaults;
import dev.meridian.node.metadata.DynamicNodeConfigs;
import dev.meridian.node.metadata.TopicConfigDef;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigType;

/**
 * How DescribeConfigs presents each topic config: its data type, the name of the broker-level
 * config Kafka uses for the node-wide default (its "synonym"), and Kafka's documentation text (the
 * keys have Kafka's meanings), all from {@link TopicConfigDef}; the documentation of a key Meridian
 * stores without acting on it says so. A key missing here is shown with type UNKNOWN.
 */
final class ConfigDescriptions {
  /**
   * @param type the data type
   * @param brokerName the broker-level default's name in Kafka, e.g. {@code log.retention.ms}
   * @param doc the documentation
   */
  record Description(ConfigType type, String brokerName, String doc) {}

  private static final Description UNKNOWN = new Description(ConfigType.UNKNOWN, null, null);

  private static final Map<String, Description> TOPIC = topicDescriptions();

  private static Map<String, Description> topicDescriptions() {
    Map<String, Description> m = new LinkedHashMap<>();
    for (TopicConfigDef d : TopicConfigDef.ALL.values()) {
      String doc = d.applies() ? d.doc() : d.doc() + " (Meridian stores this setting only.)";
      m.put(d.name(), new Description(ConfigType.valueOf(d.type().name()), d.brokerName(), doc));
    }
    return Map.copyOf(m);
  }

  /**
   * A broker setting of the region config, under its Kafka name where Kafka has one (else {@code
   * meridian.*}).
   */
  record BrokerSetting(String name, String value, ConfigType type, String doc) {}

  /**
   * The region's broker settings (the {@code broker} section and the topic defaults that are not
   * topic configs) as DescribeConfigs(BROKER) lists them, sorted by name.
   */
  static List<BrokerSetting> brokerSettings(BrokerSettings b, TopicDefaults d, int regionNodes) {
    List<BrokerSetting> out = new ArrayList<>();
    out.add(
        new BrokerSetting(
            "auto.create.topics.enable",
            Boolean.toString(d.autoCreateTopics()),
            ConfigType.BOOLEAN,
            "Whether Metadata requests create unknown topics (topicDefaults.autoCreateTopics)."));
    out.add(
        new BrokerSetting(
            "default.replication.factor",
            Short.toString(d.effectiveReplicationFactor(regionNodes)),
            ConfigType.SHORT,
            "Replicas of a new topic's partitions (topicDefaults.replicationFactor)."));
    out.add(
        new BrokerSetting(
            "group.consumer.heartbeat.interval.ms",
            Integer.toString(b.groupConsumerHeartbeatIntervalMs()),
            ConfigType.INT,
            "How often members of consumer-protocol (KIP-848) groups heartbeat."));
    out.add(
        new BrokerSetting(
            "group.consumer.session.timeout.ms",
            Integer.toString(b.groupConsumerSessionTimeoutMs()),
            ConfigType.INT,
            "How long a consumer-protocol member may go without a heartbeat before it leaves."));
    out.add(
        new BrokerSetting(
            "group.initial.rebalance.delay.ms",
            Integer.toString(b.groupInitialRebalanceDelayMs()),
            ConfigType.INT,
            "How long a new group waits for more members before its first rebalance."));
    out.add(
        new BrokerSetting(
            "leader.imbalance.check.interval.seconds",
            Integer.toString(b.leaderImbalanceCheckIntervalSeconds()),
            ConfigType.INT,
            "How often leadership moves back to preferred replicas that are alive and in sync."));
    out.add(
        new BrokerSetting(
            "log.retention.check.interval.ms",
            Long.toString(b.retentionCheckIntervalMs()),
            ConfigType.LONG,
            "Milliseconds between two retention passes over the partition logs."));
    out.add(
        new BrokerSetting(
            "meridian.controller.request.timeout.ms",
            Long.toString(b.controllerRequestTimeoutMs()),
            ConfigType.LONG,
            "How long a node waits for the region's controller to decide a forwarded change."));
    out.add(
        new BrokerSetting(
            "meridian.lag.intervals",
            Integer.toString(b.lagIntervals()),
            ConfigType.INT,
            "Commits kept per group partition to rate its lag status."));
    out.add(
        new BrokerSetting(
            "meridian.lag.sample.ms",
            Long.toString(b.lagSampleMs()),
            ConfigType.LONG,
            "Milliseconds between two samples of the groups' lag."));
    out.add(
        new BrokerSetting(
            "meridian.member.failure.seconds",
            Integer.toString(b.memberFailureSeconds()),
            ConfigType.INT,
            "A region member silent this long is declared failed."));
    out.add(
        new BrokerSetting(
            "meridian.member.heartbeat.seconds",
            Integer.toString(b.memberHeartbeatSeconds()),
            ConfigType.INT,
            "Seconds between the heartbeats of the region's members."));
    out.add(
        new BrokerSetting(
            "meridian.member.merge.delay.seconds",
            Integer.toString(b.memberMergeDelaySeconds()),
            ConfigType.INT,
            "How soon the two sides of a healed network split merge again."));
    out.add(
        new BrokerSetting(
            "num.partitions",
            Integer.toString(d.partitions()),
            ConfigType.INT,
            "Partitions of a new topic that names none (topicDefaults.partitions)."));
    out.add(
        new BrokerSetting(
            "offsets.retention.check.interval.ms",
            Long.toString(b.offsetsRetentionCheckIntervalMs()),
            ConfigType.LONG,
            "Milliseconds between two checks for expired committed offsets."));
    out.add(
        new BrokerSetting(
            "offsets.retention.minutes",
            Long.toString(b.offsetsRetentionMinutes()),
            ConfigType.INT,
            "How long the committed offsets of an empty group are kept."));
    out.add(
        new BrokerSetting(
            "offsets.topic.num.partitions",
            Integer.toString(b.offsetsTopicPartitions()),
            ConfigType.INT,
            "Partitions of __consumer_offsets when it is created."));
    out.add(
        new BrokerSetting(
            "meridian.reassignment.throttle.bytes.per.second",
            Long.toString(b.reassignmentThrottleBytesPerSecond()),
            ConfigType.LONG,
            "The most bytes a second a node copies for replicas a reassignment adds to it (0: no"
                + " limit), unless follower.replication.throttled.rate is set for the node."));
    out.add(
        new BrokerSetting(
            "replica.lag.time.max.ms",
            Long.toString(b.replicaLagTimeMaxMs()),
            ConfigType.LONG,
            "How long an in-sync follower may stay behind before it leaves the ISR."));
    out.add(
        new BrokerSetting(
            "offsets.topic.replication.factor",
            Short.toString(b.effectiveOffsetsTopicReplicationFactor(regionNodes)),
            ConfigType.SHORT,
            "Replicas of each __consumer_offsets partition."));
    return out;
  }

  private ConfigDescriptions() {}

  /** The documentation of a dynamic node config. */
  static String dynamicDoc(String key) {
    return key.equals(DynamicNodeConfigs.LEADER_RATE)
        ? "Bytes a second this node, as leader, serves to out-of-sync followers of the replicas"
            + " listed in leader.replication.throttled.replicas (dynamic, per node)."
        : "Bytes a second this node, as an out-of-sync follower, fetches for the replicas listed"
            + " in follower.replication.throttled.replicas and those a reassignment adds to it"
            + " (dynamic, per node; replaces meridian.reassignment.throttle.bytes.per.second).";
  }

  /** The description of topic config {@code key}. */
  static Description topic(String key) {
    return TOPIC.getOrDefault(key, UNKNOWN);
  }
}
