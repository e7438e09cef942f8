package dev.meridian.node.protocol;

import dev.meridian.config.ConfigLoader;
import dev.meridian.node.MeridianNode;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/** A real node in this JVM on 127.0.0.1, ephemeral ports, for protocol integration tests. */
final class TestNode implements AutoCloseable {
  private final MeridianNode node;

  private TestNode(MeridianNode node) {
    this.node = node;
  }

  /**
   * Starts one node in {@code dataDir}.
   *
   * @param topicDefaultsYaml the {@code topicDefaults} block, indented by two spaces
   */
  static TestNode start(Path dataDir, String topicDefaultsYaml) throws Exception {
    String yaml =
        "regions:\n  - name: east\n    nodes:\n      - id: 1\n        host: 127.0.0.1\n"
            + "        kafkaPort: 0\n        httpPort: 0\n        dataDir: east-1\n"
            + "topicDefaults:\n"
            + topicDefaultsYaml;
    MeridianNode node =
        new MeridianNode(ConfigLoader.parse(yaml, "protocol-test.yaml"), 1, dataDir);
    node.start();
    return new TestNode(node);
  }

  int kafkaPort() {
    return node.kafkaPort();
  }

  String bootstrap() {
    return "127.0.0.1:" + node.kafkaPort();
  }

  /** Creates single-partition topics through the Admin client. */
  void createTopics(String... names) throws Exception {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
    try (Admin admin = Admin.create(p)) {
      admin
          .createTopics(Arrays.stream(names).map(n -> new NewTopic(n, 1, (short) 1)).toList())
          .all()
          .get();
    }
  }

  @Override
  public void close() {
    node.close();
  }
}
