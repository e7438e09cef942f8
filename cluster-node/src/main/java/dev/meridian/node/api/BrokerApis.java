package dev.meridian.node.api;

import dev.meridian.node.protocol.ApiRegistry;

/**
 * The Kafka APIs a broker serves, one handler per key; the registry is also the ApiVersions table.
 */
public final class BrokerApis {
  private BrokerApis() {}

  /**
   * The broker's handlers over {@code broker}. Handlers only use {@code broker} while handling a
   * request, so a registry built over {@code null} is a faithful version table (decoder tests).
   */
  public static ApiRegistry registry(BrokerContext broker) {
    ApiRegistry registry = new ApiRegistry();
    return registry
        .register(new ApiVersionsHandler(registry, broker))
        .register(new MetadataHandler(broker))
        .register(new ProduceHandler(broker))
        .register(new FetchHandler(broker))
        .register(new ListOffsetsHandler(broker))
        .register(new InitProducerIdHandler(broker))
        .register(new CreateTopicsHandler(broker))
        .register(new DeleteTopicsHandler(broker))
        .register(new CreatePartitionsHandler(broker))
        .register(new DeleteRecordsHandler(broker))
        .register(new DescribeConfigsHandler(broker))
        .register(new IncrementalAlterConfigsHandler(broker))
        .register(new DescribeClusterHandler(broker))
        .register(new FindCoordinatorHandler(broker))
        .register(new JoinGroupHandler(broker))
        .register(new SyncGroupHandler(broker))
        .register(new HeartbeatHandler(broker))
        .register(new LeaveGroupHandler(broker))
        .register(new OffsetCommitHandler(broker))
        .register(new OffsetFetchHandler(broker))
        .register(new ListGroupsHandler(broker))
        .register(new DescribeGroupsHandler(broker))
        .register(new ConsumerGroupHeartbeatHandler(broker))
        .register(new ConsumerGroupDescribeHandler(broker))
        .register(new DeleteGroupsHandler(broker))
        .register(new OffsetDeleteHandler(broker))
        .register(new OffsetForLeaderEpochHandler(broker))
        .register(new ElectLeadersHandler(broker))
        .register(new AlterPartitionReassignmentsHandler(broker))
        .register(new ListPartitionReassignmentsHandler(broker))
        .register(new DescribeLogDirsHandler(broker));
  }
}
