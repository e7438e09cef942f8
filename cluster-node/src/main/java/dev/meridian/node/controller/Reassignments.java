package dev.meridian.node.controller;

import dev.meridian.node.metadata.MetadataImage;
import dev.meridian.node.metadata.MetadataRecord;
import dev.meridian.node.metadata.PartitionState;
import dev.meridian.node.metadata.TopicImage;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.function.IntPredicate;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Partition reassignment as KIP-455 defines it, decided by the controller: a reassignment adds the
 * target replicas the partition lacks (they copy the log by replicating from the leader, like any
 * follower) and removes the ones the target lacks once every added replica is in sync. While it
 * runs, the partition's replicas are the target followed by the replicas being removed; it
 * completes in the same decision that brings the last added replica into the ISR.
 */
final class Reassignments {
  private static final Logger LOG = LoggerFactory.getLogger(Reassignments.class);

  private Reassignments() {}

  /** Starts, changes or cancels (null target) the reassignment of each partition asked for. */
  static ClusterController.Decision alter(
      MetadataImage image, ControllerRequest.AlterReassignments request) {
    List<MetadataRecord> records = new ArrayList<>();
    List<ItemResult> results = new ArrayList<>();
    for (ControllerRequest.Reassignment r : request.partitions()) {
      String label = r.topic() + "-" + r.partition();
      TopicImage t = image.topic(r.topic()).orElse(null);
      PartitionState s = t == null ? null : t.partition(r.partition()).orElse(null);
      if (s == null) {
        results.add(
            ItemResult.failed(label, Uuid.ZERO_UUID, Errors.UNKNOWN_TOPIC_OR_PARTITION, null));
        continue;
      }
      PartitionState next;
      if (r.target() == null) {
        if (!s.reassigning()) {
          results.add(
              ItemResult.failed(
                  label,
                  t.id(),
                  Errors.NO_REASSIGNMENT_IN_PROGRESS,
                  "no reassignment of " + label));
          continue;
        }
        next = cancel(s, image::isAlive);
      } else {
        String invalid = invalidTarget(image, r.target());
        if (invalid != null) {
          results.add(ItemResult.failed(label, t.id(), Errors.INVALID_REPLICA_ASSIGNMENT, invalid));
          continue;
        }
        next = start(s, r.target(), image::isAlive);
      }
      if (!next.equals(s)) {
        records.add(new MetadataRecord.Partition(t.id(), r.partition(), next));
        LOG.info("{}: reassignment {} -> {}", label, s, next);
      }
      results.add(
          new ItemResult(
              label, t.id(), Errors.NONE, null, next.leader(), (short) -1, Map.of(), -1, 0));
    }
    return new ClusterController.Decision(records, results);
  }

  private static String invalidTarget(MetadataImage image, List<Integer> target) {
    if (target.isEmpty()) {
      return "the target replica list is empty";
    }
    if (new HashSet<>(target).size() != target.size()) {
      return "the target replicas " + target + " repeat a node";
    }
    for (int n : target) {
      if (image.node(n).isEmpty()) {
        return "node " + n + " of the target replicas " + target + " is not registered";
      }
    }
    return null;
  }

  /**
   * The state once a reassignment to {@code target} starts (or replaces a running one): added
   * replicas are the target's nodes not among the original replicas, removed ones the original
   * replicas not in the target. Completes at once when nothing needs copying.
   */
  static PartitionState start(PartitionState s, List<Integer> target, IntPredicate alive) {
    List<Integer> original = s.originalReplicas();
    if (target.equals(original) && !s.reassigning()) {
      return s;
    }
    List<Integer> adding = target.stream().filter(r -> !original.contains(r)).toList();
    List<Integer> removing = original.stream().filter(r -> !target.contains(r)).toList();
    List<Integer> replicas = new ArrayList<>(target);
    replicas.addAll(removing);
    // a replaced reassignment's added replicas that the new target drops leave the ISR too
    List<Integer> isr = s.isr().stream().filter(replicas::contains).toList();
    int leader = s.leader();
    if (isr.isEmpty()) {
      isr = s.isr(); // never empty the ISR; the reassignment waits for the old members
    } else if (leader != PartitionState.NO_LEADER && !isr.contains(leader)) {
      leader = firstLive(target, isr, alive);
    }
    PartitionState started = s.withReplicas(replicas, adding, removing, leader, isr);
    return maybeComplete(started, alive);
  }

  /** Reverts a running reassignment to the original replicas. */
  static PartitionState cancel(PartitionState s, IntPredicate alive) {
    List<Integer> original = s.originalReplicas();
    List<Integer> isr = s.isr().stream().filter(original::contains).toList();
    if (isr.isEmpty()) {
      isr = s.isr(); // only added replicas are in sync: keep them rather than lose the ISR
      original = s.replicas();
    }
    int leader = s.leader();
    if (!isr.contains(leader)) {
      leader = firstLive(original, isr, alive);
    }
    return s.withReplicas(original, List.of(), List.of(), leader, isr);
  }

  /**
   * Completes a running reassignment when every added replica is in the ISR and a target replica
   * is: the removed replicas leave the replicas and the ISR, and a removed leader hands over to the
   * first live in-sync target replica.
   */
  static PartitionState maybeComplete(PartitionState s, IntPredicate alive) {
    if (!s.reassigning() || !s.isr().containsAll(s.adding())) {
      return s;
    }
    List<Integer> target = s.targetReplicas();
    List<Integer> isr = s.isr().stream().filter(target::contains).toList();
    if (isr.isEmpty()) {
      return s;
    }
    int leader = s.leader();
    if (!isr.contains(leader)) {
      leader = firstLive(target, isr, alive);
    }
    return s.withReplicas(target, List.of(), List.of(), leader, isr);
  }

  private static int firstLive(List<Integer> order, List<Integer> isr, IntPredicate alive) {
    for (int r : order) {
      if (isr.contains(r) && alive.test(r)) {
        return r;
      }
    }
    return PartitionState.NO_LEADER;
  }
}
