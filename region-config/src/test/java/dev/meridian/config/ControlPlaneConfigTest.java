package dev.meridian.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code controlPlane} section: bearer tokens, their roles, path-precise problems. */
class ControlPlaneConfigTest {
  private static final String REGION =
      """
      regions:
        - name: east
          nodes: [{id: 1, host: 127.0.0.1, kafkaPort: 9092, httpPort: 8080, dataDir: e}]
      """;

  @Test
  void tokensAreReadWithTheirRolesAndTheStrongestIsWhatClientsSend() throws ConfigException {
    MeridianConfig c =
        ConfigLoader.parse(
            REGION
                + """
                controlPlane:
                  tokens:
                    - {name: dashboard, token: "viewer-0123456789ab", role: read-only}
                    - {name: oncall, token: "operator-0123456789"}
                    - {name: ops, token: "admin-0123456789abcd", role: admin}
                """,
            "t.yaml");
    ControlPlaneSettings cp = c.controlPlane();
    assertEquals(3, cp.tokens().size());
    assertEquals("operator", cp.tokens().get(1).role(), "the default role");
    assertEquals("ops", cp.clientToken().orElseThrow().name());
    assertEquals("oncall", cp.find("operator-0123456789").orElseThrow().name());
    assertTrue(cp.find("operator-012345678").isEmpty());
    assertTrue(cp.find(null).isEmpty());
    assertTrue(cp.tokens().get(2).allows("operator") && !cp.tokens().get(1).allows("admin"));
    assertTrue(!cp.tokens().get(0).toString().contains("viewer-0123"), "never the secret");
    assertEquals(c, ConfigLoader.parse(ConfigLoader.toYaml(c), "again"), "round trip");
    assertTrue(ConfigLoader.parse(REGION, "t").controlPlane().open(), "no tokens: open");
  }

  @Test
  void badTokensAreNamedByTheirPath() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                ConfigLoader.parse(
                    REGION
                        + """
                        controlPlane:
                          tokens:
                            - {name: Ops, token: "short", role: root}
                            - {name: a, token: "same-secret-0123456789"}
                            - {name: a, token: "same-secret-0123456789"}
                            - {token: "x", bogus: 1}
                        """,
                    "t.yaml"));
    List<String> problems = e.problems().stream().map(ConfigProblem::toString).toList();
    assertTrue(
        problems.containsAll(
            List.of(
                "controlPlane.tokens[0].name: 'Ops' is not a valid name (lowercase letters,"
                    + " digits, '-')",
                "controlPlane.tokens[0].token: is 5 characters; at least 16",
                "controlPlane.tokens[0].role: 'root' is not one of [read-only, operator, admin]",
                "controlPlane.tokens[2].name: 'a' is used twice",
                "controlPlane.tokens[2].token: is the same as another token's",
                "controlPlane.tokens[3].bogus: unknown key")),
        problems.toString());
  }

  @Test
  void haltsAreAllowedOnlyWhenTheFileSaysSo() throws ConfigException {
    assertTrue(!ConfigLoader.parse(REGION, "t").controlPlane().allowHalt(), "off by default");
    MeridianConfig c = ConfigLoader.parse(REGION + "controlPlane: {allowHalt: true}\n", "t.yaml");
    assertTrue(c.controlPlane().allowHalt());
    assertTrue(c.controlPlane().open(), "no tokens still");
    assertEquals(c, ConfigLoader.parse(ConfigLoader.toYaml(c), "again"), "round trip");
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> ConfigLoader.parse(REGION + "controlPlane: {allowHalt: maybe}\n", "t.yaml"));
    assertTrue(e.getMessage().contains("controlPlane.allowHalt"), e.getMessage());
  }

  @Test
  void tlsNeedsAKeyStoreItsPasswordOpensAndNeverShowsThePassword(@TempDir Path dir)
      throws Exception {
    Path store = dir.resolve("cp.p12");
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    try (OutputStream out = Files.newOutputStream(store)) {
      ks.store(out, "right-password".toCharArray());
    }
    MeridianConfig c =
        ConfigLoader.parse(
            REGION
                + "controlPlane:\n  tls: {keyStore: \""
                + store
                + "\", keyStorePassword: right-password}\n",
            "t.yaml");
    ControlPlaneTls tls = c.controlPlane().tls();
    assertEquals("https", c.controlPlane().scheme());
    assertEquals(store.toString(), tls.effectiveTrustStore(), "clients trust the key store");
    assertTrue(!tls.toString().contains("right-password") && !c.toString().contains("right"));
    assertEquals(c, ConfigLoader.parse(ConfigLoader.toYaml(c), "again"), "round trip");
    assertEquals("http", ConfigLoader.parse(REGION, "t").controlPlane().scheme());

    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                ConfigLoader.parse(
                    REGION
                        + "controlPlane:\n  tls: {keyStore: \""
                        + store
                        + "\", keyStorePassword: wrong, trustStore: /nowhere.p12, extra: 1}\n",
                    "t.yaml"));
    List<String> problems = e.problems().stream().map(ConfigProblem::toString).toList();
    assertTrue(
        problems.stream().anyMatch(p -> p.startsWith("controlPlane.tls.keyStore: '" + store)),
        problems.toString());
    assertTrue(
        problems.contains("controlPlane.tls.trustStore: cannot read '/nowhere.p12'"),
        problems.toString());
    assertTrue(problems.contains("controlPlane.tls.extra: unknown key"), problems.toString());
    ConfigException missing =
        assertThrows(
            ConfigException.class,
            () -> ConfigLoader.parse(REGION + "controlPlane: {tls: {keyStore: x.p12}}\n", "t"));
    assertTrue(
        missing.problems().stream()
            .map(ConfigProblem::toString)
            .anyMatch(p -> p.startsWith("controlPlane.tls.keyStorePassword: ")),
        missing.problems().toString());
  }
}
