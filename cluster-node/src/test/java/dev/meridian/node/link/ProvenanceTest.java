package dev.meridian.node.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.config.LinkConfig;
import dev.meridian.config.LinkSource;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class ProvenanceTest {

  private static LinkConfig link(String source, String target) {
    LinkConfig m = LinkConfig.mirror(source + "-" + target, LinkSource.region(source), target);
    return new LinkConfig(
        m.name(),
        m.source(),
        m.target(),
        LinkConfig.ACTIVE_ACTIVE,
        null,
        null,
        null,
        0,
        null,
        null,
        m.offsetSyncIntervalMs(),
        null);
  }

  /**
   * Floods one record produced in {@code origin} over {@code links} as the links copy it (each link
   * looks at every copy that lands in its source): by region, how many copies arrived.
   */
  private static Map<String, Integer> flood(List<LinkConfig> links, String origin) {
    Routes routes = new Routes(links);
    Map<String, Integer> arrived = new HashMap<>(Map.of(origin, 1));
    ArrayDeque<Object[]> landed = new ArrayDeque<>();
    landed.add(new Object[] {origin, new RecordHeaders()});
    int steps = 0;
    while (!landed.isEmpty()) {
      Object[] at = landed.poll();
      String region = (String) at[0];
      Headers headers = (Headers) at[1];
      for (LinkConfig l : links) {
        if (!l.source().region().equals(region)) {
          continue;
        }
        Provenance.Trail trail = Provenance.trail(headers, region);
        if (Provenance.copies(trail, region, l.target(), routes)) {
          Header[] copy = Provenance.copyHeaders(headers, trail, l.target(), 7);
          arrived.merge(l.target(), 1, Integer::sum);
          landed.add(new Object[] {l.target(), new RecordHeaders(copy)});
        }
      }
      if (++steps > 10_000) {
        throw new AssertionError("a loop: " + arrived);
      }
    }
    return arrived;
  }

  private static Set<String> reachable(List<LinkConfig> links, String origin) {
    Set<String> seen = new HashSet<>(Set.of(origin));
    boolean grew = true;
    while (grew) {
      grew = false;
      for (LinkConfig l : links) {
        if (seen.contains(l.source().region()) && seen.add(l.target())) {
          grew = true;
        }
      }
    }
    return seen;
  }

  @Test
  void twoRegionsBothWaysCopyEachRecordOnceAndNeverBack() {
    List<LinkConfig> links = List.of(link("east", "west"), link("west", "east"));
    assertEquals(Map.of("east", 1, "west", 1), flood(links, "east"));
    assertEquals(Map.of("east", 1, "west", 1), flood(links, "west"));
  }

  @Test
  void aRingForwardsAndAFullMeshDeliversDirectlyOnce() {
    List<LinkConfig> ring =
        List.of(link("east", "west"), link("west", "north"), link("north", "east"));
    assertEquals(Map.of("east", 1, "west", 1, "north", 1), flood(ring, "east"));
    Routes r = new Routes(ring);
    assertEquals("west", r.parent("east", "north").orElseThrow());

    List<LinkConfig> mesh = new ArrayList<>();
    for (String s : List.of("east", "west", "north")) {
      for (String t : List.of("east", "west", "north")) {
        if (!s.equals(t)) {
          mesh.add(link(s, t));
        }
      }
    }
    assertEquals(Map.of("east", 1, "west", 1, "north", 1), flood(mesh, "west"));
    assertEquals("east", new Routes(mesh).parent("east", "north").orElseThrow());
  }

  /** Any set of active-active links: every region a record can reach gets it exactly once. */
  @Property(tries = 300)
  void everyReachableRegionGetsEachRecordExactlyOnce(
      @ForAll @IntRange(min = 0, max = (1 << 20) - 1) int edges,
      @ForAll @IntRange(min = 0, max = 4) int origin) {
    List<String> regions = List.of("a", "b", "c", "d", "e");
    List<LinkConfig> links = new ArrayList<>();
    int bit = 0;
    for (String s : regions) {
      for (String t : regions) {
        if (!s.equals(t) && (edges & (1 << bit++)) != 0) {
          links.add(link(s, t));
        }
      }
    }
    String o = regions.get(origin);
    Map<String, Integer> arrived = flood(links, o);
    Set<String> expected = reachable(links, o);
    assertEquals(expected, arrived.keySet());
    arrived.values().forEach(n -> assertEquals(1, n, () -> "copies by region: " + arrived));
  }

  @Test
  void copiedRecordsCarryOriginPathAndSourceOffsetAndKeepTheirOwnHeaders() {
    Headers own = new RecordHeaders().add(new RecordHeader("trace", bytes("t1")));
    Provenance.Trail trail = Provenance.trail(own, "east");
    assertEquals("east", trail.origin());
    RecordHeaders copied = new RecordHeaders(Provenance.copyHeaders(own, trail, "west", 42));
    assertEquals("t1", text(copied, "trace"));
    assertEquals("east", text(copied, Provenance.ORIGIN));
    assertEquals("east,west", text(copied, Provenance.PATH));
    assertEquals(42, Provenance.copiedOffset(copied, "east", "west"));
    assertEquals(-1, Provenance.copiedOffset(copied, "north", "west"));
    assertEquals(-1, Provenance.copiedOffset(own, "east", "west"));

    Provenance.Trail again = Provenance.trail(copied, "west");
    assertTrue(again.passed("east"));
    assertFalse(again.passed("north"));
    RecordHeaders twice = new RecordHeaders(Provenance.copyHeaders(copied, again, "north", 9));
    assertEquals("east,west,north", text(twice, Provenance.PATH));
    assertEquals(1, count(twice, Provenance.PATH));
    assertEquals(9, Provenance.copiedOffset(twice, "west", "north"));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String text(Headers h, String key) {
    return new String(h.lastHeader(key).value(), StandardCharsets.UTF_8);
  }

  private static int count(Headers h, String key) {
    int n = 0;
    for (Header x : h.headers(key)) {
      n++;
    }
    return n;
  }
}
