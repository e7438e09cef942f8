package dev.meridian.node.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.node.TestBroker;
import dev.meridian.node.protocol.ApiHandler;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ApiVersions at every advertised version, through the wire codec both ways: the version table, and
 * from v3 the features: metadata.version supported and finalized at one level, the client protocols
 * Meridian lacks supported at 0 only (v4; left out at v3) and never finalized, the epoch the
 * image's version.
 */
class ApiVersionsHandlerTest {
  @TempDir Path dir;
  private TestBroker node;
  private BrokerContext broker;

  @BeforeEach
  void setUp() throws Exception {
    node = TestBroker.start(dir);
    broker = node.context();
  }

  @AfterEach
  void tearDown() throws Exception {
    node.close();
  }

  private ApiVersionsResponseData call(ApiHandler handler, short version) throws Exception {
    ApiMessage resp =
        handler
            .handle(
                WireRoundTrip.request(
                    handler,
                    version >= 3
                        ? new ApiVersionsRequestData()
                            .setClientSoftwareName("test")
                            .setClientSoftwareVersion("1")
                        : new ApiVersionsRequestData(),
                    version))
            .toCompletionStage()
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    return WireRoundTrip.response(ApiKeys.API_VERSIONS, resp, version);
  }

  @Test
  void featuresFromV3OnlyWhatIsImplementedIsFinalizedWithTheConsumerGroupProtocol()
      throws Exception {
    ApiHandler h = BrokerApis.registry(broker).handler(ApiKeys.API_VERSIONS);
    node.createTopic("bump", 1, Map.of()); // the image has moved past its first versions
    for (short v = 0; v <= h.maxVersion(); v++) {
      ApiVersionsResponseData resp = call(h, v);
      assertEquals(Errors.NONE.code(), resp.errorCode(), "v" + v);
      assertEquals(4, resp.apiKeys().find(ApiKeys.API_VERSIONS.id).maxVersion(), "v" + v);
      if (v < 3) {
        assertTrue(resp.supportedFeatures().isEmpty(), "no features before v3");
        assertEquals(-1, resp.finalizedFeaturesEpoch());
        continue;
      }
      ApiVersionsResponseData.SupportedFeatureKey mv =
          resp.supportedFeatures().find(ApiVersionsHandler.METADATA_VERSION);
      assertNotNull(mv, "v" + v);
      assertEquals(ApiVersionsHandler.METADATA_VERSION_LEVEL, mv.minVersion());
      assertEquals(ApiVersionsHandler.METADATA_VERSION_LEVEL, mv.maxVersion());
      assertTrue(ApiVersionsHandler.METADATA_VERSION_LEVEL >= 22, "a 4.x level (4.0-IV0 is 22)");
      for (String feature : ApiVersionsHandler.NOT_IMPLEMENTED) {
        ApiVersionsResponseData.SupportedFeatureKey f = resp.supportedFeatures().find(feature);
        if (v == 3) {
          assertNull(f, feature + ": a minimum of 0 is left out at v3 (KAFKA-17011)");
        } else {
          assertNotNull(f, feature);
          assertEquals(0, f.minVersion(), feature);
          assertEquals(0, f.maxVersion(), feature);
        }
        assertNull(resp.finalizedFeatures().find(feature), feature + " is not finalized");
      }
      ApiVersionsResponseData.SupportedFeatureKey gv =
          resp.supportedFeatures().find(ApiVersionsHandler.GROUP_VERSION);
      if (v == 3) {
        assertNull(gv, "group.version's minimum of 0 is left out at v3 (KAFKA-17011)");
      } else {
        assertEquals(0, gv.minVersion());
        assertEquals(1, gv.maxVersion());
      }
      assertEquals(v == 3 ? 1 : 5, resp.supportedFeatures().size());
      assertEquals(
          List.of(ApiVersionsHandler.METADATA_VERSION, ApiVersionsHandler.GROUP_VERSION),
          resp.finalizedFeatures().stream()
              .map(ApiVersionsResponseData.FinalizedFeatureKey::name)
              .toList());
      ApiVersionsResponseData.FinalizedFeatureKey finalized =
          resp.finalizedFeatures().find(ApiVersionsHandler.METADATA_VERSION);
      assertEquals(ApiVersionsHandler.METADATA_VERSION_LEVEL, finalized.minVersionLevel());
      assertEquals(ApiVersionsHandler.METADATA_VERSION_LEVEL, finalized.maxVersionLevel());
      assertEquals(broker.image().version(), resp.finalizedFeaturesEpoch());
      assertTrue(resp.finalizedFeaturesEpoch() > 0);
      assertNull(
          resp.finalizedFeatures().find("transaction.version"),
          "a finalized transaction.version >= 2 would make producers use KIP-890 transactions");
    }
  }
}
