package dev.meridian.node.group;

import dev.meridian.node.group.GroupQuery.TopicPartitionRef;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The server-side assignors of consumer-protocol groups (KIP-848), chosen by a member's {@code
 * group.remote.assignor} ({@code ServerAssignor} in its heartbeat):
 *
 * <ul>
 *   <li>{@code uniform} (the default): every partition of a subscribed topic goes to one of its
 *       subscribers, so that no subscriber of a partition holds two more partitions than another
 *       subscriber of it; partitions stay where the previous target put them as far as that allows
 *       (sticky), so a member joining or leaving moves only what balance needs.
 *   <li>{@code range}: for each topic, its subscribers sorted by member id get contiguous ranges of
 *       its partitions, the first ones one more when the partitions do not divide evenly (the
 *       classic RangeAssignor's layout; not sticky).
 * </ul>
 *
 * Pure functions of their inputs: the same members, subscriptions and partitions give the same
 * assignment.
 */
final class ConsumerAssignors {
  static final String UNIFORM = "uniform";
  static final String RANGE = "range";

  /** The assignors a member may ask for, the first the default. */
  static final List<String> NAMES = List.of(UNIFORM, RANGE);

  private ConsumerAssignors() {}

  /**
   * The target assignment of a group.
   *
   * @param assignor {@link #UNIFORM} or {@link #RANGE}
   * @param subscriptions each member's subscribed topics (that exist)
   * @param partitions each topic's partition count
   * @param previous the previous target (for stickiness), member to partitions
   * @return every member's partitions (empty sets for members that get none)
   */
  static Map<String, Set<TopicPartitionRef>> assign(
      String assignor,
      Map<String, Set<String>> subscriptions,
      Map<String, Integer> partitions,
      Map<String, Set<TopicPartitionRef>> previous) {
    return RANGE.equals(assignor)
        ? range(subscriptions, partitions)
        : uniform(subscriptions, partitions, previous);
  }

  static Map<String, Set<TopicPartitionRef>> range(
      Map<String, Set<String>> subscriptions, Map<String, Integer> partitions) {
    Map<String, Set<TopicPartitionRef>> out = empty(subscriptions);
    Map<String, List<String>> subscribers = subscribers(subscriptions, partitions);
    subscribers.forEach(
        (topic, members) -> {
          int n = partitions.get(topic);
          int per = n / members.size();
          int extra = n % members.size();
          int next = 0;
          for (int i = 0; i < members.size(); i++) {
            int count = per + (i < extra ? 1 : 0);
            for (int p = next; p < next + count; p++) {
              out.get(members.get(i)).add(new TopicPartitionRef(topic, p));
            }
            next += count;
          }
        });
    return out;
  }

  static Map<String, Set<TopicPartitionRef>> uniform(
      Map<String, Set<String>> subscriptions,
      Map<String, Integer> partitions,
      Map<String, Set<TopicPartitionRef>> previous) {
    Map<String, Set<TopicPartitionRef>> out = empty(subscriptions);
    Map<TopicPartitionRef, String> owner = new HashMap<>();
    // 1. sticky: what the previous target gave a member stays while it is still subscribed
    for (String m : new TreeMap<>(subscriptions).keySet()) {
      for (TopicPartitionRef tp : previous.getOrDefault(m, Set.of())) {
        Integer count = partitions.get(tp.topic());
        if (count != null
            && tp.partition() < count
            && subscriptions.get(m).contains(tp.topic())
            && owner.putIfAbsent(tp, m) == null) {
          out.get(m).add(tp);
        }
      }
    }
    // 2. every other partition to its least loaded subscriber (topics with fewest subscribers
    // first, so that members with narrow subscriptions fill up before the wide ones)
    Map<String, List<String>> subscribers = subscribers(subscriptions, partitions);
    List<String> topics = new ArrayList<>(subscribers.keySet());
    topics.sort(
        Comparator.comparingInt((String t) -> subscribers.get(t).size())
            .thenComparing(Comparator.naturalOrder()));
    for (String topic : topics) {
      for (int p = 0; p < partitions.get(topic); p++) {
        TopicPartitionRef tp = new TopicPartitionRef(topic, p);
        if (!owner.containsKey(tp)) {
          String m = leastLoaded(subscribers.get(topic), out, null);
          out.get(m).add(tp);
          owner.put(tp, m);
        }
      }
    }
    // 3. balance: move a partition from a member to another subscriber of it holding at least two
    // fewer, until there is none (each move lowers the sum of squared loads, so this ends)
    boolean moved = true;
    while (moved) {
      moved = false;
      List<String> byLoad = new ArrayList<>(out.keySet());
      byLoad.sort(
          Comparator.comparingInt((String m) -> -out.get(m).size())
              .thenComparing(Comparator.naturalOrder()));
      for (String from : byLoad) {
        List<TopicPartitionRef> held = sorted(out.get(from));
        for (int i = held.size() - 1; i >= 0 && !moved; i--) {
          TopicPartitionRef tp = held.get(i);
          String to = leastLoaded(subscribers.get(tp.topic()), out, from);
          if (to != null && out.get(to).size() + 1 < out.get(from).size()) {
            out.get(from).remove(tp);
            out.get(to).add(tp);
            moved = true;
          }
        }
        if (moved) {
          break;
        }
      }
    }
    return out;
  }

  private static Map<String, Set<TopicPartitionRef>> empty(Map<String, Set<String>> subscriptions) {
    Map<String, Set<TopicPartitionRef>> out = new TreeMap<>();
    subscriptions.keySet().forEach(m -> out.put(m, new HashSet<>()));
    return out;
  }

  /** Each existing topic with partitions, with its subscribers sorted by member id. */
  private static Map<String, List<String>> subscribers(
      Map<String, Set<String>> subscriptions, Map<String, Integer> partitions) {
    Map<String, List<String>> out = new TreeMap<>();
    new TreeMap<>(subscriptions)
        .forEach(
            (member, topics) -> {
              for (String t : topics) {
                Integer n = partitions.get(t);
                if (n != null && n > 0) {
                  out.computeIfAbsent(t, k -> new ArrayList<>()).add(member);
                }
              }
            });
    return out;
  }

  private static String leastLoaded(
      List<String> candidates, Map<String, Set<TopicPartitionRef>> load, String except) {
    String best = null;
    for (String m : candidates) {
      if (!m.equals(except) && (best == null || load.get(m).size() < load.get(best).size())) {
        best = m;
      }
    }
    return best;
  }

  static List<TopicPartitionRef> sorted(Set<TopicPartitionRef> partitions) {
    List<TopicPartitionRef> out = new ArrayList<>(partitions);
    out.sort(
        Comparator.comparing(TopicPartitionRef::topic)
            .thenComparingInt(TopicPartitionRef::partition));
    return out;
  }
}
