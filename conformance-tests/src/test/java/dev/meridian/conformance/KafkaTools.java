package dev.meridian.conformance;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs one of Apache Kafka's own command-line tools (the {@code kafka-tools} jar on the test class
 * path: {@code kafka-reassign-partitions}, {@code kafka-configs}, {@code kafka-log-dirs}, ...) in a
 * child JVM, exactly as its shell script would, with a hard timeout.
 */
final class KafkaTools {
  static final String REASSIGN_PARTITIONS =
      "org.apache.kafka.tools.reassign.ReassignPartitionsCommand";
  static final String CONFIGS = "org.apache.kafka.tools.ConfigCommand";
  static final String LOG_DIRS = "org.apache.kafka.tools.LogDirsCommand";
  static final String LEADER_ELECTION = "org.apache.kafka.tools.LeaderElectionCommand";
  static final String FEATURES = "org.apache.kafka.tools.FeatureCommand";
  static final String CONSUMER_GROUPS =
      "org.apache.kafka.tools.consumer.group.ConsumerGroupCommand";

  static final String CONSOLE_CONSUMER = "org.apache.kafka.tools.consumer.ConsoleConsumer";

  private KafkaTools() {}

  static final String MIRROR_MAKER = "org.apache.kafka.connect.mirror.MirrorMaker";

  /**
   * Starts {@code mainClass} with {@code args} in {@code dir} and returns the running process, its
   * output and errors in {@link #logFile} (with no log4j2 configuration a Kafka tool prints only
   * its ERROR lines there); the caller stops it by its PID.
   */
  static Process start(Path dir, String mainClass, String... args) throws Exception {
    return startWithClassPath(dir, System.getProperty("java.class.path"), mainClass, args);
  }

  /** {@link #start} with its own class path. */
  static Process startWithClassPath(Path dir, String classPath, String mainClass, String... args)
      throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    command.add(mainClass);
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
    pb.environment().put("CLASSPATH", classPath);
    pb.redirectErrorStream(true);
    pb.redirectOutput(dir.resolve(logFile(mainClass)).toFile());
    return pb.start();
  }

  /** The file in its directory that {@link #start} writes a tool's output to. */
  static String logFile(String mainClass) {
    return mainClass.substring(mainClass.lastIndexOf('.') + 1) + ".log";
  }

  /** Runs {@code mainClass} with {@code args} in {@code dir}; at most one minute. */
  static ExternalProcess.Result run(Path dir, String mainClass, String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    command.add(mainClass);
    command.addAll(List.of(args));
    // the class path through the environment keeps the command short in assertion messages
    return ExternalProcess.run(
        command,
        dir,
        null,
        Duration.ofSeconds(60),
        Map.of("CLASSPATH", System.getProperty("java.class.path")));
  }
}
