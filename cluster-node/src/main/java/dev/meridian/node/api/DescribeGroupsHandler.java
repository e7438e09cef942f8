package dev.meridian.node.api;

import dev.meridian.node.protocol.ApiHandler;
import dev.meridian.node.protocol.KafkaRequest;
import io.vertx.core.Future;
import java.util.Set;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.DescribeGroupsRequestData;
import org.apache.kafka.common.message.DescribeGroupsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.utils.Utils;

/**
 * DescribeGroups 0–5: state, protocol type and, once Stable, the selected protocol and each
 * member's metadata and assignment. An unknown group is "Dead" without members and without an error
 * (as Kafka answers before v6). Without authorization, authorized operations (v3+, when asked) are
 * every group operation: READ, DESCRIBE, DELETE.
 */
public final class DescribeGroupsHandler implements ApiHandler {
  /** Every group operation, what authorized operations are without authorization. */
  static final int ALL_GROUP_OPERATIONS =
      Utils.to32BitField(
          Set.of(
              AclOperation.READ.code(), AclOperation.DESCRIBE.code(), AclOperation.DELETE.code()));

  private final BrokerContext broker;

  public DescribeGroupsHandler(BrokerContext broker) {
    this.broker = broker;
  }

  @Override
  public ApiKeys apiKey() {
    return ApiKeys.DESCRIBE_GROUPS;
  }

  @Override
  public short maxVersion() {
    return 5;
  }

  @Override
  public Future<ApiMessage> handle(KafkaRequest request) {
    DescribeGroupsRequestData req = request.data();
    boolean withOperations = request.version() >= 3 && req.includeAuthorizedOperations();
    DescribeGroupsResponseData resp = new DescribeGroupsResponseData();
    for (String id : req.groups()) {
      Errors error = broker.groups().coordinatorError(id);
      DescribeGroupsResponseData.DescribedGroup g =
          error == Errors.NONE
              ? broker.groups().describe(id)
              : new DescribeGroupsResponseData.DescribedGroup()
                  .setGroupId(id)
                  .setErrorCode(error.code())
                  .setGroupState("")
                  .setProtocolType("")
                  .setProtocolData("");
      if (withOperations) {
        g.setAuthorizedOperations(ALL_GROUP_OPERATIONS);
      }
      resp.groups().add(g);
    }
    return Future.succeededFuture(resp);
  }
}
