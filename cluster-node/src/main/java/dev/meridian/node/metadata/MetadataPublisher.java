package dev.meridian.node.metadata;

/**
 * A part of a node that follows the region's metadata: it is handed every committed image, in
 * version order, on the node's metadata publisher thread (one at a time; it may block, e.g. to open
 * logs). Versions may be skipped when several commit at once: a publisher compares {@code previous}
 * and {@code next} rather than replaying records.
 */
@FunctionalInterface
public interface MetadataPublisher {
  /** Applies what changed from {@code previous} to {@code next}. */
  void publish(MetadataImage previous, MetadataImage next);
}
