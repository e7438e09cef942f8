package dev.meridian.node.controller;

import dev.meridian.node.metadata.TopicConfigDef;
import dev.meridian.node.metadata.TopicConfigs;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.kafka.common.protocol.Errors;

/**
 * Incremental changes to a topic's config overrides, as IncrementalAlterConfigs sends them: {@code
 * SET} a value, {@code DELETE} the override (the node default applies again), {@code APPEND} or
 * {@code SUBTRACT} items of a list-type config ({@code cleanup.policy} and the throttled-replica
 * lists, see {@link TopicConfigDef#isList()}). APPEND and SUBTRACT start from the topic's effective
 * value (its override, else the node default).
 *
 * <p>A request is applied as a whole or not at all: the first bad operation fails it. Pure
 * function, no I/O.
 */
public final class TopicConfigUpdate {
  /** The operation codes of the protocol (Kafka's {@code AlterConfigOp.OpType} ids). */
  public enum OpType {
    SET,
    DELETE,
    APPEND,
    SUBTRACT;

    /** The operation for a wire id, or empty for an unknown id. */
    public static Optional<OpType> forId(byte id) {
      return id >= 0 && id < values().length ? Optional.of(values()[id]) : Optional.empty();
    }
  }

  /**
   * One operation.
   *
   * @param key the topic config key
   * @param type what to do
   * @param value the value (SET), or the comma-separated items (APPEND, SUBTRACT); ignored for
   *     DELETE
   */
  public record Op(String key, OpType type, String value) {}

  /** Keys whose values are comma-separated lists. */
  static final Set<String> LIST_KEYS =
      TopicConfigDef.ALL.values().stream()
          .filter(TopicConfigDef::isList)
          .map(TopicConfigDef::name)
          .collect(Collectors.toCollection(TreeSet::new));

  private TopicConfigUpdate() {}

  /**
   * Applies {@code ops} to {@code overrides}, validating each resulting value.
   *
   * @return the new overrides
   * @throws ControllerException INVALID_REQUEST for a duplicate key or a missing value,
   *     INVALID_CONFIG for an unknown key, APPEND/SUBTRACT on a non-list key or an invalid value
   */
  public static Map<String, String> apply(
      TopicConfigs configs, Map<String, String> overrides, List<Op> ops)
      throws ControllerException {
    requireDistinctKeys(ops);
    Map<String, String> next = new TreeMap<>(overrides);
    for (Op op : ops) {
      String key = op.key();
      if (!configs.isKnown(key)) {
        throw new ControllerException(Errors.INVALID_CONFIG, "Unknown topic config '" + key + "'.");
      }
      if (op.type() != OpType.DELETE && op.value() == null) {
        throw new ControllerException(
            Errors.INVALID_REQUEST, "Null value for " + op.type() + " of '" + key + "'.");
      }
      switch (op.type()) {
        case SET -> next.put(key, op.value());
        case DELETE -> next.remove(key);
        case APPEND, SUBTRACT -> next.put(key, listOp(configs, next, op));
        default -> throw new IllegalStateException(op.type().toString());
      }
      String problem = configs.validate(key, next.get(key));
      if (problem != null) {
        throw new ControllerException(Errors.INVALID_CONFIG, problem);
      }
    }
    String conflict = configs.conflict(next);
    if (conflict != null) {
      throw new ControllerException(Errors.INVALID_CONFIG, conflict);
    }
    return next;
  }

  /** INVALID_REQUEST when a key is named twice in one resource (topic or node). */
  static void requireDistinctKeys(List<Op> ops) throws ControllerException {
    Set<String> seen = new HashSet<>();
    for (Op op : ops) {
      if (!seen.add(op.key())) {
        throw new ControllerException(
            Errors.INVALID_REQUEST, "Duplicate config key '" + op.key() + "' in one resource.");
      }
    }
  }

  private static String listOp(TopicConfigs configs, Map<String, String> current, Op op)
      throws ControllerException {
    if (!LIST_KEYS.contains(op.key())) {
      throw new ControllerException(
          Errors.INVALID_CONFIG,
          op.type()
              + " is only allowed on list-type configs "
              + LIST_KEYS
              + ", not on '"
              + op.key()
              + "'.");
    }
    List<String> items = new ArrayList<>(items(configs.value(current, op.key())));
    List<String> given = items(op.value());
    if (op.type() == OpType.APPEND) {
      for (String v : given) {
        if (!items.contains(v)) {
          items.add(v);
        }
      }
    } else {
      items.removeAll(given);
    }
    return String.join(",", items);
  }

  private static List<String> items(String list) {
    if (list == null) {
      return List.of();
    }
    return Arrays.stream(list.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }
}
