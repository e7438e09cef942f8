package dev.meridian.node.group;

/**
 * A committed offset as the coordinator keeps it.
 *
 * @param offset the next offset the group will read
 * @param leaderEpoch the leader epoch of the last consumed record, or -1
 * @param metadata the client's metadata string (may be null)
 * @param commitTimestampMs broker time of the commit
 */
public record CommittedOffset(
    long offset, int leaderEpoch, String metadata, long commitTimestampMs) {}
