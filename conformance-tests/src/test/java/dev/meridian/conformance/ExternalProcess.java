package dev.meridian.conformance;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a non-Java client (kcat, node, npm) as a child process with a hard timeout. Output goes to
 * files, so a chatty process never blocks on a full pipe, and both streams end up in {@link
 * Result#describe()} for assertion messages.
 */
final class ExternalProcess {
  private ExternalProcess() {}

  /**
   * How one run ended.
   *
   * @param exitCode the exit code, or -1 when it was killed at the timeout
   */
  record Result(
      List<String> command, int exitCode, boolean timedOut, String stdout, String stderr) {
    boolean ok() {
      return exitCode == 0 && !timedOut;
    }

    /** The command, how it ended and everything it printed. */
    String describe() {
      return String.join(" ", command)
          + (timedOut ? " timed out" : " exited " + exitCode)
          + "\n--- stdout ---\n"
          + tail(stdout)
          + "\n--- stderr ---\n"
          + tail(stderr);
    }

    private static String tail(String s) {
      int max = 20_000;
      return s.length() <= max ? s : "... " + s.substring(s.length() - max);
    }
  }

  /**
   * Runs {@code command} in {@code dir} with {@code stdin} as its input (empty when null); after
   * {@code timeout} the process and its children are killed and the result says so.
   */
  static Result run(
      List<String> command, Path dir, String stdin, Duration timeout, Map<String, String> env)
      throws IOException, InterruptedException {
    Path out = Files.createTempFile("meridian-proc-", ".out");
    Path err = Files.createTempFile("meridian-proc-", ".err");
    Path in = Files.createTempFile("meridian-proc-", ".in");
    try {
      Files.writeString(in, stdin == null ? "" : stdin, StandardCharsets.UTF_8);
      ProcessBuilder pb =
          new ProcessBuilder(command)
              .directory(dir.toFile())
              .redirectInput(in.toFile())
              .redirectOutput(out.toFile())
              .redirectError(err.toFile());
      pb.environment().putAll(env);
      Process p = pb.start();
      boolean finished = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (!finished) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
      }
      return new Result(
          List.copyOf(command),
          finished ? p.exitValue() : -1,
          !finished,
          Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
      Files.deleteIfExists(in);
    }
  }

  static Result run(List<String> command, String stdin, Duration timeout)
      throws IOException, InterruptedException {
    return run(command, Path.of("."), stdin, timeout, Map.of());
  }

  /**
   * What {@code command} prints (stdout, else stderr) when it runs and exits 0 within 30 s; null
   * when it is not installed or fails. For version probes ({@code node --version}).
   */
  static String probe(List<String> command) {
    try {
      Result r = run(command, null, Duration.ofSeconds(30));
      if (!r.ok()) {
        return null;
      }
      return (r.stdout().isBlank() ? r.stderr() : r.stdout()).strip();
    } catch (IOException e) {
      return null; // not on the PATH
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}
