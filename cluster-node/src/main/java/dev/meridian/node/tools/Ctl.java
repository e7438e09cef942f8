package dev.meridian.node.tools;

import dev.meridian.config.ConfigException;
import dev.meridian.config.ConfigLoader;
import dev.meridian.config.LinkConfig;
import dev.meridian.config.MeridianConfig;
import dev.meridian.config.NodeConfig;
import dev.meridian.config.RegionConfig;
import dev.meridian.node.http.ControlPlaneClients;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code ops/meridian ctl}: the control plane from a shell. Finds the nodes' REST ports in the
 * config file (the default local deployment's when none is given), so it works with no flags.
 *
 * <pre>
 * ctl [--config FILE] [--region R] [--json] topics
 * ctl ... topics create NAME [--partitions N] [--replication-factor N] [--set K=V]...
 * ctl ... topics delete NAME | topics config NAME [--set K=V]... [--delete K]...
 * ctl ... links                      every link of every region of the file
 * ctl ... link NAME
 * ctl ... failover LINK --planned|--unplanned [--reverse]   waits, printing each state, until it ends
 * ctl ... failback LINK   the same for a failback (the old source returned)
 * ctl ... drill run --link LINK [--scenario planned|unplanned|region-loss] [--records N]
 *     [--fail-back] [--down-for SECONDS]
 *                         waits, printing each step, until the drill ends; then its summary
 * ctl ... drills | drill ID
 * ctl ... audit           the region's changes through the control plane, the newest first
 * ctl ... operations | operation ID
 * </pre>
 *
 * Exit codes: 0 success (a failover COMPLETED), 1 the control plane refused or the operation rolled
 * back or failed, 2 bad usage or config, 3 no node answered. Changes carry the file's strongest
 * control plane token ({@code controlPlane.tokens}: the first admin one, else operator).
 */
public final class Ctl {
  static final int OK = 0;
  static final int REFUSED = 1;
  static final int USAGE = 2;
  static final int UNREACHABLE = 3;
  private static final Duration FAILOVER_WAIT = Duration.ofMinutes(5);
  private static final Set<String> ENDED = Set.of("COMPLETED", "ROLLED_BACK", "FAILED");

  private final MeridianConfig config;
  private final PrintStream out;
  private final PrintStream err;
  private final boolean json;
  private final String region;
  private final HttpClient http;

  Ctl(MeridianConfig config, String region, boolean json, PrintStream out, PrintStream err) {
    this.config = config;
    this.http = ControlPlaneClients.client(config.controlPlane());
    this.region = region;
    this.json = json;
    this.out = out;
    this.err = err;
  }

  public static void main(String[] args) {
    System.exit(
        run(List.of(args), Path.of("region-config/examples/local.yaml"), System.out, System.err));
  }

  /**
   * Runs one command.
   *
   * @param defaultConfig the config file when {@code --config} is not given
   * @return the exit code
   */
  public static int run(List<String> args, Path defaultConfig, PrintStream out, PrintStream err) {
    Path file = defaultConfig;
    String region = null;
    boolean json = false;
    List<String> rest = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      switch (a) {
        case "--config", "--region" -> {
          if (i + 1 >= args.size()) {
            err.println("ctl: " + a + " needs a value");
            return USAGE;
          }
          if (a.equals("--config")) {
            file = Path.of(args.get(++i));
          } else {
            region = args.get(++i);
          }
        }
        case "--json" -> json = true;
        default -> rest.add(a);
      }
    }
    MeridianConfig config;
    try {
      config = ConfigLoader.load(file);
    } catch (ConfigException e) {
      err.println("ctl: " + e.getMessage());
      return USAGE;
    }
    if (region != null && config.region(region).isEmpty()) {
      err.println("ctl: --region: no region '" + region + "' in " + file);
      return USAGE;
    }
    return new Ctl(config, region, json, out, err).command(rest);
  }

  int command(List<String> args) {
    if (args.isEmpty()) {
      return usage("a command is needed");
    }
    try {
      return switch (args.get(0)) {
        case "topics" ->
            args.size() == 1 ? print(get(regionOrFirst(), "/v1/topics")) : topicChange(args);
        case "links" -> links();
        case "link" ->
            args.size() == 2
                ? print(get(regionOfLink(args.get(1)), "/v1/links/" + args.get(1)))
                : usage("link NAME");
        case "operations" -> print(get(regionOrFirst(), "/v1/operations"));
        case "operation" ->
            args.size() == 2
                ? print(get(regionOrFirst(), "/v1/operations/" + args.get(1)))
                : usage("operation ID");
        case "failover" -> failover(args);
        case "failback" -> failback(args);
        case "drills" -> print(get(regionOrFirst(), "/v1/drills"));
        case "audit" -> print(get(regionOrFirst(), "/v1/audit"));
        case "drill" ->
            args.size() >= 2 && args.get(1).equals("run")
                ? drill(args)
                : args.size() == 2
                    ? print(get(regionOrFirst(), "/v1/drills/" + args.get(1)))
                    : usage("drill run --link LINK ... | drill ID");
        default -> usage("unknown command '" + args.get(0) + "'");
      };
    } catch (Unreachable e) {
      err.println("ctl: " + e.getMessage());
      return UNREACHABLE;
    } catch (Refused e) {
      err.println("ctl: " + e.getMessage());
      return REFUSED;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return REFUSED;
    }
  }

  private int usage(String why) {
    err.println("ctl: " + why);
    err.println(
        "usage: ctl [--config FILE] [--region R] [--json] topics [create|delete|config NAME ...] | links | link NAME | failover"
            + " LINK --planned|--unplanned [--reverse] | failback LINK | operations | operation ID |"
            + " drill run --link LINK [--scenario planned|unplanned|region-loss] [--records N]"
            + " [--fail-back] [--down-for SECONDS] |"
            + " drills | drill ID | audit");
    return USAGE;
  }

  /** An answer of the control plane: status and body. */
  record Answer(int status, String body) {}

  private static final class Unreachable extends Exception {
    Unreachable(String m) {
      super(m);
    }
  }

  private static final class Refused extends Exception {
    Refused(String m) {
      super(m);
    }
  }

  private RegionConfig regionOrFirst() {
    return region != null ? config.region(region).orElseThrow() : config.regions().get(0);
  }

  /** The link's target region: where it runs and fails over. */
  private RegionConfig regionOfLink(String name) {
    if (region != null) {
      return config.region(region).orElseThrow();
    }
    return config.links().stream()
        .filter(l -> l.name().equals(name))
        .findFirst()
        .flatMap(l -> config.region(l.target()))
        .orElseGet(this::regionOrFirst);
  }

  private Answer send(RegionConfig r, String method, String path, String body)
      throws Unreachable, InterruptedException {
    List<String> failed = new ArrayList<>();
    for (NodeConfig n : r.nodes()) {
      if (n.httpPort() == 0) {
        continue;
      }
      URI uri = ControlPlaneClients.uri(config.controlPlane(), n.host(), n.httpPort(), path);
      try {
        HttpRequest.Builder b =
            HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(30))
                .header("content-type", "application/json");
        config // the file's strongest token, for changes
            .controlPlane()
            .clientToken()
            .ifPresent(t -> b.header("Authorization", "Bearer " + t.token()));
        b.method(
            method,
            body == null
                ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> resp = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(resp.statusCode(), resp.body());
      } catch (IOException e) {
        failed.add(uri + ": " + (e.getMessage() == null ? e.toString() : e.getMessage()));
      }
    }
    throw new Unreachable(
        failed.isEmpty()
            ? "the nodes of region " + r.name() + " have no fixed httpPort in the config"
            : "no node of region " + r.name() + " answered: " + failed);
  }

  private String get(RegionConfig r, String path)
      throws Unreachable, Refused, InterruptedException {
    Answer a = send(r, "GET", path, null);
    if (a.status() != 200) {
      throw new Refused(problem(a));
    }
    return a.body();
  }

  private static String problem(Answer a) {
    try {
      JsonObject p = new JsonObject(a.body());
      return p.getInteger("status", a.status()) + " " + p.getString("detail", a.body());
    } catch (RuntimeException e) {
      return a.status() + " " + a.body();
    }
  }

  private int print(String body) {
    out.println(json ? body : readable(body));
    return OK;
  }

  private static String readable(String body) {
    Object v = body.trim().startsWith("[") ? new JsonArray(body) : new JsonObject(body);
    return v instanceof JsonArray a ? a.encodePrettily() : ((JsonObject) v).encodePrettily();
  }

  private int links() throws Unreachable, Refused, InterruptedException {
    JsonArray all = new JsonArray();
    for (RegionConfig r : config.regions()) {
      if (region != null && !r.name().equals(region)) {
        continue;
      }
      boolean hasLinks = config.links().stream().map(LinkConfig::target).anyMatch(r.name()::equals);
      if (region == null && !hasLinks) {
        continue;
      }
      new JsonArray(get(r, "/v1/links")).forEach(all::add);
    }
    if (json) {
      out.println(all.encode());
    } else {
      for (Object o : all) {
        JsonObject l = (JsonObject) o;
        long lag = 0;
        for (Object p : l.getJsonArray("partitions", new JsonArray())) {
          lag += ((JsonObject) p).getLong("lagRecords", 0L);
        }
        out.printf(
            "%-20s %-8s %-22s -> %-10s %-9s lag %d records%n",
            l.getString("name"),
            l.getString("mode"),
            l.getString("source"),
            l.getString("target"),
            l.getString("state"),
            lag);
      }
    }
    return OK;
  }

  private int failover(List<String> args) throws Unreachable, Refused, InterruptedException {
    if (args.size() < 3) {
      return usage("failover LINK --planned|--unplanned");
    }
    String link = args.get(1);
    String type;
    if (args.contains("--planned") == args.contains("--unplanned")) {
      return usage("failover needs one of --planned and --unplanned");
    }
    type = args.contains("--planned") ? "planned" : "unplanned";
    boolean reverse = args.contains("--reverse");
    RegionConfig target = regionOfLink(link);
    Answer a =
        send(
            target,
            "POST",
            "/v1/links/" + link + "/failover",
            new JsonObject().put("type", type).put("reverse", reverse).encode());
    return follow(target, a, "failover", link + " (" + type + ")");
  }

  private int failback(List<String> args) throws Unreachable, Refused, InterruptedException {
    if (args.size() != 2) {
      return usage("failback LINK");
    }
    String link = args.get(1);
    RegionConfig target = regionOfLink(link);
    return follow(
        target, send(target, "POST", "/v1/links/" + link + "/failback", null), "failback", link);
  }

  /**
   * {@code topics create NAME [--partitions N] [--replication-factor N] [--set K=V]...}, {@code
   * topics delete NAME}, {@code topics config NAME [--set K=V]... [--delete K]...}, in the region
   * of {@code --region} (or the file's first).
   */
  private int topicChange(List<String> args) throws Unreachable, Refused, InterruptedException {
    if (args.size() < 3) {
      return usage("topics create|delete|config NAME ...");
    }
    String name = args.get(2);
    Answer a;
    switch (args.get(1)) {
      case "create" -> {
        JsonObject body = new JsonObject().put("name", name).put("configs", pairs(args, "--set"));
        try {
          body.put("partitions", Integer.parseInt(option(args, "--partitions", "-1")));
          body.put(
              "replicationFactor", Integer.parseInt(option(args, "--replication-factor", "-1")));
        } catch (NumberFormatException e) {
          return usage("--partitions and --replication-factor need numbers");
        }
        a = send(regionOrFirst(), "POST", "/v1/topics", body.encode());
      }
      case "delete" -> a = send(regionOrFirst(), "DELETE", "/v1/topics/" + name, null);
      case "config" -> {
        JsonArray delete = new JsonArray();
        for (int i = 0; i + 1 < args.size(); i++) {
          if (args.get(i).equals("--delete")) {
            delete.add(args.get(i + 1));
          }
        }
        a =
            send(
                regionOrFirst(),
                "PATCH",
                "/v1/topics/" + name + "/configs",
                new JsonObject().put("set", pairs(args, "--set")).put("delete", delete).encode());
      }
      default -> {
        return usage("topics create|delete|config NAME ...");
      }
    }
    if (a.status() >= 300) {
      throw new Refused(problem(a));
    }
    out.println(a.body().isEmpty() ? (json ? "{}" : "deleted " + name) : a.body());
    return OK;
  }

  /** The {@code K=V} values after each {@code flag}. */
  private static JsonObject pairs(List<String> args, String flag) {
    JsonObject out = new JsonObject();
    for (int i = 0; i + 1 < args.size(); i++) {
      String v = args.get(i + 1);
      if (args.get(i).equals(flag) && v.indexOf('=') > 0) {
        out.put(v.substring(0, v.indexOf('=')), v.substring(v.indexOf('=') + 1));
      }
    }
    return out;
  }

  /** The value after {@code flag} in {@code args}, or {@code fallback}. */
  private static String option(List<String> args, String flag, String fallback) {
    int i = args.indexOf(flag);
    return i >= 0 && i + 1 < args.size() ? args.get(i + 1) : fallback;
  }

  private int drill(List<String> args) throws Unreachable, Refused, InterruptedException {
    String link = option(args, "--link", null);
    if (link == null) {
      return usage("drill run needs --link LINK");
    }
    JsonObject body =
        new JsonObject()
            .put("link", link)
            .put("scenario", option(args, "--scenario", "planned"))
            .put("failBack", args.contains("--fail-back"));
    try {
      body.put("records", Integer.parseInt(option(args, "--records", "2000")));
    } catch (NumberFormatException e) {
      return usage("--records needs a number");
    }
    String downFor = option(args, "--down-for", null);
    if (downFor != null) {
      try {
        body.put("downForMs", Math.toIntExact(Math.round(Double.parseDouble(downFor) * 1000)));
      } catch (NumberFormatException | ArithmeticException e) {
        return usage("--down-for needs seconds");
      }
    }
    RegionConfig target = regionOfLink(link);
    Answer a = send(target, "POST", "/v1/drills", body.encode());
    if (a.status() != 202) {
      throw new Refused(problem(a));
    }
    JsonObject d = new JsonObject(a.body());
    String id = d.getString("id");
    if (!json) {
      out.println(
          "drill " + id + " of link " + link + " (" + body.getString("scenario") + ") started");
    }
    int shown = 0;
    long deadline = System.nanoTime() + FAILOVER_WAIT.toNanos();
    while (true) {
      JsonArray steps = d.getJsonArray("steps", new JsonArray());
      if (!json) {
        for (; shown < steps.size(); shown++) {
          out.println("  " + steps.getJsonObject(shown).getString("step"));
        }
      }
      if (!"RUNNING".equals(d.getString("state"))) {
        break;
      }
      if (System.nanoTime() > deadline) {
        throw new Refused(
            "drill " + id + " still " + d.getString("step") + " after " + FAILOVER_WAIT);
      }
      Thread.sleep(200); // polling the control plane between two answers
      Answer now = send(target, "GET", "/v1/drills/" + id, null);
      if (now.status() == 200) {
        d = new JsonObject(now.body());
      }
    }
    out.println(json ? d.encode() : d.getString("summary"));
    return "PASSED".equals(d.getString("state")) ? OK : REFUSED;
  }

  /** Prints an operation's states as it passes them until it ends; 0 only when it COMPLETED. */
  private int follow(RegionConfig target, Answer a, String what, String of)
      throws Unreachable, Refused, InterruptedException {
    if (a.status() != 202) {
      throw new Refused(problem(a));
    }
    JsonObject op = new JsonObject(a.body());
    String id = op.getString("id");
    if (!json) {
      out.println(what + " " + id + " of link " + of + " started");
    }
    int shown = 0;
    long deadline = System.nanoTime() + FAILOVER_WAIT.toNanos();
    while (true) {
      JsonArray history = op.getJsonArray("history");
      if (!json) {
        for (; shown < history.size(); shown++) {
          JsonObject h = history.getJsonObject(shown);
          out.println(
              "  "
                  + h.getString("state")
                  + (h.getString("note") == null ? "" : "  " + h.getString("note")));
        }
      }
      if (ENDED.contains(op.getString("state"))) {
        break;
      }
      if (System.nanoTime() > deadline) {
        throw new Refused(
            what + " " + id + " still " + op.getString("state") + " after " + FAILOVER_WAIT);
      }
      Thread.sleep(200); // polling the control plane between two answers
      op = new JsonObject(get(target, "/v1/operations/" + id));
    }
    if (json) {
      out.println(op.encode());
    } else if ("FAILBACK".equals(op.getString("type"))) {
      out.printf(
          "%s: %d records of the old source kept in quarantine%s%n",
          op.getString("state"),
          op.getLong("quarantinedRecords", 0L),
          op.getString("reason") == null ? "" : "; " + op.getString("reason"));
    } else {
      out.printf(
          "%s: RTO %d ms, RPO %d records (%d ms)%s%n",
          op.getString("state"),
          op.getLong("rtoMs"),
          op.getLong("rpoRecords"),
          op.getLong("rpoMs"),
          op.getString("reason") == null ? "" : "; " + op.getString("reason"));
    }
    return "COMPLETED".equals(op.getString("state")) ? OK : REFUSED;
  }
}
