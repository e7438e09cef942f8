package dev.meridian.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.config.ControlPlaneSettings;
import dev.meridian.config.ControlPlaneTls;
import dev.meridian.node.http.ControlPlaneClients;
import dev.meridian.testsupport.RegionYaml;
import dev.meridian.testsupport.TestRegion;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLHandshakeException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The REST control plane over HTTPS ({@code controlPlane.tls}): nodes serve only TLS with the key
 * store's certificate, clients that trust it get answers, others are refused in the handshake, and
 * everything the file's nodes and {@code ops/meridian ctl} say to each other goes over it (a
 * planned failover fences its source through the source's control plane).
 */
class ControlPlaneTlsIT {
  private static final String PASSWORD = "store-secret-0123";

  @TempDir Path tmp;

  /** A self-signed certificate for 127.0.0.1 and localhost, made with the JDK's keytool. */
  private Path keyStore() throws Exception {
    Path store = tmp.resolve("control-plane.p12");
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair",
                "-alias",
                "meridian",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=localhost",
                "-ext",
                "SAN=dns:localhost,ip:127.0.0.1",
                "-validity",
                "30",
                "-storetype",
                "PKCS12",
                "-keystore",
                store.toString(),
                "-storepass",
                PASSWORD,
                "-keypass",
                PASSWORD)
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, out);
    return store;
  }

  @Test
  void theControlPlaneServesOnlyHttpsAndNodesAndCtlUseIt() throws Exception {
    String store = keyStore().toString();
    RegionYaml east =
        RegionYaml.of("east", 1)
            .fixedKafkaPorts()
            .fixedHttpPorts()
            .controlPlaneTls(store, PASSWORD);
    RegionYaml west =
        RegionYaml.of("west", 1, 101)
            .fixedKafkaPorts()
            .fixedHttpPorts()
            .controlPlaneTls(store, PASSWORD)
            .alongside(east)
            .link("e2w", "east", "west", "offsetSyncIntervalMs: 500");
    east.alongside(west);
    try (TestRegion source = TestRegion.ofProcesses(east, tmp.resolve("east")).start();
        TestRegion target = TestRegion.ofProcesses(west, tmp.resolve("west")).start()) {
      int http = target.node(101).httpPort();
      HttpClient trusting =
          ControlPlaneClients.client(
              new ControlPlaneSettings(
                  List.of(), false, new ControlPlaneTls(store, PASSWORD, null, null)));
      HttpResponse<String> health = health(trusting, "https", http);
      assertEquals(200, health.statusCode(), health.body());

      HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
      assertThrows(
          IOException.class, () -> health(plain, "http", http), "plain HTTP is not served");
      IOException untrusted =
          assertThrows(
              IOException.class,
              () -> health(plain, "https", http),
              "a client that does not trust the certificate is refused");
      assertTrue(
          untrusted instanceof SSLHandshakeException
              || untrusted.getCause() instanceof SSLHandshakeException,
          "refused in the TLS handshake: " + untrusted);

      // ctl reads the file and trusts its store; the failover fences east over HTTPS
      Clients.createTopic(source.bootstrap(), "orders", 2, Map.of());
      try (KafkaProducer<String, String> p =
          new KafkaProducer<>(Clients.producer(source.bootstrap()))) {
        for (int i = 0; i < 100; i++) {
          p.send(new ProducerRecord<>("orders", "k" + i, "v" + i));
        }
        p.flush();
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      dev.meridian.testsupport.Wait.until(
          "orders mirrored",
          Duration.ofSeconds(60),
          () -> {
            out.reset();
            return ctl(out, "west", "--json", "topics") == 0
                && out.toString().contains("\"orders\"");
          });
      out.reset();
      int exit = ctl(out, "west", "--json", "failover", "e2w", "--planned");
      assertEquals(0, exit, out.toString());
      assertTrue(out.toString().contains("\"COMPLETED\""), out.toString());
      try (KafkaProducer<String, String> p =
          new KafkaProducer<>(Clients.producer(target.bootstrap()))) {
        p.send(new ProducerRecord<>("orders", "after", "failover")).get(10, TimeUnit.SECONDS);
      }
    }
  }

  private static HttpResponse<String> health(HttpClient client, String scheme, int port)
      throws IOException, InterruptedException {
    return client.send(
        HttpRequest.newBuilder(URI.create(scheme + "://127.0.0.1:" + port + "/v1/health"))
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private int ctl(ByteArrayOutputStream out, String region, String... args) {
    PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
    return dev.meridian.node.tools.Ctl.run(
        List.of(args), tmp.resolve(region).resolve("region.yaml"), print, print);
  }
}
