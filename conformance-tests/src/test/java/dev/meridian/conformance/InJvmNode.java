package dev.meridian.conformance;

import dev.meridian.node.MeridianNode;
import dev.meridian.testsupport.NodeLauncher;
import dev.meridian.testsupport.RunningNode;

/** A node in the test JVM ({@link MeridianNode}), for regions of several nodes in one process. */
final class InJvmNode implements RunningNode {
  private final int nodeId;
  private final MeridianNode node;

  private InJvmNode(int nodeId, MeridianNode node) {
    this.nodeId = nodeId;
    this.node = node;
  }

  /** Starts nodes in this JVM for a test-support {@code TestRegion}. */
  static NodeLauncher launcher() {
    return (config, configFile, nodeId, dataDir) -> {
      MeridianNode node = new MeridianNode(config, nodeId, dataDir);
      node.start();
      return new InJvmNode(nodeId, node);
    };
  }

  @Override
  public int nodeId() {
    return nodeId;
  }

  @Override
  public int kafkaPort() {
    return node.kafkaPort();
  }

  @Override
  public int httpPort() {
    return node.httpPort();
  }

  @Override
  public boolean isUp() {
    return node.isActive();
  }

  /** The node itself. */
  MeridianNode node() {
    return node;
  }

  @Override
  public void close() {
    node.close();
  }
}
