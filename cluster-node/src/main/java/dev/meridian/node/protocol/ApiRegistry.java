package dev.meridian.node.protocol;

import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;

/**
 * The APIs this node serves, by key, and the version table it advertises: for each, {@code
 * [oldestVersion, maxVersion]} of its handler. Nothing unimplemented is advertised, so clients fall
 * back (DescribeCluster → Metadata, and so on) instead of failing.
 */
public final class ApiRegistry {
  private final Map<ApiKeys, ApiHandler> handlers = new EnumMap<>(ApiKeys.class);

  public ApiRegistry register(ApiHandler handler) {
    ApiKeys key = handler.apiKey();
    if (handler.maxVersion() < key.oldestVersion() || handler.maxVersion() > key.latestVersion()) {
      throw new IllegalArgumentException(
          key
              + ": max version "
              + handler.maxVersion()
              + " outside ["
              + key.oldestVersion()
              + ", "
              + key.latestVersion()
              + "]");
    }
    if (handlers.putIfAbsent(key, handler) != null) {
      throw new IllegalArgumentException(key + " registered twice");
    }
    return this;
  }

  public ApiHandler handler(ApiKeys key) {
    return handlers.get(key);
  }

  public Collection<ApiHandler> handlers() {
    return List.copyOf(handlers.values());
  }

  /** Whether {@code version} of {@code key} is served. */
  public boolean supports(ApiKeys key, short version) {
    ApiHandler h = handlers.get(key);
    return h != null && version >= key.oldestVersion() && version <= h.maxVersion();
  }

  /** The advertised version ranges, as ApiVersions returns them. */
  public ApiVersionsResponseData.ApiVersionCollection versions() {
    ApiVersionsResponseData.ApiVersionCollection out =
        new ApiVersionsResponseData.ApiVersionCollection();
    for (ApiHandler h : handlers.values()) {
      out.add(
          new ApiVersionsResponseData.ApiVersion()
              .setApiKey(h.apiKey().id)
              .setMinVersion(h.apiKey().oldestVersion())
              .setMaxVersion(h.maxVersion()));
    }
    return out;
  }
}
