package dev.meridian.node.cluster;

import dev.meridian.node.replication.Partition;
import dev.meridian.node.replication.ReplicaManager;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.protocol.Errors;

/**
 * Topic administration of a node: create, delete, add partitions, alter configs. Keeps the {@link
 * TopicStore} image and the hosted partitions in step. All methods block (file I/O): call them from
 * workers. Thread-safe (serialised).
 */
public final class TopicManager {
  /** A refused admin operation: the Kafka error code name and a message for the client. */
  public static final class TopicException extends Exception {
    private final Errors error;

    public TopicException(Errors error, String message) {
      super(message);
      this.error = error;
    }

    public Errors error() {
      return error;
    }
  }

  private final TopicStore store;
  private final ReplicaManager replicas;
  private final TopicConfigs configs;
  private final int defaultPartitions;

  public TopicManager(
      TopicStore store, ReplicaManager replicas, TopicConfigs configs, int defaultPartitions) {
    this.store = store;
    this.replicas = replicas;
    this.configs = configs;
    this.defaultPartitions = defaultPartitions;
  }

  /**
   * Whether {@code name} is an internal topic (Kafka's list: {@code __consumer_offsets}, {@code
   * __transaction_state}, ...): clients cannot produce to it, delete it or add partitions.
   */
  public static boolean isInternal(String name) {
    return Topic.isInternal(name);
  }

  public TopicConfigs configs() {
    return configs;
  }

  public int defaultPartitions() {
    return defaultPartitions;
  }

  public Map<String, TopicMetadata> topics() {
    return store.topics();
  }

  public Optional<TopicMetadata> topic(String name) {
    return store.topic(name);
  }

  /** The topic with id {@code id}, if it exists. */
  public Optional<TopicMetadata> topicById(Uuid id) {
    return store.topics().values().stream().filter(t -> t.id().equals(id)).findFirst();
  }

  /** Opens the partitions of every known topic (at startup). */
  public synchronized void openAll() {
    for (TopicMetadata t : store.topics().values()) {
      for (int i = 0; i < t.partitions(); i++) {
        replicas.ensurePartition(t.name(), i, configs.logConfig(t.configs()));
      }
    }
  }

  /**
   * The hosted partition, if the topic and partition exist. Lock-free when the partition is open
   * (the produce and fetch path); opening one takes the manager's lock and re-checks the topic, so
   * a concurrent delete can never bring a deleted partition's directory back.
   */
  public Optional<Partition> partition(String topic, int index) {
    TopicMetadata t = store.topics().get(topic);
    if (t == null || index < 0 || index >= t.partitions()) {
      return Optional.empty();
    }
    Optional<Partition> open = replicas.partition(topic, index);
    return open.isPresent() ? open : openPartition(topic, index);
  }

  private synchronized Optional<Partition> openPartition(String topic, int index) {
    TopicMetadata t = store.topics().get(topic);
    if (t == null || index >= t.partitions()) {
      return Optional.empty();
    }
    return Optional.of(replicas.ensurePartition(topic, index, configs.logConfig(t.configs())));
  }

  /**
   * Validates a creation request without applying it.
   *
   * @param partitions the count, or -1 for the default
   */
  public void validateCreate(
      String name, int partitions, short replicationFactor, Map<String, String> overrides)
      throws TopicException {
    try {
      Topic.validate(name);
    } catch (RuntimeException e) {
      throw new TopicException(Errors.INVALID_TOPIC_EXCEPTION, e.getMessage());
    }
    if (store.topics().containsKey(name)) {
      throw new TopicException(Errors.TOPIC_ALREADY_EXISTS, "Topic '" + name + "' already exists.");
    }
    if (partitions == 0 || partitions < -1) {
      throw new TopicException(
          Errors.INVALID_PARTITIONS,
          "Number of partitions must be larger than 0, was " + partitions);
    }
    if (replicationFactor == 0 || replicationFactor < -1) {
      throw new TopicException(
          Errors.INVALID_REPLICATION_FACTOR,
          "Replication factor must be larger than 0, was " + replicationFactor);
    }
    if (replicationFactor > 1) {
      throw new TopicException(
          Errors.INVALID_REPLICATION_FACTOR,
          "Replication factor " + replicationFactor + " is larger than the 1 available broker");
    }
    for (Map.Entry<String, String> e : overrides.entrySet()) {
      String problem = configs.validate(e.getKey(), e.getValue());
      if (problem != null) {
        throw new TopicException(Errors.INVALID_CONFIG, problem);
      }
    }
  }

  public synchronized TopicMetadata create(
      String name, int partitions, short replicationFactor, Map<String, String> overrides)
      throws TopicException, IOException {
    validateCreate(name, partitions, replicationFactor, overrides);
    int count = partitions == -1 ? defaultPartitions : partitions;
    Map<String, String> kept = new LinkedHashMap<>();
    overrides.forEach(
        (k, v) -> {
          if (v != null) {
            kept.put(k, v);
          }
        });
    TopicMetadata t = store.create(name, count, kept);
    for (int i = 0; i < count; i++) {
      replicas.ensurePartition(name, i, configs.logConfig(t.configs()));
    }
    return t;
  }

  /** Creates an internal topic (the node's own, e.g. the offsets topic) with one replica. */
  public synchronized TopicMetadata createInternal(
      String name, int partitions, Map<String, String> overrides)
      throws TopicException, IOException {
    return create(name, partitions, (short) 1, overrides);
  }

  public synchronized TopicMetadata delete(String name) throws TopicException, IOException {
    if (isInternal(name) && store.topics().containsKey(name)) {
      throw new TopicException(
          Errors.INVALID_TOPIC_EXCEPTION, "Cannot delete internal topic '" + name + "'.");
    }
    TopicMetadata t = store.delete(name).orElseThrow(() -> unknownTopic(name));
    replicas.deleteTopic(name, t.partitions());
    return t;
  }

  /** Grows a topic to {@code total} partitions. */
  public synchronized TopicMetadata addPartitions(String name, int total, boolean validateOnly)
      throws TopicException, IOException {
    if (isInternal(name) && store.topics().containsKey(name)) {
      throw new TopicException(
          Errors.INVALID_REQUEST,
          "The partition count of internal topic '" + name + "' cannot change.");
    }
    TopicMetadata t = store.topic(name).orElseThrow(() -> unknownTopic(name));
    if (total <= t.partitions()) {
      throw new TopicException(
          Errors.INVALID_PARTITIONS,
          "Topic currently has "
              + t.partitions()
              + " partitions, which is higher than or equal to the requested "
              + total
              + ".");
    }
    if (validateOnly) {
      return t.withPartitions(total);
    }
    TopicMetadata grown = t.withPartitions(total);
    store.update(grown);
    for (int i = t.partitions(); i < total; i++) {
      replicas.ensurePartition(name, i, configs.logConfig(grown.configs()));
    }
    return grown;
  }

  /** Replaces a topic's overrides (already validated by the caller) and applies them live. */
  public synchronized TopicMetadata setConfigs(String name, Map<String, String> overrides)
      throws TopicException, IOException {
    TopicMetadata t = store.topic(name).orElseThrow(() -> unknownTopic(name));
    TopicMetadata updated = t.withConfigs(overrides);
    store.update(updated);
    replicas.updateConfig(name, updated.partitions(), configs.logConfig(updated.configs()));
    return updated;
  }

  /**
   * Applies incremental config operations to a topic's overrides atomically (no concurrent change
   * is lost), validating every changed value; with {@code validateOnly} nothing is stored.
   *
   * @return the topic with its new overrides
   */
  public synchronized TopicMetadata alterConfigs(
      String name, List<TopicConfigUpdate.Op> ops, boolean validateOnly)
      throws TopicException, IOException {
    TopicMetadata t = store.topic(name).orElseThrow(() -> unknownTopic(name));
    Map<String, String> next = TopicConfigUpdate.apply(configs, t.configs(), ops);
    return validateOnly ? t.withConfigs(next) : setConfigs(name, next);
  }

  private static TopicException unknownTopic(String name) {
    return new TopicException(
        Errors.UNKNOWN_TOPIC_OR_PARTITION, "Topic '" + name + "' does not exist.");
  }
}
