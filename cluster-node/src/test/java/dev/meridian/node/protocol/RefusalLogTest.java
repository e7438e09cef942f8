package dev.meridian.node.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.testsupport.TestClock;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.InitProducerIdRequest;
import org.apache.kafka.common.requests.RequestHeader;
import org.junit.jupiter.api.Test;

/** The refusal log's rate limit, on a test clock: once a minute per (client id, API, kind). */
class RefusalLogTest {
  private final TestClock clock = new TestClock();
  private final List<String> lines = new ArrayList<>();
  private final RefusalLog log = new RefusalLog(clock, lines::add);

  private boolean refuse(String client, String api, String kind) {
    return log.refused(client, "/10.0.0.7", api + " v1", api, kind, "the reason");
  }

  @Test
  void oneLinePerClientApiAndKindPerMinute() {
    assertTrue(refuse("app", "CREATE_TOPICS", "INVALID_CONFIG"));
    assertEquals(
        List.of("refused CREATE_TOPICS v1 from client id 'app' at /10.0.0.7: the reason"), lines);
    clock.advance(1_000);
    assertFalse(refuse("app", "CREATE_TOPICS", "INVALID_CONFIG"), "same key within the minute");
    assertTrue(refuse("other", "CREATE_TOPICS", "INVALID_CONFIG"), "another client id");
    assertTrue(refuse("app", "INCREMENTAL_ALTER_CONFIGS", "INVALID_CONFIG"), "another API");
    assertTrue(refuse("app", "CREATE_TOPICS", "unsupported version"), "another kind");
    assertEquals(4, lines.size());

    clock.advance(RefusalLog.INTERVAL_MS - 1_001);
    assertFalse(refuse("app", "CREATE_TOPICS", "INVALID_CONFIG"), "1 ms before the minute");
    clock.advance(1);
    assertTrue(refuse("app", "CREATE_TOPICS", "INVALID_CONFIG"), "a minute after the first line");
    assertEquals(
        "refused CREATE_TOPICS v1 from client id 'app' at /10.0.0.7: the reason"
            + " (and 2 more like it not logged since the previous line)",
        lines.get(4));
    assertFalse(refuse("app", "CREATE_TOPICS", "INVALID_CONFIG"));
    clock.advance(RefusalLog.INTERVAL_MS);
    assertTrue(refuse("app", "CREATE_TOPICS", "INVALID_CONFIG"));
    assertTrue(lines.get(5).endsWith("(and 1 more like it not logged since the previous line)"));
    clock.advance(RefusalLog.INTERVAL_MS);
    assertTrue(refuse("app", "CREATE_TOPICS", "INVALID_CONFIG"));
    assertTrue(lines.get(6).endsWith(": the reason"), "nothing suppressed since: " + lines);
  }

  @Test
  void aNullClientIdIsAKeyToo() {
    assertTrue(
        log.refused(null, "/10.0.0.7", "API key 99 v0", "API key 99", "unsupported API", "r"));
    assertFalse(
        log.refused(null, "/10.0.0.8", "API key 99 v0", "API key 99", "unsupported API", "r"));
    assertEquals(List.of("refused API key 99 v0 from client id '' at /10.0.0.7: r"), lines);
  }

  @Test
  void aDecodedRequestIsNamedByItsHeader() {
    InitProducerIdRequestData data =
        new InitProducerIdRequestData().setTransactionalId("tx-1").setTransactionTimeoutMs(60_000);
    KafkaRequest request =
        new KafkaRequest(
            new RequestHeader(ApiKeys.INIT_PRODUCER_ID, (short) 5, "producer-1", 7),
            new InitProducerIdRequest.Builder(data).build((short) 5),
            "/127.0.0.1:50123");
    assertTrue(log.refused(request, "transactions", "no transactions"));
    assertFalse(log.refused(request, "transactions", "no transactions"));
    assertEquals(
        List.of(
            "refused INIT_PRODUCER_ID v5 from client id 'producer-1' at /127.0.0.1: no"
                + " transactions"),
        lines);
  }

  @Test
  void aFloodOfClientIdsIsForgottenNotKeptForever() {
    for (int i = 0; i < RefusalLog.MAX_KEYS + 10; i++) {
      assertTrue(refuse("client-" + i, "CREATE_TOPICS", "INVALID_CONFIG"));
    }
    assertEquals(RefusalLog.MAX_KEYS + 10, lines.size());
    // the oldest key was forgotten: its refusal is logged again, early
    assertTrue(refuse("client-0", "CREATE_TOPICS", "INVALID_CONFIG"));
  }
}
