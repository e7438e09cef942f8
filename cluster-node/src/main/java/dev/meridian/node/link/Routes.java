package dev.meridian.node.link;

import dev.meridian.config.LinkConfig;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Which active-active link delivers the records of each origin region to each region, so that every
 * region gets every record exactly once, also when the links form a full mesh (where a record could
 * otherwise reach a region directly and again through a third one). For each origin the links form
 * a breadth-first tree, neighbours taken in name order: a region takes an origin's records only
 * from its parent in that origin's tree. The tree is a pure function of the links, so every region
 * computes the same one.
 */
final class Routes {
  /** By origin, by region: the region it takes that origin's records from. */
  private final Map<String, Map<String, String>> parents = new HashMap<>();

  private final Set<String> regions = new TreeSet<>();

  Routes(Collection<LinkConfig> links) {
    Map<String, Set<String>> out = new TreeMap<>();
    for (LinkConfig l : links) {
      if (l.activeActive() && l.source().isRegion()) {
        out.computeIfAbsent(l.source().region(), k -> new TreeSet<>()).add(l.target());
        regions.add(l.source().region());
        regions.add(l.target());
      }
    }
    for (String origin : regions) {
      Map<String, String> parent = new HashMap<>();
      ArrayDeque<String> queue = new ArrayDeque<>();
      queue.add(origin);
      parent.put(origin, origin);
      while (!queue.isEmpty()) {
        String at = queue.poll();
        for (String next : out.getOrDefault(at, Set.of())) {
          if (parent.putIfAbsent(next, at) == null) {
            queue.add(next);
          }
        }
      }
      parent.remove(origin);
      parents.put(origin, parent);
    }
  }

  /**
   * The region {@code region} takes the records of {@code origin} from, or empty when the links do
   * not say (an origin the links do not know: then any link may copy it, the path header still
   * stops loops).
   */
  Optional<String> parent(String origin, String region) {
    Map<String, String> p = parents.get(origin);
    return p == null ? Optional.empty() : Optional.ofNullable(p.get(region));
  }

  /**
   * Whether a link from {@code source} into {@code target} delivers the records of {@code origin}.
   */
  boolean delivers(String origin, String source, String target) {
    return parent(origin, target).map(source::equals).orElse(true);
  }
}
