package dev.meridian.node.replication;

import dev.meridian.node.storage.LogConfig;
import dev.meridian.node.storage.LogManager;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The partitions this node hosts, over the node's {@link LogManager}. Thread-safe. */
public final class ReplicaManager {
  private final LogManager logs;
  private final Map<String, Partition> partitions = new ConcurrentHashMap<>();

  public ReplicaManager(LogManager logs) {
    this.logs = logs;
  }

  private static String key(String topic, int index) {
    return topic + "-" + index;
  }

  public Optional<Partition> partition(String topic, int index) {
    return Optional.ofNullable(partitions.get(key(topic, index)));
  }

  /** Opens (creating if needed) a partition's log with {@code config}; blocking. */
  public Partition ensurePartition(String topic, int index, LogConfig config) {
    return partitions.computeIfAbsent(
        key(topic, index),
        k -> {
          var log = logs.getOrCreate(topic, index, config);
          log.updateConfig(config);
          return new Partition(topic, index, log, 0);
        });
  }

  /** Applies new log settings to every open partition of {@code topic}. */
  public void updateConfig(String topic, int partitionCount, LogConfig config) {
    for (int i = 0; i < partitionCount; i++) {
      partition(topic, i).ifPresent(p -> p.log().updateConfig(config));
    }
  }

  /** Closes and deletes the logs of a topic's partitions; blocking. */
  public void deleteTopic(String topic, int partitionCount) throws IOException {
    for (int i = 0; i < partitionCount; i++) {
      partitions.remove(key(topic, i));
      logs.delete(topic, i);
    }
  }
}
