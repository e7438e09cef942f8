package dev.meridian.node.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.node.group.GroupQuery.TopicPartitionRef;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** The server-side assignors: uniform (balanced, sticky) and range (the classic layout). */
class ConsumerAssignorsTest {

  private static Map<String, Set<String>> subscribe(int members, String... topics) {
    Map<String, Set<String>> out = new TreeMap<>();
    for (int i = 1; i <= members; i++) {
      out.put("m" + i, Set.of(topics));
    }
    return out;
  }

  private static int moved(
      Map<String, Set<TopicPartitionRef>> before, Map<String, Set<TopicPartitionRef>> after) {
    int n = 0;
    for (Map.Entry<String, Set<TopicPartitionRef>> e : before.entrySet()) {
      Set<TopicPartitionRef> kept = new HashSet<>(e.getValue());
      kept.retainAll(after.getOrDefault(e.getKey(), Set.of()));
      n += e.getValue().size() - kept.size();
    }
    return n;
  }

  @Test
  void uniformMovesOnlyWhatBalanceNeedsWhenAMemberJoins() {
    Map<String, Integer> partitions = Map.of("t", 6);
    Map<String, Set<TopicPartitionRef>> three =
        ConsumerAssignors.uniform(subscribe(3, "t"), partitions, Map.of());
    three.values().forEach(s -> assertEquals(2, s.size()));
    Map<String, Set<TopicPartitionRef>> four =
        ConsumerAssignors.uniform(subscribe(4, "t"), partitions, three);
    assertEquals(List.of(1, 1, 2, 2), four.values().stream().map(Set::size).sorted().toList());
    assertEquals(1, moved(three, four), "one partition moves to the new member, no others");
  }

  @Test
  void uniformGivesEachPartitionToASubscriber() {
    Map<String, Set<String>> subs = new TreeMap<>();
    subs.put("narrow", Set.of("a"));
    subs.put("wide", Set.of("a", "b"));
    Map<String, Set<TopicPartitionRef>> out =
        ConsumerAssignors.uniform(subs, Map.of("a", 4, "b", 4), Map.of());
    assertTrue(out.get("narrow").stream().allMatch(tp -> tp.topic().equals("a")));
    assertEquals(8, out.get("narrow").size() + out.get("wide").size());
    assertEquals(4, out.get("narrow").size(), "balanced: the narrow member takes all of a");
  }

  @Test
  void rangeGivesContiguousRangesTheFirstMembersOneMore() {
    Map<String, Set<TopicPartitionRef>> out =
        ConsumerAssignors.range(subscribe(2, "t", "u"), Map.of("t", 3, "u", 3));
    assertEquals(
        List.of(
            new TopicPartitionRef("t", 0),
            new TopicPartitionRef("t", 1),
            new TopicPartitionRef("u", 0),
            new TopicPartitionRef("u", 1)),
        ConsumerAssignors.sorted(out.get("m1")));
    assertEquals(
        List.of(new TopicPartitionRef("t", 2), new TopicPartitionRef("u", 2)),
        ConsumerAssignors.sorted(out.get("m2")));
  }

  @Property(tries = 200)
  void uniformIsCompleteDisjointAndBalanced(
      @ForAll @IntRange(min = 1, max = 12) int members,
      @ForAll @IntRange(min = 0, max = 40) int partitions,
      @ForAll @IntRange(min = 1, max = 12) int before) {
    Map<String, Set<TopicPartitionRef>> previous =
        ConsumerAssignors.uniform(subscribe(before, "t"), Map.of("t", partitions), Map.of());
    Map<String, Set<TopicPartitionRef>> out =
        ConsumerAssignors.uniform(subscribe(members, "t"), Map.of("t", partitions), previous);
    Set<TopicPartitionRef> all = new HashSet<>();
    int total = 0;
    for (Set<TopicPartitionRef> s : out.values()) {
      all.addAll(s);
      total += s.size();
    }
    assertEquals(partitions, all.size(), "complete");
    assertEquals(partitions, total, "disjoint");
    int min = out.values().stream().mapToInt(Set::size).min().orElseThrow();
    int max = out.values().stream().mapToInt(Set::size).max().orElseThrow();
    assertTrue(max - min <= 1, "balanced " + min + ".." + max);
  }
}
