package dev.meridian.node.storage;

import java.nio.ByteBuffer;

/**
 * Batches read from a log, whole and undecoded, with the log's offsets at the time of the read.
 *
 * @param records whole v2 batches, position 0 to limit; empty when nothing is available
 * @param highWatermark the high watermark
 * @param logStartOffset the first readable offset
 * @param logEndOffset the offset the next append gets
 */
public record LogReadResult(
    ByteBuffer records, long highWatermark, long logStartOffset, long logEndOffset) {}
