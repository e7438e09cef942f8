package dev.meridian.node.controller;

import dev.meridian.node.metadata.NodeRegistration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Where the replicas of new partitions go, as Kafka's rack-aware assignment does it: the nodes are
 * ordered so that racks alternate ({@code r1-a, r2-a, r3-a, r1-b, ...}); partition {@code p}'s
 * first replica (its preferred leader) is node {@code (start + p) mod n} of that order, so leaders
 * spread evenly; its other replicas follow in the order, shifted by one more step every {@code n}
 * partitions so that followers spread too, skipping nodes in racks the partition already uses while
 * unused racks remain. Nodes without a rack count as one rack each. Pure function.
 */
public final class ReplicaPlacement {
  private ReplicaPlacement() {}

  /**
   * Assigns replicas to {@code count} partitions.
   *
   * @param nodes the nodes to place on (alive ones), any order
   * @param count the number of partitions
   * @param replicationFactor replicas per partition, at most {@code nodes.size()}
   * @param start rotates the leaders so that successive topics start on different nodes
   * @return the replica lists, first replica first
   */
  public static List<List<Integer>> assign(
      List<NodeRegistration> nodes, int count, int replicationFactor, int start) {
    if (replicationFactor > nodes.size() || replicationFactor < 1) {
      throw new IllegalArgumentException(
          "replication factor " + replicationFactor + " on " + nodes.size() + " nodes");
    }
    List<NodeRegistration> order = rackAlternated(nodes);
    int n = order.size();
    List<List<Integer>> out = new ArrayList<>(count);
    for (int p = 0; p < count; p++) {
      int first = Math.floorMod(start + p, n);
      int shift = n > 1 ? Math.floorMod(p / n, n - 1) : 0;
      List<Integer> replicas = new ArrayList<>(replicationFactor);
      Set<String> racks = new HashSet<>();
      NodeRegistration leader = order.get(first);
      replicas.add(leader.id());
      racks.add(rackOf(leader));
      int distinctRacks = (int) order.stream().map(ReplicaPlacement::rackOf).distinct().count();
      for (int k = 0; replicas.size() < replicationFactor && k < 2 * n; k++) {
        NodeRegistration candidate = order.get(Math.floorMod(first + 1 + shift + k, n));
        if (replicas.contains(candidate.id())) {
          continue;
        }
        boolean newRack = !racks.contains(rackOf(candidate));
        if (!newRack && racks.size() < distinctRacks && k < n) {
          continue; // a rack not used yet is still available: prefer it
        }
        replicas.add(candidate.id());
        racks.add(rackOf(candidate));
      }
      out.add(List.copyOf(replicas));
    }
    return out;
  }

  private static String rackOf(NodeRegistration n) {
    return n.rack() == null ? "\u0000node-" + n.id() : n.rack();
  }

  /** Nodes grouped by rack (sorted), ids sorted within a rack, then taken one rack at a time. */
  static List<NodeRegistration> rackAlternated(List<NodeRegistration> nodes) {
    Map<String, List<NodeRegistration>> byRack = new TreeMap<>();
    nodes.stream()
        .sorted((a, b) -> Integer.compare(a.id(), b.id()))
        .forEach(
            n ->
                byRack
                    .computeIfAbsent(
                        Objects.requireNonNullElse(n.rack(), "\uffffno-rack"),
                        r -> new ArrayList<>())
                    .add(n));
    // nodes without a rack: each one its own group, so they simply follow in id order
    Map<String, List<NodeRegistration>> groups = new LinkedHashMap<>();
    byRack.forEach(
        (rack, list) -> {
          if (rack.equals("\uffffno-rack")) {
            list.forEach(n -> groups.put("\uffffnode-" + n.id(), List.of(n)));
          } else {
            groups.put(rack, list);
          }
        });
    List<NodeRegistration> out = new ArrayList<>(nodes.size());
    for (int round = 0; out.size() < nodes.size(); round++) {
      for (List<NodeRegistration> g : groups.values()) {
        if (round < g.size()) {
          out.add(g.get(round));
        }
      }
    }
    return out;
  }
}
