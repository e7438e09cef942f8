package dev.meridian.testsupport;

import dev.meridian.config.MeridianConfig;
import java.nio.file.Path;

/**
 * Starts a node; {@link ChildNode#launcher()} starts child processes, and a test module that has
 * the broker on its class path can start nodes in the test JVM.
 */
@FunctionalInterface
public interface NodeLauncher {
  /**
   * Starts node {@code nodeId} of {@code config} (written at {@code configFile}) with base data
   * directory {@code dataDir}; returns once it has joined its region (not necessarily UP).
   */
  RunningNode start(MeridianConfig config, Path configFile, int nodeId, Path dataDir)
      throws Exception;
}
