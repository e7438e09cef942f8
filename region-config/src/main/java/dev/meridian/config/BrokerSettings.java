package dev.meridian.config;

/**
 * Broker settings that are the same for every node of the file: retention and group coordinator
 * timers, consumer lag tracking, and the cluster membership and controller timeouts. The YAML
 * section {@code broker} and each of its keys are optional; a missing key takes the default listed
 * here ({@link #DEFAULTS}).
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>YAML key</th><th>Kafka config</th><th>default</th><th>allowed</th></tr>
 *   <tr><td>{@code retentionCheckIntervalMs}</td><td>{@code log.retention.check.interval.ms}</td>
 *       <td>300000 (5 minutes)</td><td>{@code >= 1}</td></tr>
 *   <tr><td>{@code groupInitialRebalanceDelayMs}</td>
 *       <td>{@code group.initial.rebalance.delay.ms}</td><td>3000</td><td>{@code >= 0}</td></tr>
 *   <tr><td>{@code offsetsRetentionMinutes}</td><td>{@code offsets.retention.minutes}</td>
 *       <td>10080 (7 days)</td><td>{@code >= 1}</td></tr>
 *   <tr><td>{@code offsetsRetentionCheckIntervalMs}</td>
 *       <td>{@code offsets.retention.check.interval.ms}</td><td>600000 (10 minutes)</td>
 *       <td>{@code >= 1}</td></tr>
 *   <tr><td>{@code offsetsTopicPartitions}</td><td>{@code offsets.topic.num.partitions}</td>
 *       <td>10</td><td>{@code 1..10000}</td></tr>
 *   <tr><td>{@code offsetsTopicReplicationFactor}</td>
 *       <td>{@code offsets.topic.replication.factor}</td>
 *       <td>-1: min(3, node count of the region)</td>
 *       <td>-1, or {@code 1..} the node count of the smallest region</td></tr>
 *   <tr><td>{@code lagIntervals}</td><td>(Burrow {@code storage.intervals})</td><td>10</td>
 *       <td>{@code 2..1000}</td></tr>
 *   <tr><td>{@code lagSampleMs}</td><td>-</td><td>10000</td><td>{@code >= 100}</td></tr>
 *   <tr><td>{@code memberHeartbeatSeconds}</td><td>({@code hazelcast.heartbeat.interval.seconds})</td><td>1</td>
 *       <td>{@code >= 1}</td></tr>
 *   <tr><td>{@code memberFailureSeconds}</td><td>({@code hazelcast.max.no.heartbeat.seconds})</td><td>5</td>
 *       <td>{@code >= 1}, more than {@code memberHeartbeatSeconds}</td></tr>
 *   <tr><td>{@code memberMergeDelaySeconds}</td><td>({@code hazelcast.merge.first.run.delay.seconds},
 *       {@code hazelcast.merge.next.run.delay.seconds})</td><td>10</td><td>{@code >= 1}</td></tr>
 *   <tr><td>{@code replicaLagTimeMaxMs}</td><td>{@code replica.lag.time.max.ms}</td>
 *       <td>30000</td><td>{@code >= 1}</td></tr>
 *   <tr><td>{@code leaderImbalanceCheckIntervalSeconds}</td>
 *       <td>{@code leader.imbalance.check.interval.seconds}</td><td>300</td><td>{@code >= 1}</td></tr>
 *   <tr><td>{@code reassignmentThrottleBytesPerSecond}</td>
 *       <td>({@code follower.replication.throttled.rate})</td><td>0 (none)</td>
 *       <td>{@code >= 0}</td></tr>
 *   <tr><td>{@code controllerRequestTimeoutMs}</td><td>-</td><td>30000</td>
 *       <td>{@code >= 1}</td></tr>
 *   <tr><td>{@code failoverDrainTimeoutMs}</td><td>-</td><td>60000</td>
 *       <td>{@code >= 1}</td></tr>
 *   <tr><td>{@code failoverStateTimeoutMs}</td><td>-</td><td>30000</td>
 *       <td>{@code >= 1}</td></tr>
 *   <tr><td>{@code groupConsumerSessionTimeoutMs}</td>
 *       <td>{@code group.consumer.session.timeout.ms}</td><td>45000</td><td>{@code >= 1000}</td></tr>
 *   <tr><td>{@code groupConsumerHeartbeatIntervalMs}</td>
 *       <td>{@code group.consumer.heartbeat.interval.ms}</td><td>5000</td>
 *       <td>{@code >= 100}, less than {@code groupConsumerSessionTimeoutMs}</td></tr>
 * </table>
 *
 * <p>Like the other records, this one does not validate on construction; see {@link
 * MeridianConfig#validate()}.
 *
 * @param retentionCheckIntervalMs milliseconds between retention passes, which delete the segments
 *     that {@code retentionMs} and {@code retentionBytes} no longer keep ({@code
 *     retentionCheckIntervalMs})
 * @param groupInitialRebalanceDelayMs how long the coordinator waits for more members to join a new
 *     (empty) group before its first rebalance ({@code groupInitialRebalanceDelayMs})
 * @param offsetsRetentionMinutes how long the committed offsets of a group that has become empty
 *     are kept ({@code offsetsRetentionMinutes})
 * @param offsetsRetentionCheckIntervalMs milliseconds between checks for expired committed offsets
 *     ({@code offsetsRetentionCheckIntervalMs})
 * @param offsetsTopicPartitions partitions of {@code __consumer_offsets} when it is first created;
 *     changing it later has no effect on the existing topic ({@code offsetsTopicPartitions})
 * @param offsetsTopicReplicationFactor replicas of each {@code __consumer_offsets} partition,
 *     {@code -1} for {@code min(3, node count of the region)} ({@code
 *     offsetsTopicReplicationFactor})
 * @param lagIntervals commits kept per group partition to compute its lag status ({@code
 *     lagIntervals})
 * @param lagSampleMs milliseconds between lag samples ({@code lagSampleMs})
 * @param memberHeartbeatSeconds seconds between the heartbeats of the region's cluster members
 *     ({@code memberHeartbeatSeconds})
 * @param memberFailureSeconds a member silent this long is declared failed; a killed process is
 *     seen at once through its closed connections ({@code memberFailureSeconds})
 * @param memberMergeDelaySeconds how soon, and how often after that, the two sides of a healed
 *     network split look for each other and merge ({@code memberMergeDelaySeconds})
 * @param controllerRequestTimeoutMs how long a node waits for the region's controller to decide a
 *     forwarded admin request (create or delete topics, create partitions, alter configs) before
 *     answering {@code REQUEST_TIMED_OUT} ({@code controllerRequestTimeoutMs})
 * @param replicaLagTimeMaxMs how long an in-sync follower may stay behind its leader before the
 *     leader removes it from the ISR ({@code replicaLagTimeMaxMs})
 * @param leaderImbalanceCheckIntervalSeconds how often the controller moves leadership back to each
 *     partition's preferred replica where that replica is alive and in sync ({@code
 *     leaderImbalanceCheckIntervalSeconds})
 * @param reassignmentThrottleBytesPerSecond the most bytes a second a node copies for the replicas
 *     a reassignment adds to it, {@code 0} for no limit ({@code
 *     reassignmentThrottleBytesPerSecond})
 * @param failoverDrainTimeoutMs how long a planned failover waits for the mirror to catch up before
 *     it rolls back, and a failback for its reverse link ({@code failoverDrainTimeoutMs})
 * @param failoverStateTimeoutMs how long a failover state retries a retriable failure before the
 *     operation rolls back or fails ({@code failoverStateTimeoutMs})
 * @param groupConsumerSessionTimeoutMs how long a member of a consumer-protocol group (KIP-848,
 *     {@code group.protocol=consumer}) may go without a heartbeat before it leaves the group
 *     ({@code groupConsumerSessionTimeoutMs})
 * @param groupConsumerHeartbeatIntervalMs how often such members are told to heartbeat ({@code
 *     groupConsumerHeartbeatIntervalMs})
 */
public record BrokerSettings(
    long retentionCheckIntervalMs,
    int groupInitialRebalanceDelayMs,
    long offsetsRetentionMinutes,
    long offsetsRetentionCheckIntervalMs,
    int offsetsTopicPartitions,
    short offsetsTopicReplicationFactor,
    int lagIntervals,
    long lagSampleMs,
    int memberHeartbeatSeconds,
    int memberFailureSeconds,
    int memberMergeDelaySeconds,
    long controllerRequestTimeoutMs,
    long replicaLagTimeMaxMs,
    int leaderImbalanceCheckIntervalSeconds,
    long reassignmentThrottleBytesPerSecond,
    long failoverDrainTimeoutMs,
    long failoverStateTimeoutMs,
    int groupConsumerSessionTimeoutMs,
    int groupConsumerHeartbeatIntervalMs) {

  /** The settings with the consumer-protocol group timers at their defaults. */
  public BrokerSettings(
      long retentionCheckIntervalMs,
      int groupInitialRebalanceDelayMs,
      long offsetsRetentionMinutes,
      long offsetsRetentionCheckIntervalMs,
      int offsetsTopicPartitions,
      short offsetsTopicReplicationFactor,
      int lagIntervals,
      long lagSampleMs,
      int memberHeartbeatSeconds,
      int memberFailureSeconds,
      int memberMergeDelaySeconds,
      long controllerRequestTimeoutMs,
      long replicaLagTimeMaxMs,
      int leaderImbalanceCheckIntervalSeconds,
      long reassignmentThrottleBytesPerSecond,
      long failoverDrainTimeoutMs,
      long failoverStateTimeoutMs) {
    this(
        retentionCheckIntervalMs,
        groupInitialRebalanceDelayMs,
        offsetsRetentionMinutes,
        offsetsRetentionCheckIntervalMs,
        offsetsTopicPartitions,
        offsetsTopicReplicationFactor,
        lagIntervals,
        lagSampleMs,
        memberHeartbeatSeconds,
        memberFailureSeconds,
        memberMergeDelaySeconds,
        controllerRequestTimeoutMs,
        replicaLagTimeMaxMs,
        leaderImbalanceCheckIntervalSeconds,
        reassignmentThrottleBytesPerSecond,
        failoverDrainTimeoutMs,
        failoverStateTimeoutMs,
        45_000,
        5_000);
  }

  /** The settings with the replication and failover ones at their defaults. */
  public BrokerSettings(
      long retentionCheckIntervalMs,
      int groupInitialRebalanceDelayMs,
      long offsetsRetentionMinutes,
      long offsetsRetentionCheckIntervalMs,
      int offsetsTopicPartitions,
      short offsetsTopicReplicationFactor,
      int lagIntervals,
      long lagSampleMs,
      int memberHeartbeatSeconds,
      int memberFailureSeconds,
      int memberMergeDelaySeconds,
      long controllerRequestTimeoutMs) {
    this(
        retentionCheckIntervalMs,
        groupInitialRebalanceDelayMs,
        offsetsRetentionMinutes,
        offsetsRetentionCheckIntervalMs,
        offsetsTopicPartitions,
        offsetsTopicReplicationFactor,
        lagIntervals,
        lagSampleMs,
        memberHeartbeatSeconds,
        memberFailureSeconds,
        memberMergeDelaySeconds,
        controllerRequestTimeoutMs,
        30_000L,
        300,
        0L,
        60_000L,
        30_000L);
  }

  /** The largest allowed {@code offsetsTopicPartitions}. */
  public static final int MAX_OFFSETS_TOPIC_PARTITIONS = 10_000;

  /** The smallest allowed {@code lagIntervals}. */
  public static final int MIN_LAG_INTERVALS = 2;

  /** The largest allowed {@code lagIntervals}. */
  public static final int MAX_LAG_INTERVALS = 1_000;

  /** The smallest allowed {@code lagSampleMs}. */
  public static final long MIN_LAG_SAMPLE_MS = 100;

  /** The defaults: the values used for every key missing from the YAML. */
  public static final BrokerSettings DEFAULTS =
      new BrokerSettings(
          300_000L,
          3_000,
          10_080L,
          600_000L,
          10,
          TopicDefaults.REGION_REPLICATION_FACTOR,
          10,
          10_000L,
          1,
          5,
          10,
          30_000L,
          30_000L,
          300,
          0L,
          60_000L,
          30_000L,
          45_000,
          5_000);

  /**
   * The replication factor of {@code __consumer_offsets} in a region: {@link
   * #offsetsTopicReplicationFactor()} if it is positive, else ({@code -1}) {@code min(3,
   * regionNodes)}.
   *
   * @param regionNodes the number of nodes configured in the region
   * @return the replication factor to use
   */
  public short effectiveOffsetsTopicReplicationFactor(int regionNodes) {
    return TopicDefaults.effective(offsetsTopicReplicationFactor, regionNodes);
  }
}
