package dev.meridian.node.storage;

/** How far a read may go. */
public enum FetchIsolation {
  /** Up to the log end: replicas and mirrors copying the log. */
  LOG_END,
  /** Up to the high watermark: consumers see only replicated (committed) records. */
  HIGH_WATERMARK
}
