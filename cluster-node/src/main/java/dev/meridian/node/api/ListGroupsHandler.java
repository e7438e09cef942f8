package dev.meridian.node.api;

import dev.meridian.node.group.GroupCoordinator;
import dev.meridian.node.protocol.ApiHandler;
import dev.meridian.node.protocol.KafkaRequest;
import io.vertx.core.Future;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.common.message.ListGroupsRequestData;
import org.apache.kafka.common.message.ListGroupsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * ListGroups 0–5: the groups this node coordinates, of both protocols, with their protocol type,
 * state (v4+, which can filter by state, case-insensitively) and type (v5+: "classic", or
 * "consumer" for KIP-848 groups; it can filter by type, case-insensitively).
 */
public final class ListGroupsHandler implements ApiHandler {
  private final BrokerContext broker;

  public ListGroupsHandler(BrokerContext broker) {
    this.broker = broker;
  }

  @Override
  public ApiKeys apiKey() {
    return ApiKeys.LIST_GROUPS;
  }

  @Override
  public short maxVersion() {
    return 5;
  }

  @Override
  public Future<ApiMessage> handle(KafkaRequest request) {
    ListGroupsRequestData req = request.data();
    short version = request.version();
    Set<String> states = lower(version >= 4 ? req.statesFilter() : null);
    Set<String> types = lower(version >= 5 ? req.typesFilter() : null);
    ListGroupsResponseData resp = new ListGroupsResponseData().setErrorCode(Errors.NONE.code());
    for (GroupCoordinator.ListedGroup g : broker.groups().listGroups()) {
      if (!states.isEmpty() && !states.contains(g.state().toLowerCase(Locale.ROOT))) {
        continue;
      }
      if (!types.isEmpty() && !types.contains(g.type())) {
        continue;
      }
      ListGroupsResponseData.ListedGroup lg =
          new ListGroupsResponseData.ListedGroup()
              .setGroupId(g.groupId())
              .setProtocolType(g.protocolType());
      if (version >= 4) {
        lg.setGroupState(g.state());
      }
      if (version >= 5) {
        lg.setGroupType(g.type());
      }
      resp.groups().add(lg);
    }
    return Future.succeededFuture(resp);
  }

  private static Set<String> lower(java.util.List<String> values) {
    return values == null
        ? Set.of()
        : values.stream().map(v -> v.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
  }
}
