package dev.meridian.node.link;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class OffsetMapTest {

  @Test
  void translatesInsideRunsAndAcrossTheGapsOfSkippedRecords() {
    OffsetMap m = new OffsetMap();
    // source 10..19 copied to target 100..109; 20..24 skipped; 25..29 copied to 150..154
    m.add(new OffsetMap.Run(10, 100, 10));
    m.add(new OffsetMap.Run(25, 150, 5));
    m.processed(40);

    assertEquals(100, m.toTarget(0));
    assertEquals(103, m.toTarget(13));
    assertEquals(150, m.toTarget(20));
    assertEquals(152, m.toTarget(27));
    assertEquals(155, m.toTarget(35));
    assertEquals(13, m.toSource(103));
    assertEquals(25, m.toSource(120));
    assertEquals(40, m.toSource(200));
    assertEquals(2, m.runs().size());
  }

  @Test
  void runsThatTouchAndAgreeMergeAndAReEmittedRunReplacesNothingItAgreesWith() {
    OffsetMap m = new OffsetMap();
    m.add(new OffsetMap.Run(0, 50, 10));
    m.add(new OffsetMap.Run(10, 60, 10));
    m.add(new OffsetMap.Run(5, 55, 10)); // written again after a restart
    assertEquals(List.of(new OffsetMap.Run(0, 50, 20)), m.runs());
  }

  /**
   * A link copies a random source log into a target that has records of its own between batches;
   * its entries arrive split, repeated and out of order: every offset translates as the records
   * say.
   */
  @Property(tries = 200)
  void everyOffsetTranslatesAsTheRecordsSay(@ForAll long seed) {
    Random random = new Random(seed);
    int n = 1 + random.nextInt(300);
    List<long[]> copies = new ArrayList<>(); // {source, target}
    List<List<OffsetMap.Run>> entries = new ArrayList<>();
    long target = random.nextInt(5);
    int s = 0;
    while (s < n) {
      int batch = 1 + random.nextInt(20);
      List<Long> sources = new ArrayList<>();
      for (int i = s; i < Math.min(n, s + batch); i++) {
        if (random.nextInt(4) != 0) {
          sources.add((long) i);
        }
      }
      s += batch;
      long[] src = sources.stream().mapToLong(Long::longValue).toArray();
      long[] tgt = new long[src.length];
      for (int i = 0; i < src.length; i++) {
        tgt[i] = target + i;
        copies.add(new long[] {src[i], tgt[i]});
      }
      target += src.length + random.nextInt(3); // the target's own records
      entries.add(OffsetMap.runsOf(src, tgt, src.length));
      if (random.nextInt(5) == 0 && !copies.isEmpty()) { // a resume re-emits the recent copies
        int from = Math.max(0, copies.size() - 1 - random.nextInt(10));
        List<long[]> tail = copies.subList(from, copies.size());
        entries.add(
            OffsetMap.runsOf(
                tail.stream().mapToLong(c -> c[0]).toArray(),
                tail.stream().mapToLong(c -> c[1]).toArray(),
                tail.size()));
      }
    }
    Collections.shuffle(entries, random);
    OffsetMap m = new OffsetMap();
    entries.forEach(e -> e.forEach(m::add));
    m.processed(n);

    for (long c = 0; c <= n + 1; c++) {
      long expected = -1;
      for (long[] copy : copies) {
        if (copy[0] >= c) {
          expected = copy[1];
          break;
        }
      }
      if (expected < 0 && !copies.isEmpty()) {
        expected = copies.get(copies.size() - 1)[1] + 1;
      }
      assertEquals(expected, m.toTarget(c), "toTarget(" + c + ") seed " + seed);
    }
    for (long x = 0; x <= target + 1; x++) {
      long expected = n;
      for (long[] copy : copies) {
        if (copy[1] >= x) {
          expected = copy[0];
          break;
        }
      }
      assertEquals(expected, m.toSource(x), "toSource(" + x + ") seed " + seed);
    }
  }
}
