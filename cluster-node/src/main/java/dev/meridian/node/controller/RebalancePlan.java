package dev.meridian.node.controller;

import dev.meridian.node.metadata.MetadataImage;
import dev.meridian.node.metadata.NodeRegistration;
import dev.meridian.node.metadata.PartitionState;
import dev.meridian.node.metadata.TopicImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which replicas to move so that every live node holds an even share of them (after a node was
 * added, say): the fewest moves that bring each node's replica count within one of the average, and
 * its preferred leaderships (first replicas) within one of theirs. A replica moves from the node
 * with the most to the node with the fewest that does not hold the partition yet, keeping its place
 * in the replica list, so a moved first replica moves the preferred leadership with it. Partitions
 * with a running reassignment stay as they are. Pure function of the image.
 */
final class RebalancePlan {
  private RebalancePlan() {}

  /** The reassignments that even out the live nodes' replicas, in topic and partition order. */
  static List<ControllerRequest.Reassignment> plan(MetadataImage image) {
    List<Integer> live = image.aliveNodes().stream().map(NodeRegistration::id).sorted().toList();
    if (live.size() < 2) {
      return List.of();
    }
    Map<String, List<List<Integer>>> layout = new TreeMap<>();
    Map<Integer, Integer> replicas = new TreeMap<>();
    Map<Integer, Integer> leaders = new TreeMap<>();
    live.forEach(
        n -> {
          replicas.put(n, 0);
          leaders.put(n, 0);
        });
    for (TopicImage t : image.topics().values()) {
      List<List<Integer>> parts = new ArrayList<>();
      for (PartitionState s : t.partitions()) {
        parts.add(s.reassigning() ? null : new ArrayList<>(s.replicas()));
        List<Integer> counted = s.targetReplicas(); // where a running reassignment ends
        for (int i = 0; i < counted.size(); i++) {
          int r = counted.get(i);
          replicas.computeIfPresent(r, (k, v) -> v + 1);
          if (i == 0) {
            leaders.computeIfPresent(r, (k, v) -> v + 1);
          }
        }
      }
      layout.put(t.name(), parts);
    }
    // first even out preferred leaderships (moving first replicas), then the remaining replicas
    moveUntilEven(layout, live, leaders, replicas, true);
    moveUntilEven(layout, live, replicas, leaders, false);

    List<ControllerRequest.Reassignment> out = new ArrayList<>();
    for (Map.Entry<String, List<List<Integer>>> e : layout.entrySet()) {
      TopicImage t = image.topic(e.getKey()).orElseThrow();
      for (int p = 0; p < e.getValue().size(); p++) {
        List<Integer> target = e.getValue().get(p);
        if (target != null && !target.equals(t.partitions().get(p).replicas())) {
          out.add(new ControllerRequest.Reassignment(e.getKey(), p, List.copyOf(target)));
        }
      }
    }
    return out;
  }

  /**
   * Moves replicas (first replicas only when {@code firstOnly}) from the node with the largest
   * {@code load} to the one with the smallest until they differ by at most one; {@code other}
   * counts along (a moved first replica is a moved replica too, and the reverse).
   */
  private static void moveUntilEven(
      Map<String, List<List<Integer>>> layout,
      List<Integer> live,
      Map<Integer, Integer> load,
      Map<Integer, Integer> other,
      boolean firstOnly) {
    while (true) {
      int most =
          live.stream().max((a, b) -> Integer.compare(load.get(a), load.get(b))).orElseThrow();
      int least =
          live.stream().min((a, b) -> Integer.compare(load.get(a), load.get(b))).orElseThrow();
      if (load.get(most) - load.get(least) <= 1 || !moveOne(layout, most, least, firstOnly)) {
        return;
      }
      load.merge(most, -1, Integer::sum);
      load.merge(least, 1, Integer::sum);
      if (firstOnly) {
        other.merge(most, -1, Integer::sum);
        other.merge(least, 1, Integer::sum);
      }
    }
  }

  /** Moves one replica of {@code from} to {@code to} in a partition {@code to} has none of. */
  private static boolean moveOne(
      Map<String, List<List<Integer>>> layout, int from, int to, boolean firstOnly) {
    for (List<List<Integer>> parts : layout.values()) {
      for (List<Integer> replicas : parts) {
        if (replicas == null || replicas.contains(to)) {
          continue;
        }
        int at = replicas.indexOf(from);
        if (at < 0 || (firstOnly && at != 0) || (!firstOnly && at == 0)) {
          continue;
        }
        replicas.set(at, to);
        return true;
      }
    }
    return false;
  }
}
