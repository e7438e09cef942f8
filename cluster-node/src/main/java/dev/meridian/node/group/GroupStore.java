package dev.meridian.node.group;

import java.util.Map;
import org.apache.kafka.common.protocol.Errors;

/** Persists a group's metadata for its {@link ClassicGroup} (the coordinator implements it). */
interface GroupStore {
  /** Called, under the coordinator's lock, once the metadata is written or failed to be. */
  @FunctionalInterface
  interface Done {
    void done(Errors error, long nowMs);
  }

  /**
   * Writes the group's current metadata with {@code assignment} (member id → assignment bytes);
   * returns at once. {@code done} (may be null) runs later, never inside this call.
   */
  void store(ClassicGroup group, Map<String, byte[]> assignment, Done done);
}
