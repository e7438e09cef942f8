package dev.meridian.node.failover;

import dev.meridian.config.LinkConfig;
import dev.meridian.failover.FailoverOperation;
import dev.meridian.node.link.LinkService;
import dev.meridian.node.metadata.OperationCodec;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One drill, step by step: PREPARING (the drill topic at the source, mirrored here; the group
 * starts at its ends), PRODUCING (half the records written at the source; the group reads a quarter
 * there and commits), FAILING_OVER (a planned failover while the producer keeps writing to the
 * source, or an unplanned one after it stopped: the source region is lost to its clients, and
 * fenced once promoted here so that it takes no writes), RESUMING (the producer writes the rest
 * here; the group resumes here at its copied offsets), VERIFYING (every acknowledged record that
 * should be here read once, no gap, order per partition, checksum; RPO: what the source
 * acknowledged and this region never got; RTO: from the failover's start to the first write
 * acknowledged here), then optionally FAILING_BACK. The report ends PASSED or FAILED with the
 * reason. A region-loss drill runs as an unplanned one whose source region's nodes are halted
 * (crashed, and kept down for {@code downForMs} however fast they are restarted) before the
 * failover; failing back then first waits (AWAITING_SOURCE) until the region was restarted.
 */
final class DrillRun {
  private static final Logger LOG = LoggerFactory.getLogger(DrillRun.class);
  private static final long OPERATION_TIMEOUT_MS = 180_000;
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(60);
  private static final int PARTITIONS = 3;

  private final String id;
  private final DrillService.Request request;
  private final LinkConfig link;
  private final DrillService service;
  private final JsonObject report;
  private final DrillTraffic traffic;

  DrillRun(String id, DrillService.Request request, LinkConfig link, DrillService service) {
    this.id = id;
    this.request = request;
    this.link = link;
    this.service = service;
    String group = "meridian-drill-" + id.substring(0, 8);
    this.traffic = new DrillTraffic(id, request.topic(), group);
    this.report =
        new JsonObject()
            .put("id", id)
            .put("link", link.name())
            .put("scenario", request.scenario())
            .put("failBack", request.failBack())
            .put("topic", request.topic())
            .put("group", group)
            .put("records", request.records())
            .put("ratePerSecond", request.ratePerSecond())
            .put("state", "RUNNING")
            .put("step", "PREPARING")
            .put("startedMs", System.currentTimeMillis())
            .put("steps", new JsonArray());
  }

  JsonObject report() {
    return report.copy();
  }

  private void step(String step) {
    report.put("step", step);
    report.getJsonArray("steps").add(new JsonObject().put("step", step).put("atMs", now()));
    service.record(report);
    LOG.info("drill {} of link {}: {}", id, link.name(), step);
  }

  private static long now() {
    return System.currentTimeMillis();
  }

  void run() {
    try {
      service.record(report);
      perform();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      end(false, "interrupted (the node is stopping)");
    } catch (Exception e) {
      LOG.warn("drill {} failed", id, e);
      end(false, e.getMessage() == null ? e.toString() : e.getMessage());
    }
  }

  private void perform() throws Exception {
    String sourceBootstrap = LinkService.bootstrapOf(service.config(), link);
    String here = service.localBootstrap();
    boolean planned = request.scenario().equals("planned");
    boolean regionLoss = request.scenario().equals("region-loss");

    step("PREPARING");
    traffic.prepare(sourceBootstrap, PARTITIONS);
    awaitMirrored();

    step("PRODUCING");
    int half = request.records() / 2;
    traffic.produce(sourceBootstrap, false, half, request.ratePerSecond(), () -> false);
    List<Long> quarter = new ArrayList<>();
    traffic.acked.keySet().stream().sorted().limit(request.records() / 4).forEach(quarter::add);
    if (!traffic.consume(link.source().region(), sourceBootstrap, quarter, READ_TIMEOUT)) {
      throw new IllegalStateException("the group did not read its first records at the source");
    }

    step("FAILING_OVER");
    AtomicBoolean stop = new AtomicBoolean();
    Thread writer = null;
    long[] sentDuring = new long[1];
    if (planned) { // clients keep writing to the source until it is fenced
      writer =
          new Thread(
              () -> {
                try {
                  sentDuring[0] =
                      traffic.produce(
                          sourceBootstrap, false, half, request.ratePerSecond(), stop::get);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              },
              "meridian-drill-writer");
      writer.start();
    }
    if (regionLoss) {
      loseSourceRegion();
    }
    long t0 = now();
    FailoverOperation started =
        service
            .failovers()
            .start(
                link.name(),
                planned ? FailoverOperation.Type.PLANNED : FailoverOperation.Type.UNPLANNED,
                planned && request.failBack())
            .get(30, TimeUnit.SECONDS);
    FailoverOperation op = service.awaitEnded(started.id(), OPERATION_TIMEOUT_MS);
    stop.set(true);
    if (writer != null) {
      writer.join(30_000);
    }
    report.put("failover", OperationCodec.toJson(op));
    if (op.state() != FailoverOperation.State.COMPLETED) {
      end(false, "the failover ended " + op.state() + ": " + op.reason());
      return;
    }
    if (!planned && !regionLoss) { // a lost region takes no writes: fence what it would take
      service.source().fence(link, List.of(request.topic()), "drill " + id + " (region lost)");
    }

    step("RESUMING");
    long before = traffic.acked.size();
    long remaining = Math.max(1, request.records() - half - sentDuring[0]);
    traffic.produce(here, true, remaining, request.ratePerSecond(), () -> false);
    long firstHere =
        traffic.acked.values().stream()
            .filter(DrillTraffic.Acked::here)
            .mapToLong(DrillTraffic.Acked::atMs)
            .min()
            .orElse(-1);
    List<Long> expected = new ArrayList<>();
    List<Long> lost = new ArrayList<>();
    long oldestLost = Long.MAX_VALUE;
    for (Map.Entry<Long, DrillTraffic.Acked> e : traffic.acked.entrySet()) {
      if (reachedHere(op, e.getValue())) {
        expected.add(e.getKey());
      } else {
        lost.add(e.getKey());
        oldestLost = Math.min(oldestLost, e.getValue().atMs());
      }
    }
    boolean readAll = traffic.consume(link.target(), here, expected, READ_TIMEOUT);

    step("VERIFYING");
    DrillTraffic.Verdict v = traffic.verify(expected);
    long rpoMs = lost.isEmpty() ? 0 : Math.max(0, t0 - oldestLost);
    boolean rpoAgrees = lost.size() == op.rpoRecords();
    List<String> rereads = traffic.rereads();
    report
        .put(
            "written",
            new JsonObject()
                .put("acknowledged", traffic.acked.size())
                .put("acknowledgedHere", traffic.acked.size() - before))
        .put(
            "verified",
            new JsonObject()
                .put("expected", v.expected())
                .put("read", v.read())
                .put("readAll", readAll)
                .put("missing", new JsonArray(new ArrayList<>(v.missing())))
                .put("readTwice", new JsonArray(new ArrayList<>(v.repeats())))
                .put("readAgain", rereads.size())
                .put("gaps", new JsonArray(new ArrayList<>(v.gaps())))
                .put("outOfOrder", new JsonArray(new ArrayList<>(v.outOfOrder())))
                .put("expectedChecksum", v.expectedChecksum())
                .put("readChecksum", v.readChecksum()))
        .put(
            "rpo",
            new JsonObject()
                .put("records", lost.size())
                .put("ms", rpoMs)
                .put("reportedRecords", op.rpoRecords())
                .put("reportedMs", op.rpoMs())
                .put("agrees", rpoAgrees))
        .put(
            "rto",
            new JsonObject()
                .put("measuredMs", firstHere < 0 ? -1 : firstHere - t0)
                .put("reportedMs", op.rtoMs()));
    List<String> problems = new ArrayList<>();
    if (!v.clean()) {
      problems.add(
          v.missing().size()
              + " missing, "
              + v.repeats().size()
              + " read twice, "
              + v.gaps().size()
              + " gaps, "
              + v.outOfOrder().size()
              + " out of order, checksum "
              + (v.expectedChecksum() == v.readChecksum() ? "matches" : "differs"));
    }
    if (!regionLoss && !rereads.isEmpty()) {
      problems.add(
          rereads.size()
              + " records read again here: the group's commits at the source did not reach this"
              + " region (first: "
              + rereads.get(0)
              + ")");
    }
    if (planned && !lost.isEmpty()) {
      problems.add(lost.size() + " acknowledged records lost in a planned failover");
    }
    if (!rpoAgrees) {
      problems.add(
          "the failover reported RPO "
              + op.rpoRecords()
              + " records, the drill found "
              + lost.size());
    }

    if (request.failBack()) {
      if (regionLoss) {
        step("AWAITING_SOURCE");
        awaitSourceBack();
      }
      step("FAILING_BACK");
      String back = failBack(planned);
      if (back != null) {
        problems.add(back);
      }
    }
    end(problems.isEmpty(), problems.isEmpty() ? null : String.join("; ", problems));
  }

  /**
   * Halts every node of the source region for {@code downForMs} and waits until none answers: the
   * region is lost to its clients, to the link, and to the failover, which then finds nothing to
   * ask.
   */
  private void loseSourceRegion() throws Exception {
    long at = now();
    List<Integer> nodes =
        service
            .source()
            .haltRegion(
                link, request.downForMs(), "region-loss drill " + id + " of " + link.name());
    report.put(
        "regionLoss",
        new JsonObject()
            .put("region", link.source().region())
            .put("nodesHalted", new JsonArray(new ArrayList<>(nodes)))
            .put("haltedAtMs", at)
            .put("downUntilMs", at + request.downForMs()));
    long deadline = now() + 30_000;
    while (service.source().anyNodeUp(link)) {
      if (now() > deadline) {
        throw new IllegalStateException(
            "the source region's nodes " + nodes + " still answer 30 s after they were halted");
      }
      Thread.sleep(50); // polling the halted nodes until they stop answering
    }
  }

  /** Waits until the halted source region answers again (it was restarted). */
  private void awaitSourceBack() throws InterruptedException {
    long deadline = now() + request.downForMs() + OPERATION_TIMEOUT_MS;
    while (!service.source().anyNodeUp(link)) {
      if (now() > deadline) {
        throw new IllegalStateException(
            "the source region "
                + link.source().region()
                + " did not come back within "
                + (request.downForMs() + OPERATION_TIMEOUT_MS) / 1000
                + " s of its halt: restart its nodes (they wait out the outage by themselves)");
      }
      Thread.sleep(200); // polling the source region's health until it was restarted
    }
    report.getJsonObject("regionLoss").put("backAtMs", now());
  }

  /**
   * Whether an acknowledged record is in this region: written here, or written at the source below
   * its partition's promoted end (mirrored before the promotion: mirror topics keep the offsets).
   */
  private boolean reachedHere(FailoverOperation op, DrillTraffic.Acked a) {
    if (a.here()) {
      return true;
    }
    FailoverOperation.Position p = op.promoted().get(request.topic() + "-" + a.partition());
    return p != null && a.offset() < p.offset();
  }

  /** Fails back; returns what went wrong, or null. */
  private String failBack(boolean planned) throws Exception {
    JsonArray ops = new JsonArray();
    report.put("failBackOperations", ops);
    ReverseLink reverse = new ReverseLink(service.source());
    if (!planned) {
      FailoverOperation fb = service.failovers().failback(link.name()).get(30, TimeUnit.SECONDS);
      fb = service.awaitEnded(fb.id(), OPERATION_TIMEOUT_MS);
      ops.add(OperationCodec.toJson(fb));
      if (fb.state() != FailoverOperation.State.COMPLETED) {
        return "the failback ended " + fb.state() + ": " + fb.reason();
      }
    }
    String name = reverse.find(link).orElse(null);
    if (name == null) {
      return "the old source has no reverse link of " + link.name();
    }
    SourceControlPlane.Answer a =
        service
            .source()
            .send(
                link,
                "POST",
                "/v1/links/" + name + "/failover",
                new JsonObject().put("type", "planned").put("reverse", true).encode());
    if (a.status() != 202) {
      return "the failover back was refused: " + a.status() + " " + a.body();
    }
    String backId = a.json().getString("id");
    long deadline = now() + OPERATION_TIMEOUT_MS;
    JsonObject back = a.json();
    while (!List.of("COMPLETED", "ROLLED_BACK", "FAILED").contains(back.getString("state"))
        && now() < deadline) {
      Thread.sleep(100); // polling the source region's control plane for the operation's end
      SourceControlPlane.Answer s =
          service.source().send(link, "GET", "/v1/operations/" + backId, null);
      if (s.status() == 200) {
        back = s.json();
      }
    }
    ops.add(back);
    return "COMPLETED".equals(back.getString("state"))
        ? null
        : "the failover back ended " + back.getString("state") + ": " + back.getString("reason");
  }

  /** Waits until this region has the drill topic as the link's mirror topic. */
  private void awaitMirrored() throws InterruptedException {
    long deadline = now() + 60_000;
    while (now() < deadline) {
      var t = service.metadata().image().topic(request.topic());
      if (t.isPresent() && link.name().equals(t.get().mirrorLink())) {
        return;
      }
      Thread.sleep(100); // polling the region's metadata for the mirror topic
    }
    throw new IllegalStateException(
        "the link did not create the mirror topic " + request.topic() + " within 60 s");
  }

  private void end(boolean passed, String reason) {
    report
        .put("state", passed ? "PASSED" : "FAILED")
        .put("reason", reason)
        .put("endedMs", now())
        .put("summary", summary(passed, reason));
    report.getJsonArray("steps").add(new JsonObject().put("step", "ENDED").put("atMs", now()));
    service.record(report);
    LOG.warn("drill {} of link {}: {}", id, link.name(), report.getString("summary"));
  }

  private String summary(boolean passed, String reason) {
    JsonObject v = report.getJsonObject("verified");
    JsonObject rpo = report.getJsonObject("rpo");
    JsonObject rto = report.getJsonObject("rto");
    StringBuilder s =
        new StringBuilder(
            (passed ? "PASSED" : "FAILED")
                + ": "
                + request.scenario()
                + " drill of link "
                + link.name());
    if (v != null) {
      s.append(
          String.format(
              "; %d records acknowledged, %d of %d expected read by group %s here, %d read twice,"
                  + " %d read again (commits lost with the source), %d gaps, %d out of order,"
                  + " checksum %s; RPO %d records (%d ms, reported %d), RTO %d ms measured (%d ms"
                  + " reported)",
              report.getJsonObject("written").getLong("acknowledged"),
              v.getLong("read"),
              v.getLong("expected"),
              report.getString("group"),
              v.getJsonArray("readTwice").size(),
              v.getInteger("readAgain"),
              v.getJsonArray("gaps").size(),
              v.getJsonArray("outOfOrder").size(),
              v.getLong("expectedChecksum").equals(v.getLong("readChecksum"))
                  ? "matches"
                  : "differs",
              rpo.getLong("records"),
              rpo.getLong("ms"),
              rpo.getLong("reportedRecords"),
              rto.getLong("measuredMs"),
              rto.getLong("reportedMs")));
    }
    JsonObject loss = report.getJsonObject("regionLoss");
    if (loss != null) {
      s.append(
          String.format(
              "; region %s lost (nodes %s halted for %d ms%s)",
              loss.getString("region"),
              loss.getJsonArray("nodesHalted").encode(),
              request.downForMs(),
              loss.containsKey("backAtMs")
                  ? ", back after "
                      + (loss.getLong("backAtMs") - loss.getLong("haltedAtMs"))
                      + " ms"
                  : ""));
    }
    if (request.failBack() && report.containsKey("failBackOperations")) {
      s.append("; failed back");
    }
    if (reason != null) {
      s.append("; ").append(reason);
    }
    return s.toString();
  }
}
