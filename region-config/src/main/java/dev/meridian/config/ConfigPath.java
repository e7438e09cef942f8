package dev.meridian.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;

/** Builds the YAML paths used in {@link ConfigProblem}s: {@code regions[0].nodes[1].kafkaPort}. */
final class ConfigPath {

  /** The path of problems about the document as a whole. */
  static final String ROOT = "(root)";

  private static final Pattern PLAIN_KEY = Pattern.compile("[A-Za-z0-9_-]+");
  private static final int MAX_SHOWN = 60;

  /**
   * Orders paths as the values appear in a file written by {@link ConfigLoader#toYaml}: list
   * elements by index, keys in schema order, unknown keys after the known ones; paths that are not
   * tree paths ({@code (root)}, {@code line L, column C}) first.
   */
  static final Comparator<String> DOCUMENT_ORDER = ConfigPath::compare;

  private ConfigPath() {}

  private static int compare(String a, String b) {
    List<Object> left = segments(a);
    List<Object> right = segments(b);
    for (int i = 0; i < Math.min(left.size(), right.size()); i++) {
      int c = compareSegment(left.get(i), right.get(i));
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(left.size(), right.size());
  }

  private static int compareSegment(Object a, Object b) {
    if (a instanceof Integer x && b instanceof Integer y) {
      return Integer.compare(x, y);
    }
    if (a instanceof Integer) {
      return -1;
    }
    if (b instanceof Integer) {
      return 1;
    }
    String x = (String) a;
    String y = (String) b;
    int c = Integer.compare(rank(x), rank(y));
    return c != 0 ? c : x.compareTo(y);
  }

  private static int rank(String key) {
    int rank = ConfigKeys.ORDER.indexOf(key);
    return rank >= 0 ? rank : ConfigKeys.ORDER.size();
  }

  /** Splits a path into keys (String) and indexes (Integer); a non-tree path is one index -1. */
  private static List<Object> segments(String path) {
    List<Object> segments = new ArrayList<>();
    if (path.startsWith("(") || path.startsWith("line ")) {
      segments.add(-1);
      return segments;
    }
    int i = 0;
    while (i < path.length()) {
      char c = path.charAt(i);
      if (c == '.') {
        i++;
      } else if (c == '[') {
        int end = path.indexOf(']', i);
        segments.add(Integer.parseInt(path.substring(i + 1, end)));
        i = end + 1;
      } else if (c == '\'') {
        int end = path.indexOf('\'', i + 1);
        end = end < 0 ? path.length() : end;
        segments.add(path.substring(i + 1, end));
        i = end + 1;
      } else {
        int end = i;
        while (end < path.length() && path.charAt(end) != '.' && path.charAt(end) != '[') {
          end++;
        }
        segments.add(path.substring(i, end));
        i = end;
      }
    }
    return segments;
  }

  /** The path of {@code key} inside the mapping at {@code parent} ({@code ""} for the root). */
  static String key(String parent, String key) {
    String shown = PLAIN_KEY.matcher(key).matches() ? key : quote(key);
    return parent.isEmpty() ? shown : parent + "." + shown;
  }

  /** The path of element {@code index} of the list at {@code parent}. */
  static String index(String parent, int index) {
    return parent + "[" + index + "]";
  }

  /** Whether {@code path} is {@code ancestor} or lies below it. */
  static boolean isWithin(String path, String ancestor) {
    if (ancestor.equals(ROOT) || path.equals(ancestor)) {
      return true;
    }
    return path.startsWith(ancestor)
        && (path.charAt(ancestor.length()) == '.' || path.charAt(ancestor.length()) == '[');
  }

  /** A string value as shown in a reason: single-quoted, shortened if long. */
  static String quote(String value) {
    String shown = value.length() > MAX_SHOWN ? value.substring(0, MAX_SHOWN) + "..." : value;
    return "'" + shown + "'";
  }
}
