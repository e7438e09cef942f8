package dev.meridian.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;

/**
 * The REST control plane's settings ({@code controlPlane}): its bearer tokens. With none, every
 * change is accepted from anyone (a node says so at WARN when it starts), which suits a laptop, not
 * a deployment. The nodes of the file use the strongest token of the file for what they ask each
 * other (a failover fences its source through the source's control plane), as {@code ops/meridian
 * ctl} does.
 *
 * <p>{@code allowHalt} lets an admin halt a node through {@code POST /v1/halt}, as a region-loss
 * drill does to every node of its source region (off by default: a drill environment opts in).
 *
 * <p>{@code tls} makes the control plane HTTPS ({@link ControlPlaneTls}).
 *
 * @param tokens the bearer tokens; copied, {@code null} is taken as none
 * @param allowHalt whether {@code POST /v1/halt} may stop this file's nodes
 * @param tls HTTPS settings, or {@code null} for plain HTTP
 */
public record ControlPlaneSettings(List<ApiToken> tokens, boolean allowHalt, ControlPlaneTls tls) {
  /** No tokens: changes are not authenticated; nodes cannot be halted; plain HTTP. */
  public static final ControlPlaneSettings DEFAULTS =
      new ControlPlaneSettings(List.of(), false, null);

  /** Copies the list. */
  public ControlPlaneSettings {
    tokens = tokens == null ? List.of() : List.copyOf(tokens);
  }

  /** Plain HTTP. */
  public ControlPlaneSettings(List<ApiToken> tokens, boolean allowHalt) {
    this(tokens, allowHalt, null);
  }

  /** {@code https} with TLS, else {@code http}. */
  public String scheme() {
    return tls == null ? "http" : "https";
  }

  /** Whether changes need no token (none is configured). */
  public boolean open() {
    return tokens.isEmpty();
  }

  /** The token whose secret is {@code presented}, compared in constant time. */
  public Optional<ApiToken> find(String presented) {
    if (presented == null) {
      return Optional.empty();
    }
    byte[] p = presented.getBytes(StandardCharsets.UTF_8);
    ApiToken found = null;
    for (ApiToken t : tokens) {
      if (t.token() != null
          && MessageDigest.isEqual(p, t.token().getBytes(StandardCharsets.UTF_8))) {
        found = t;
      }
    }
    return Optional.ofNullable(found);
  }

  /**
   * The token a client of the file's nodes sends: the first admin token, else operator; or none.
   */
  public Optional<ApiToken> clientToken() {
    for (String role : List.of("admin", "operator")) {
      for (ApiToken t : tokens) {
        if (role.equals(t.role())) {
          return Optional.of(t);
        }
      }
    }
    return Optional.empty();
  }
}
