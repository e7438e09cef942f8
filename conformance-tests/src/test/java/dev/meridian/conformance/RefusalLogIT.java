package dev.meridian.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.testsupport.RegionYaml;
import dev.meridian.testsupport.TestRegion;
import dev.meridian.testsupport.Wait;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node process's log for refused requests (kafka-clients 4.4.0): an unknown topic config in
 * CreateTopics, sent three times by one Admin, is one WARN line naming the client id, its address,
 * the API and the key; a transactional producer's refused FindCoordinator is another.
 */
class RefusalLogIT {
  @TempDir Path tmp;

  @Test
  void refusedRequestsAreLoggedOncePerClientAndApi() throws Exception {
    try (TestRegion region = TestRegion.ofProcesses(RegionYaml.of("east", 1), tmp).start();
        Admin admin =
            Admin.create(
                Clients.with(
                    Clients.admin(region.bootstrap()),
                    AdminClientConfig.CLIENT_ID_CONFIG,
                    "ops-tool"))) {
      for (int i = 0; i < 3; i++) {
        NewTopic topic = new NewTopic("t" + i, 1, (short) 1).configs(Map.of("retention.msec", "1"));
        ExecutionException e =
            assertThrows(
                ExecutionException.class,
                () -> admin.createTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS));
        assertInstanceOf(InvalidConfigurationException.class, e.getCause());
      }
      try (KafkaProducer<String, String> p =
          new KafkaProducer<>(
              Clients.producer(
                  region.bootstrap(),
                  ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                  "tx-1",
                  ProducerConfig.CLIENT_ID_CONFIG,
                  "tx-app"))) {
        assertThrows(TransactionalIdAuthorizationException.class, p::initTransactions);
      }
      Wait.until(
          "the node logged the refused FindCoordinator",
          Duration.ofSeconds(10),
          () -> region.child(1).output().contains("refused FIND_COORDINATOR"));
      List<String> refusals =
          region.child(1).output().lines().filter(l -> l.contains("RefusalLog")).toList();
      List<String> creates = refusals.stream().filter(l -> l.contains("CREATE_TOPICS")).toList();
      assertEquals(1, creates.size(), "once a minute per client and API: " + refusals);
      String create = creates.get(0);
      assertTrue(create.contains(" WARN dev.meridian.node.protocol.RefusalLog - refused"), create);
      assertTrue(
          create.contains(
              "from client id 'ops-tool' at /127.0.0.1: topic 't0': Unknown topic config name:"
                  + " retention.msec"),
          create);
      List<String> tx = refusals.stream().filter(l -> l.contains("FIND_COORDINATOR")).toList();
      assertEquals(1, tx.size(), refusals.toString());
      assertTrue(
          tx.get(0).contains("from client id 'tx-app' at /127.0.0.1: transactional id(s) [tx-1]"),
          tx.get(0));
    }
  }
}
