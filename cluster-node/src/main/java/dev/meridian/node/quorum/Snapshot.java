package dev.meridian.node.quorum;

import dev.meridian.node.metadata.MetadataImage;

/**
 * The committed image at one version, standing for the entries {@code 1..version} of the log.
 *
 * @param epoch the epoch of entry {@code version} (0 for the empty snapshot)
 * @param image the image; {@code image.version()} is the snapshot's version
 */
public record Snapshot(long epoch, MetadataImage image) {
  /** The snapshot before the first entry. */
  public static final Snapshot EMPTY = new Snapshot(0, MetadataImage.EMPTY);

  /** The version of the last entry the snapshot covers. */
  public long version() {
    return image.version();
  }
}
