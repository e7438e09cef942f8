package dev.meridian.config;

import java.util.List;
import java.util.Objects;

/**
 * A configuration could not be loaded or is invalid. Carries every problem found, not only the
 * first, so that an operator can fix a file in one pass.
 *
 * <p>The message is multi-line: a header {@code <source>: N problem(s)} followed by one line per
 * problem, {@code " <path>: <reason>"}.
 */
public final class ConfigException extends Exception {

  private final String sourceName;
  private final List<ConfigProblem> problems;

  /**
   * Creates an exception.
   *
   * @param sourceName the file or other source the configuration came from
   * @param problems the problems found; must not be empty
   */
  public ConfigException(String sourceName, List<ConfigProblem> problems) {
    super(format(sourceName, problems));
    this.sourceName = sourceName;
    this.problems = List.copyOf(problems);
  }

  /** The file or other source the configuration came from, as passed to the loader. */
  public String sourceName() {
    return sourceName;
  }

  /** Every problem found, in document order where possible; never empty. */
  public List<ConfigProblem> problems() {
    return problems;
  }

  private static String format(String sourceName, List<ConfigProblem> problems) {
    Objects.requireNonNull(sourceName, "sourceName");
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("a ConfigException needs at least one problem");
    }
    StringBuilder message = new StringBuilder(sourceName).append(": ").append(problems.size());
    message.append(problems.size() == 1 ? " problem" : " problems");
    for (ConfigProblem problem : problems) {
      message.append('\n').append("  ").append(problem);
    }
    return message.toString();
  }
}
