package dev.meridian.node.api;

import dev.meridian.node.protocol.ApiHandler;
import dev.meridian.node.protocol.KafkaRequest;
import io.vertx.core.Future;
import org.apache.kafka.common.message.ConsumerGroupDescribeRequestData;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

/**
 * ConsumerGroupDescribe 0–1 (KIP-848): each consumer-protocol group's state, epochs, assignor and
 * members with their subscriptions, current and target assignments. A classic group answers
 * GROUP_ID_NOT_FOUND ("is not a consumer group"), after which the Admin client describes it with
 * DescribeGroups, so {@code kafka-consumer-groups --describe} shows groups of both protocols.
 * Without authorization, authorized operations (when asked) are every group operation.
 */
public final class ConsumerGroupDescribeHandler implements ApiHandler {
  private final BrokerContext broker;

  public ConsumerGroupDescribeHandler(BrokerContext broker) {
    this.broker = broker;
  }

  @Override
  public ApiKeys apiKey() {
    return ApiKeys.CONSUMER_GROUP_DESCRIBE;
  }

  @Override
  public short maxVersion() {
    return 1;
  }

  @Override
  public Future<ApiMessage> handle(KafkaRequest request) {
    ConsumerGroupDescribeRequestData req = request.data();
    ConsumerGroupDescribeResponseData resp = new ConsumerGroupDescribeResponseData();
    for (String id : req.groupIds()) {
      ConsumerGroupDescribeResponseData.DescribedGroup g = broker.groups().consumerDescribe(id);
      if (req.includeAuthorizedOperations()) {
        g.setAuthorizedOperations(DescribeGroupsHandler.ALL_GROUP_OPERATIONS);
      }
      resp.groups().add(g);
    }
    return Future.succeededFuture(resp);
  }
}
