package dev.meridian.node.api;

import dev.meridian.node.protocol.ApiHandler;
import dev.meridian.node.protocol.ApiRegistry;
import dev.meridian.node.protocol.KafkaRequest;
import io.vertx.core.Future;
import java.util.List;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * ApiVersions 0–4: the advertised version table and, from v3, the features (KIP-584) that {@code
 * kafka-features describe} and {@code Admin.describeFeatures} show. Requests above v4 are answered
 * by the connection with UNSUPPORTED_VERSION at v0 (KIP-511) before they reach here.
 *
 * <p>Only what is implemented is finalized. {@code metadata.version} is supported and finalized at
 * exactly {@link #METADATA_VERSION_LEVEL}, the level of the Kafka release whose clients Meridian is
 * verified against (there is no other level to move to: UpdateFeatures is not served). {@code
 * group.version} is supported from 0 to 1 and finalized at 1: the KIP-848 consumer group protocol
 * (ConsumerGroupHeartbeat, ConsumerGroupDescribe) is served, as by a Kafka 4.x broker. The feature
 * flags of client protocols Meridian does not implement are supported only at level 0 and not
 * finalized (Kafka leaves a level-0 feature out of the finalized set too): {@code
 * transaction.version} (a producer uses KIP-890 transactions when it is finalized at 2 or more;
 * Meridian refuses transactions), {@code share.version} (KIP-932 share groups) and {@code
 * streams.version} (the KIP-1071 streams protocol). The finalized-features epoch is the metadata
 * image's version, as a KRaft broker uses its metadata offset. Before v4 a supported feature whose
 * minimum is 0 is left out, as Kafka does (KAFKA-17011: older clients reject a minimum of 0).
 */
public final class ApiVersionsHandler implements ApiHandler {
  /** {@code MetadataVersion.FEATURE_NAME}. */
  public static final String METADATA_VERSION = "metadata.version";

  /**
   * The finalized {@code metadata.version} level: 33, {@code MetadataVersion.latestProduction()} of
   * Kafka 4.4.0 ({@code IBP_4_4_IV2}, printed by {@code kafka-features} as {@code 4.4-IV2}), the
   * level a new Kafka 4.4 cluster starts at and the release of the kafka-clients and tools Meridian
   * is verified against ({@code FeaturesIT} checks it against the Kafka jars).
   */
  public static final short METADATA_VERSION_LEVEL = 33;

  /** {@code GroupVersion.FEATURE_NAME}. */
  public static final String GROUP_VERSION = "group.version";

  /** The finalized {@code group.version}: 1, the KIP-848 consumer group protocol. */
  public static final short GROUP_VERSION_LEVEL = 1;

  /** The client-protocol features Meridian does not implement: supported at level 0 only. */
  public static final List<String> NOT_IMPLEMENTED =
      List.of("share.version", "streams.version", "transaction.version");

  private final ApiRegistry registry;
  private final BrokerContext broker;

  /**
   * @param broker for the metadata image's version (the features epoch); null only in registries
   *     built for their version table
   */
  public ApiVersionsHandler(ApiRegistry registry, BrokerContext broker) {
    this.registry = registry;
    this.broker = broker;
  }

  @Override
  public ApiKeys apiKey() {
    return ApiKeys.API_VERSIONS;
  }

  @Override
  public short maxVersion() {
    return 4;
  }

  @Override
  public Future<ApiMessage> handle(KafkaRequest request) {
    ApiVersionsResponseData resp =
        new ApiVersionsResponseData()
            .setErrorCode(Errors.NONE.code())
            .setApiKeys(registry.versions());
    if (request.version() >= 3) {
      resp.supportedFeatures()
          .add(
              new ApiVersionsResponseData.SupportedFeatureKey()
                  .setName(METADATA_VERSION)
                  .setMinVersion(METADATA_VERSION_LEVEL)
                  .setMaxVersion(METADATA_VERSION_LEVEL));
      if (request.version() >= 4) {
        resp.supportedFeatures()
            .add(
                new ApiVersionsResponseData.SupportedFeatureKey()
                    .setName(GROUP_VERSION)
                    .setMinVersion((short) 0)
                    .setMaxVersion(GROUP_VERSION_LEVEL));
        for (String feature : NOT_IMPLEMENTED) {
          resp.supportedFeatures()
              .add(
                  new ApiVersionsResponseData.SupportedFeatureKey()
                      .setName(feature)
                      .setMinVersion((short) 0)
                      .setMaxVersion((short) 0));
        }
      }
      resp.finalizedFeatures()
          .add(
              new ApiVersionsResponseData.FinalizedFeatureKey()
                  .setName(METADATA_VERSION)
                  .setMinVersionLevel(METADATA_VERSION_LEVEL)
                  .setMaxVersionLevel(METADATA_VERSION_LEVEL));
      resp.finalizedFeatures()
          .add(
              new ApiVersionsResponseData.FinalizedFeatureKey()
                  .setName(GROUP_VERSION)
                  .setMinVersionLevel(GROUP_VERSION_LEVEL)
                  .setMaxVersionLevel(GROUP_VERSION_LEVEL));
      resp.setFinalizedFeaturesEpoch(broker == null ? 0 : broker.image().version());
    }
    return Future.succeededFuture(resp);
  }
}
