package dev.meridian.node.group;

import java.util.List;
import java.util.Optional;

/** A {@link GroupQuery} with no groups, for control-plane tests. */
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
