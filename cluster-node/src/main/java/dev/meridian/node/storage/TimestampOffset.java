package dev.meridian.node.storage;

/** A record's offset and timestamp, the answer to a lookup by time. */
public record TimestampOffset(long timestamp, long offset) {}
