package dev.meridian.node.group;

import java.util.List;
import java.util.Optional;

/**
 * The {@link GroupQuery} of a node that has no group coordinator: there are no groups. It stands in
 * for the coordinator at the one place a node obtains its groups ({@code KafkaBroker.groups()})
 * until the coordinator is merged; nothing else refers to it.
 */
public final class EmptyGroupQuery implements GroupQuery {

  /** The one instance. */
  public static final EmptyGroupQuery INSTANCE = new EmptyGroupQuery();

  private EmptyGroupQuery() {}

  @Override
  public List<GroupSummary> groups() {
    return List.of();
  }

  @Override
  public Optional<GroupDetail> group(String groupId) {
    return Optional.empty();
  }
}
