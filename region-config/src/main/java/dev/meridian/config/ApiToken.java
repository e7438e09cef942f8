package dev.meridian.config;

import java.util.List;

/**
 * A bearer token of the REST control plane ({@code controlPlane.tokens[]}): who presents it ({@code
 * name}, written to the audit trail), the secret itself ({@code token}, at least 16 characters),
 * and what it may do ({@code role}): {@code read-only} (what anyone may: read), {@code operator}
 * (also pause and resume links, fail over and back, run drills, fence and adopt topics, change
 * topic configs, rebalance), {@code admin} (also create, replace and delete links, create and
 * delete topics).
 *
 * @param name who uses the token, e.g. {@code ops} (unique in the file)
 * @param token the secret a client sends as {@code Authorization: Bearer <token>}
 * @param role {@code read-only}, {@code operator} or {@code admin}
 */
public record ApiToken(String name, String token, String role) {
  /** The roles, weakest first. */
  public static final List<String> ROLES = List.of("read-only", "operator", "admin");

  /** The shortest token accepted. */
  public static final int MIN_TOKEN_LENGTH = 16;

  /** Whether this token's role is at least {@code needed}. */
  public boolean allows(String needed) {
    return ROLES.indexOf(role) >= ROLES.indexOf(needed);
  }

  /** The name and role, never the secret. */
  @Override
  public String toString() {
    return "ApiToken[" + name + ", " + role + "]";
  }
}
