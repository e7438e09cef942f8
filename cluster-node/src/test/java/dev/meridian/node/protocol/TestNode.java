package dev.meridian.node.protocol;

import dev.meridian.node.MeridianNode;
import dev.meridian.testsupport.RegionYaml;
import dev.meridian.testsupport.Wait;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Properties;
import java.util.function.UnaryOperator;
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
   * Starts one node (a region of its own) in {@code dataDir} and waits until it is active.
   *
   * @param settings adds topic defaults and broker settings to the region config
   */
  static TestNode start(Path dataDir, UnaryOperator<RegionYaml> settings) throws Exception {
    MeridianNode node =
        new MeridianNode(settings.apply(RegionYaml.of("east", 1)).config(), 1, dataDir);
    node.start();
    Wait.until("node active", node::isActive);
    return new TestNode(node);
  }

  /** The node's metadata service (the region's image, requests to its controller). */
  dev.meridian.node.cluster.MetadataService metadata() {
    return node.metadata();
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
