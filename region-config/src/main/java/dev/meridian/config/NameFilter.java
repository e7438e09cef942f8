package dev.meridian.config;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Which names (topics or consumer groups) a link selects: a name is selected when it matches at
 * least one {@code include} regex and no {@code exclude} regex. Each regex must match the whole
 * name.
 *
 * <p>YAML keys: {@code include} (list of regexes, default {@code [".*"]}) and {@code exclude} (list
 * of regexes, default {@code ["_.*"]}: names starting with {@code _}, the internal ones).
 *
 * @param include the regexes of selected names
 * @param exclude the regexes of names left out even when included
 */
public record NameFilter(List<String> include, List<String> exclude) {

  /** Every name that does not start with {@code _}. */
  public static final NameFilter DEFAULT = new NameFilter(List.of(".*"), List.of("_.*"));

  /** Copies the lists; {@code null} becomes the default. */
  public NameFilter {
    include = include == null ? DEFAULT.include : List.copyOf(include);
    exclude = exclude == null ? DEFAULT.exclude : List.copyOf(exclude);
  }

  /**
   * Whether {@code name} is selected.
   *
   * @throws PatternSyntaxException if a regex is invalid (a validated config has none)
   */
  public boolean matches(String name) {
    return include.stream().anyMatch(r -> Pattern.matches(r, name))
        && exclude.stream().noneMatch(r -> Pattern.matches(r, name));
  }

  /** The problem with regex {@code regex}, or {@code null} if it compiles. */
  static String regexProblem(String regex) {
    if (regex == null) {
      return "missing";
    }
    try {
      Pattern.compile(regex);
      return null;
    } catch (PatternSyntaxException e) {
      return ConfigPath.quote(regex)
          + " is not a valid regular expression: "
          + e.getDescription()
          + " near index "
          + e.getIndex();
    }
  }

  /**
   * The fixed text every name a regex matches starts with: its characters up to the first one with
   * a special meaning ({@code ".*"} has none, {@code "orders\\..*"} has {@code "orders"}).
   */
  static String literalPrefix(String regex) {
    StringBuilder b = new StringBuilder();
    for (char c : Objects.requireNonNull(regex).toCharArray()) {
      if ("\\.[]{}()*+?^$|".indexOf(c) >= 0) {
        break;
      }
      b.append(c);
    }
    String prefix = b.toString();
    // a quantifier after the last literal makes that literal optional
    if (prefix.length() < regex.length() && prefix.length() > 0) {
      char next = regex.charAt(prefix.length());
      if (next == '*' || next == '?' || next == '{') {
        prefix = prefix.substring(0, prefix.length() - 1);
      }
    }
    return prefix;
  }

  /**
   * Whether some name might match an include regex of both filters (conservative: true unless the
   * literal prefixes of every pair of include regexes rule it out).
   */
  static boolean mayOverlap(NameFilter a, NameFilter b) {
    for (String x : a.include) {
      for (String y : b.include) {
        String px = literalPrefix(x);
        String py = literalPrefix(y);
        if (px.startsWith(py) || py.startsWith(px)) {
          return true;
        }
      }
    }
    return false;
  }
}
