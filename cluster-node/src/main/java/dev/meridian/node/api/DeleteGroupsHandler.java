package dev.meridian.node.api;

import dev.meridian.node.protocol.ApiHandler;
import dev.meridian.node.protocol.KafkaRequest;
import io.vertx.core.Future;
import java.util.LinkedHashSet;
import java.util.List;
import org.apache.kafka.common.message.DeleteGroupsRequestData;
import org.apache.kafka.common.message.DeleteGroupsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

/**
 * DeleteGroups 0–2: deletes groups without members together with their committed offsets
 * (tombstones in the offsets topic). GROUP_ID_NOT_FOUND for an unknown group, NON_EMPTY_GROUP while
 * it has members.
 */
public final class DeleteGroupsHandler implements ApiHandler {
  private final BrokerContext broker;

  public DeleteGroupsHandler(BrokerContext broker) {
    this.broker = broker;
  }

  @Override
  public ApiKeys apiKey() {
    return ApiKeys.DELETE_GROUPS;
  }

  @Override
  public short maxVersion() {
    return 2;
  }

  @Override
  public Future<ApiMessage> handle(KafkaRequest request) {
    DeleteGroupsRequestData req = request.data();
    List<String> ids = List.copyOf(new LinkedHashSet<>(req.groupsNames()));
    return BrokerContext.future(broker.groups().deleteGroups(ids))
        .map(
            results -> {
              DeleteGroupsResponseData resp = new DeleteGroupsResponseData();
              results.forEach(
                  (id, error) ->
                      resp.results()
                          .add(
                              new DeleteGroupsResponseData.DeletableGroupResult()
                                  .setGroupId(id)
                                  .setErrorCode(error.code())));
              return resp;
            });
  }
}
