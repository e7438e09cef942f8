package dev.meridian.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line and config errors of {@link NodeMain}: exit code 2 and a precise message. */
class NodeMainTest {

  @TempDir Path tmp;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return NodeMain.run(
        args,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void noArgumentsIsAUsageError() {
    assertEquals(2, run());
    assertTrue(err().contains("--config is required"), err());
    assertTrue(err().contains("usage: meridian-node"), err());
  }

  @Test
  void missingNodeIdIsAUsageError() throws IOException {
    Path config = TestConfigs.writeEphemeral(tmp, 1);
    assertEquals(2, run("--config", config.toString()));
    assertTrue(err().contains("--node-id is required"), err());
  }

  @Test
  void nonNumericNodeIdIsNamed() {
    assertEquals(2, run("--config", "x.yaml", "--node-id", "one"));
    assertTrue(err().contains("--node-id 'one' is not an integer"), err());
  }

  @Test
  void optionWithoutValueIsNamed() {
    assertEquals(2, run("--node-id", "1", "--config"));
    assertTrue(err().contains("--config needs a value"), err());
  }

  @Test
  void unknownArgumentIsNamed() {
    assertEquals(2, run("--config", "x.yaml", "--node-id", "1", "--verbose"));
    assertTrue(err().contains("unknown argument '--verbose'"), err());
  }

  @Test
  void helpPrintsUsageAndSucceeds() {
    assertEquals(0, run("--help"));
    assertTrue(out().contains("--data-dir DIR"), out());
    assertEquals("", err());
  }

  @Test
  void missingConfigFileIsNamed() {
    Path missing = tmp.resolve("nope.yaml");
    assertEquals(2, run("--config", missing.toString(), "--node-id", "1"));
    assertTrue(err().contains(missing.toString()), err());
    assertTrue(err().contains("no such file"), err());
  }

  @Test
  void invalidConfigNamesFileFieldAndReason() throws IOException {
    Path config =
        TestConfigs.write(
            tmp.resolve("bad.yaml"),
            """
            regions:
              - name: east
                nodes:
                  - id: 1
                    host: 127.0.0.1
                    kafkaPort: 70000
                    httpPort: 0
                    dataDir: east-1
            """);
    assertEquals(2, run("--config", config.toString(), "--node-id", "1"));
    assertTrue(err().contains(config.toString()), err());
    assertTrue(err().contains("regions[0].nodes[0].kafkaPort"), err());
    assertTrue(err().contains("70000"), err());
  }

  @Test
  void unknownNodeIdListsTheNodesOfTheFile() throws IOException {
    Path config = TestConfigs.writeEphemeral(tmp, 2);
    assertEquals(2, run("--config", config.toString(), "--node-id", "7"));
    assertTrue(err().contains(config.toString()), err());
    assertTrue(err().contains("--node-id 7: no such node; the file has nodes 1, 2"), err());
  }

  @Test
  void listNodesPrintsOneTabSeparatedLinePerNode() throws IOException {
    Path config = TestConfigs.writeEphemeral(tmp, 2);
    Path data = tmp.resolve("data");
    assertEquals(0, run("--config=" + config, "--list-nodes", "--data-dir", data.toString()));
    String[] lines = out().strip().split("\n");
    assertEquals(2, lines.length, out());
    assertEquals(
        String.join(
            "\t", "2", "east", "127.0.0.1", "0", "0", data.resolve("east-2").toString(), "http"),
        lines[1]);
  }
}
