package dev.meridian.conformance;

import dev.meridian.testsupport.ChildNode;
import dev.meridian.testsupport.RegionYaml;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A one-node region whose node runs as a child process ({@link ChildNode}), so that a scenario can
 * kill it with SIGKILL: {@link MeridianUnderTest}'s region config with a fixed Kafka port, so a
 * restarted node comes back where the clients knew it.
 */
final class NodeProcess implements AutoCloseable {
  private final ChildNode node;

  NodeProcess(Path dataDir) {
    RegionYaml yaml = MeridianUnderTest.region().fixedKafkaPorts();
    Path config = yaml.write(dataDir.resolve("region.yaml"));
    this.node =
        new ChildNode(
            config,
            MeridianUnderTest.NODE_ID,
            dataDir,
            dataDir.resolve(yaml.node(MeridianUnderTest.NODE_ID).dataDir()));
  }

  /** Starts (or restarts) the node process and waits until it is UP. */
  NodeProcess start() {
    node.start().awaitUp(Duration.ofSeconds(60));
    return this;
  }

  String bootstrap() {
    return node.bootstrap();
  }

  /** Kills the node with SIGKILL; returns the exit code (137). */
  int kill9() {
    return node.kill9();
  }

  /** What the node process printed so far. */
  String output() {
    return node.output();
  }

  @Override
  public void close() {
    node.close();
  }
}
