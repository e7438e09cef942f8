package dev.meridian.node.api;

import dev.meridian.node.metadata.DynamicNodeConfigs;
import dev.meridian.node.metadata.TopicConfigs;
import dev.meridian.node.metadata.TopicImage;
import dev.meridian.node.protocol.ApiHandler;
import dev.meridian.node.protocol.KafkaRequest;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.message.DescribeConfigsRequestData;
import org.apache.kafka.common.message.DescribeConfigsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigSource;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigType;

/**
 * DescribeConfigs 1–4, per resource:
 *
 * <ul>
 *   <li>TOPIC: every supported topic config with its effective value; source TOPIC_CONFIG for an
 *       override, else DEFAULT_CONFIG (the node-wide default from the region config); never
 *       read-only or sensitive. Synonyms on request (v1+): the override, then the node default
 *       under Kafka's broker-level name (e.g. {@code log.retention.ms}). Config type (v3+) and, on
 *       request, documentation (v3+). Unknown topic: UNKNOWN_TOPIC_OR_PARTITION.
 *   <li>BROKER, the id of any node of the region (they share one config): the region-wide topic
 *       defaults under their broker-level names (source DEFAULT_CONFIG), and the region config's
 *       {@code broker} settings under Kafka's names where Kafka has one, else {@code meridian.*}
 *       (source STATIC_BROKER_CONFIG), read-only (they come from the region config file); and the
 *       node's dynamic configs ({@link DynamicNodeConfigs}: the replication throttle rates, source
 *       DYNAMIC_BROKER_CONFIG when set, else DEFAULT_CONFIG with Kafka's "no limit"). The empty
 *       name (cluster-wide dynamic defaults) answers an empty list: there are none. An id not of
 *       this region: INVALID_REQUEST.
 *   <li>Other resource types: INVALID_REQUEST.
 * </ul>
 *
 * {@code configurationKeys} filters by name; unknown names are left out. Reads the metadata image
 * only (no I/O), so it runs on the event loop.
 */
public final class DescribeConfigsHandler implements ApiHandler {
  private final BrokerContext broker;

  public DescribeConfigsHandler(BrokerContext broker) {
    this.broker = broker;
  }

  @Override
  public ApiKeys apiKey() {
    return ApiKeys.DESCRIBE_CONFIGS;
  }

  @Override
  public short maxVersion() {
    return 4;
  }

  @Override
  public Future<ApiMessage> handle(KafkaRequest request) {
    DescribeConfigsRequestData req = request.data();
    Options options =
        new Options(request.version(), req.includeSynonyms(), req.includeDocumentation());
    DescribeConfigsResponseData resp = new DescribeConfigsResponseData();
    for (DescribeConfigsRequestData.DescribeConfigsResource r : req.resources()) {
      DescribeConfigsResponseData.DescribeConfigsResult result =
          new DescribeConfigsResponseData.DescribeConfigsResult()
              .setResourceType(r.resourceType())
              .setResourceName(r.resourceName())
              .setErrorCode(Errors.NONE.code())
              .setErrorMessage(null);
      try {
        result.setConfigs(describe(r, options));
      } catch (ApiException e) {
        result.setErrorCode(e.error().code()).setErrorMessage(e.getMessage());
      } catch (RuntimeException e) {
        result.setErrorCode(ErrorMapper.toError(e).code()).setErrorMessage(e.getMessage());
      }
      resp.results().add(result);
    }
    return Future.succeededFuture(resp);
  }

  private record Options(short version, boolean synonyms, boolean documentation) {}

  private List<DescribeConfigsResponseData.DescribeConfigsResourceResult> describe(
      DescribeConfigsRequestData.DescribeConfigsResource r, Options options) throws ApiException {
    ConfigResource.Type type = ConfigResource.Type.forId(r.resourceType());
    return switch (type) {
      case TOPIC -> topic(r.resourceName(), r.configurationKeys(), options);
      case BROKER -> broker(r.resourceName(), r.configurationKeys(), options);
      default ->
          throw new ApiException(
              Errors.INVALID_REQUEST,
              "Resource type " + type + " (" + r.resourceType() + ") is not supported.");
    };
  }

  private List<DescribeConfigsResponseData.DescribeConfigsResourceResult> topic(
      String name, List<String> keys, Options options) throws ApiException {
    try {
      Topic.validate(name);
    } catch (RuntimeException e) {
      throw new ApiException(Errors.INVALID_TOPIC_EXCEPTION, e.getMessage());
    }
    TopicImage t =
        broker
            .image()
            .topic(name)
            .orElseThrow(
                () ->
                    new ApiException(
                        Errors.UNKNOWN_TOPIC_OR_PARTITION, "Topic '" + name + "' does not exist."));
    TopicConfigs configs = broker.topicConfigs();
    List<DescribeConfigsResponseData.DescribeConfigsResourceResult> out = new ArrayList<>();
    for (String key : new TreeSet<>(configs.defaults().keySet())) {
      if (keys != null && !keys.contains(key)) {
        continue;
      }
      ConfigDescriptions.Description d = ConfigDescriptions.topic(key);
      String override = t.configs().get(key);
      List<DescribeConfigsResponseData.DescribeConfigsSynonym> synonyms = new ArrayList<>();
      if (override != null) {
        synonyms.add(synonym(key, override, ConfigSource.TOPIC_CONFIG));
      }
      if (d.brokerName() != null) {
        synonyms.add(
            synonym(d.brokerName(), configs.defaults().get(key), ConfigSource.DEFAULT_CONFIG));
      }
      ConfigSource source =
          override != null ? ConfigSource.TOPIC_CONFIG : ConfigSource.DEFAULT_CONFIG;
      out.add(
          entry(
              key, configs.value(t.configs(), key), source, false, synonyms, d, d.doc(), options));
    }
    return out;
  }

  private List<DescribeConfigsResponseData.DescribeConfigsResourceResult> broker(
      String name, List<String> keys, Options options) throws ApiException {
    if (name.isEmpty()) {
      return List.of();
    }
    if (!isRegionNode(name)) {
      throw new ApiException(
          Errors.INVALID_REQUEST,
          "Unexpected broker id '" + name + "': not a node of this region.");
    }
    List<DescribeConfigsResponseData.DescribeConfigsResourceResult> out = new ArrayList<>();
    Map<String, String> defaults = broker.topicConfigs().defaults();
    for (String key : new TreeSet<>(defaults.keySet())) {
      ConfigDescriptions.Description d = ConfigDescriptions.topic(key);
      if (d.brokerName() == null || (keys != null && !keys.contains(d.brokerName()))) {
        continue;
      }
      String value = defaults.get(key);
      String doc = "The node-wide default of topic config '" + key + "'. " + d.doc();
      out.add(
          entry(
              d.brokerName(),
              value,
              ConfigSource.DEFAULT_CONFIG,
              true,
              List.of(synonym(d.brokerName(), value, ConfigSource.DEFAULT_CONFIG)),
              d,
              doc,
              options));
    }
    for (ConfigDescriptions.BrokerSetting b :
        ConfigDescriptions.brokerSettings(
            broker.settings(), broker.topicDefaults(), broker.region().nodes().size())) {
      if (keys != null && !keys.contains(b.name())) {
        continue;
      }
      ConfigDescriptions.Description d =
          new ConfigDescriptions.Description(b.type(), null, b.doc());
      out.add(
          entry(
              b.name(),
              b.value(),
              ConfigSource.STATIC_BROKER_CONFIG,
              true,
              List.of(synonym(b.name(), b.value(), ConfigSource.STATIC_BROKER_CONFIG)),
              d,
              b.doc(),
              options));
    }
    Map<String, String> dynamic = broker.image().nodeConfigs(Integer.parseInt(name));
    for (String key : List.of(DynamicNodeConfigs.LEADER_RATE, DynamicNodeConfigs.FOLLOWER_RATE)) {
      if (keys != null && !keys.contains(key)) {
        continue;
      }
      String value = dynamic.get(key);
      ConfigSource source =
          value != null ? ConfigSource.DYNAMIC_BROKER_CONFIG : ConfigSource.DEFAULT_CONFIG;
      value = value != null ? value : Long.toString(Long.MAX_VALUE);
      String doc = ConfigDescriptions.dynamicDoc(key);
      out.add(
          entry(
              key,
              value,
              source,
              false,
              List.of(synonym(key, value, source)),
              new ConfigDescriptions.Description(ConfigType.LONG, null, doc),
              doc,
              options));
    }
    out.sort(java.util.Comparator.comparing(e -> e.name()));
    return out;
  }

  private boolean isRegionNode(String name) {
    try {
      return broker.region().node(Integer.parseInt(name)).isPresent();
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static DescribeConfigsResponseData.DescribeConfigsResourceResult entry(
      String name,
      String value,
      ConfigSource source,
      boolean readOnly,
      List<DescribeConfigsResponseData.DescribeConfigsSynonym> synonyms,
      ConfigDescriptions.Description d,
      String doc,
      Options options) {
    DescribeConfigsResponseData.DescribeConfigsResourceResult e =
        new DescribeConfigsResponseData.DescribeConfigsResourceResult()
            .setName(name)
            .setValue(value)
            .setReadOnly(readOnly)
            .setIsSensitive(false)
            .setConfigSource(source.id())
            .setSynonyms(options.synonyms() ? synonyms : List.of());
    if (options.version() >= 3) {
      e.setConfigType(d.type().id()).setDocumentation(options.documentation() ? doc : null);
    }
    return e;
  }

  private static DescribeConfigsResponseData.DescribeConfigsSynonym synonym(
      String name, String value, ConfigSource source) {
    return new DescribeConfigsResponseData.DescribeConfigsSynonym()
        .setName(name)
        .setValue(value)
        .setSource(source.id());
  }
}
