package dev.meridian.node.metadata;

/**
 * Kafka's throttled-replica lists ({@code leader.replication.throttled.replicas}, {@code
 * follower.replication.throttled.replicas}): empty, {@code *} (every replica of the topic), or
 * comma-separated {@code partition:node} pairs, blanks around items allowed. Pure functions.
 */
final class ThrottledReplicas {
  private ThrottledReplicas() {}

  /** Why {@code value} is not a valid list of {@code key}, or null when it is. */
  static String problem(String key, String value) {
    String v = value.trim();
    if (v.isEmpty() || v.equals("*")) {
      return null;
    }
    for (String item : v.split(",", -1)) {
      String[] pair = item.trim().split(":", -1);
      if (pair.length != 2 || !isId(pair[0].trim()) || !isId(pair[1].trim())) {
        return key
            + " must be '*' or a list of partition:node pairs such as '0:1,0:2', not '"
            + value
            + "' (bad item '"
            + item.trim()
            + "')";
      }
    }
    return null;
  }

  /** Whether a valid {@code list} names replica {@code node} of partition {@code index}. */
  static boolean contains(String list, int index, int node) {
    String v = list.trim();
    if (v.equals("*")) {
      return true;
    }
    if (v.isEmpty()) {
      return false;
    }
    for (String item : v.split(",")) {
      String[] pair = item.trim().split(":");
      if (pair.length == 2
          && pair[0].trim().equals(Integer.toString(index))
          && pair[1].trim().equals(Integer.toString(node))) {
        return true;
      }
    }
    return false;
  }

  private static boolean isId(String s) {
    if (s.isEmpty() || s.length() > 10) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (!Character.isDigit(s.charAt(i))) {
        return false;
      }
    }
    try {
      Integer.parseInt(s);
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }
}
