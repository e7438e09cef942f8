package dev.meridian.node.storage;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/** A log in a temporary directory with a controlled clock. */
final class LogFixture {
  final Path dir;
  final AtomicLong clock = new AtomicLong(1_700_000_000_000L);
  LogConfig config;
  PartitionLog log;

  LogFixture(Path tmp, LogConfig config) throws IOException {
    this.dir = tmp.resolve("topic-0");
    this.config = config;
    this.log = open();
  }

  PartitionLog open() throws IOException {
    log = PartitionLog.open(dir, "topic", 0, config, clock::get, null);
    return log;
  }

  /** Clean close and reopen. */
  PartitionLog reopen() throws IOException {
    log.close();
    return open();
  }

  /** Reopen without closing: simulates a process crash (data written is in the page cache). */
  PartitionLog crashAndReopen() throws IOException {
    abandon();
    return open();
  }

  void abandon() {
    // The old instance is simply dropped: no flush, no marker, no snapshot. Its channels are
    // left to the GC as a killed process's would be closed by the kernel.
  }
}
