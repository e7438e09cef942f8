package dev.meridian.conformance;

import dev.meridian.config.MeridianConfig;
import dev.meridian.node.MeridianNode;
import dev.meridian.node.group.GroupQuery;
import dev.meridian.testsupport.RegionYaml;
import java.nio.file.Path;

/**
 * A real Meridian node in this JVM on 127.0.0.1 with its own data directory, for black-box
 * scenarios with real clients. The first {@link #start()} binds an ephemeral Kafka port; a restart
 * binds the same port again, so clients created before the restart (with the old bootstrap address
 * and cached metadata) can reconnect, as they would to a restarted broker.
 */
final class MeridianUnderTest implements AutoCloseable {
  /** The id of the node; its data directory is {@code <dataDir>/}{@value #NODE_DIR}. */
  static final int NODE_ID = 1;

  /** The broker setting retentionCheckIntervalMs of the nodes this runs. */
  static final long RETENTION_CHECK_MS = 200;

  /** The node's data directory under the base data directory. */
  static final String NODE_DIR = "east-1";

  private final Path dataDir;
  private final String topicDefaults;
  private MeridianNode node;
  private int kafkaPort;

  /**
   * @param dataDir the base data directory
   * @param topicDefaultsYaml the body of the config's {@code topicDefaults:} section, indented
   */
  MeridianUnderTest(Path dataDir, String topicDefaultsYaml) {
    this.dataDir = dataDir;
    this.topicDefaults = topicDefaultsYaml;
  }

  MeridianUnderTest(Path dataDir) {
    this(dataDir, "  partitions: 1\n");
  }

  /**
   * A one-node region: node {@value #NODE_ID} of region {@code east} on 127.0.0.1, ephemeral ports,
   * data directory {@value #NODE_DIR}; retention checked every {@value #RETENTION_CHECK_MS} ms
   * (RetentionIT), groups formed at once instead of waiting 3 s for more members (GroupIT), and
   * consumer-protocol members heartbeating every {@value #CONSUMER_HEARTBEAT_MS} ms with a session
   * of {@value #CONSUMER_SESSION_MS} ms (ConsumerProtocolGroupIT).
   */
  static RegionYaml region() {
    return RegionYaml.of("east", 1)
        .broker("retentionCheckIntervalMs", RETENTION_CHECK_MS)
        .broker("groupInitialRebalanceDelayMs", 0)
        .broker("groupConsumerSessionTimeoutMs", CONSUMER_SESSION_MS)
        .broker("groupConsumerHeartbeatIntervalMs", CONSUMER_HEARTBEAT_MS);
  }

  /** The broker setting groupConsumerSessionTimeoutMs of the nodes this runs. */
  static final int CONSUMER_SESSION_MS = 6000;

  /** The broker setting groupConsumerHeartbeatIntervalMs of the nodes this runs. */
  static final int CONSUMER_HEARTBEAT_MS = 500;

  /** Starts (or restarts, on the same data directory and Kafka port) the node. */
  MeridianUnderTest start() throws Exception {
    RegionYaml yaml = region().kafkaPort(NODE_ID, kafkaPort);
    for (String line : topicDefaults.strip().split("\n")) {
      String[] kv = line.strip().split(":\\s*", 2);
      yaml.topicDefault(kv[0], kv[1]);
    }
    MeridianConfig config = yaml.config();
    node = new MeridianNode(config, NODE_ID, dataDir);
    node.start();
    kafkaPort = node.kafkaPort();
    org.awaitility.Awaitility.await("node " + NODE_ID + " active")
        .atMost(java.time.Duration.ofSeconds(30))
        .until(node::isActive);
    return this;
  }

  String bootstrap() {
    return "127.0.0.1:" + kafkaPort;
  }

  /** The node's consumer groups, as the coordinator sees them. */
  GroupQuery groups() {
    return node.groups();
  }

  int httpPort() {
    return node.httpPort();
  }

  /**
   * The directory holding the partition logs ({@code <topic>-<partition>/}) of the running node.
   */
  Path logsDir() {
    return node.dataDir().resolve(MeridianNode.LOGS_DIR);
  }

  /** Graceful stop. */
  void stop() {
    if (node != null) {
      node.close();
      node = null;
    }
  }

  @Override
  public void close() {
    stop();
  }
}
