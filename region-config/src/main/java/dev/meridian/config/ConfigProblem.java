package dev.meridian.config;

import java.util.Objects;

/**
 * One problem found in a configuration: where it is and what is wrong.
 *
 * @param path where the problem is, in the YAML key syntax of the file, for example {@code
 *     regions[0].nodes[1].kafkaPort}; {@code (root)} for the document as a whole, {@code (file)}
 *     when the file cannot be read, or {@code line L, column C} for a YAML syntax error
 * @param reason what is wrong, starting with the offending value where there is one, for example
 *     {@code 70000 is not a port}
 */
public record ConfigProblem(String path, String reason) {

  /** Validates the components. */
  public ConfigProblem {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(reason, "reason");
  }

  /** Returns {@code path: reason}. */
  @Override
  public String toString() {
    return path + ": " + reason;
  }
}
