package dev.meridian.node.quorum;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link QuorumStore} in a directory of the node:
 *
 * <pre>
 * &lt;dir&gt;/
 *   promise.json    {"epoch":7,"candidate":2}               replaced atomically, fsynced
 *   snapshot.json   {"epoch":6,"image":{...}}                replaced atomically, fsynced
 *   metadata.log    one line per entry after the snapshot:  appended, fsynced
 *                   &lt;crc32c, 8 hex digits&gt; {"v":12,"e":7,"r":[records]}\n
 *   commit          the last known commit version (text)     not fsynced: it is learned again
 * </pre>
 *
 * <p>Entry and snapshot forms are {@link QuorumCodec}'s. A truncation rewrites {@code metadata.log}
 * to a temporary file and renames it. After a crash, loading keeps the lines up to the first one
 * that is torn or fails its checksum and rewrites the file without the rest (an entry is
 * acknowledged only once its line is on disk, so a torn line was never acknowledged). Used by one
 * thread.
 */
public final class FileQuorumStore implements QuorumStore {
  private static final Logger LOG = LoggerFactory.getLogger(FileQuorumStore.class);
  private static final String PROMISE = "promise.json";
  private static final String SNAPSHOT = "snapshot.json";
  private static final String LOG_FILE = "metadata.log";
  private static final String COMMIT = "commit";

  private final Path dir;
  private final MemoryQuorumStore memory = new MemoryQuorumStore();
  private FileChannel log;

  private FileQuorumStore(Path dir) {
    this.dir = dir;
  }

  /**
   * Opens (creating) the store in {@code dir}, recovering a torn log tail.
   *
   * @throws IOException when a file cannot be read, or the snapshot or promise is corrupt
   */
  public static FileQuorumStore open(Path dir) throws IOException {
    Files.createDirectories(dir);
    FileQuorumStore s = new FileQuorumStore(dir);
    s.load();
    return s;
  }

  private void load() throws IOException {
    Path promise = dir.resolve(PROMISE);
    if (Files.exists(promise)) {
      JsonObject p = readJson(promise);
      memory.promise(p.getLong("epoch"), p.getInteger("candidate"));
    }
    Path snapshot = dir.resolve(SNAPSHOT);
    if (Files.exists(snapshot)) {
      try {
        memory.installSnapshot(QuorumCodec.snapshotFromJson(readJson(snapshot)));
      } catch (IllegalArgumentException e) {
        throw new IOException(snapshot + " is corrupt: " + e.getMessage(), e);
      }
    }
    Path logPath = dir.resolve(LOG_FILE);
    List<LogEntry> entries = new ArrayList<>();
    boolean torn = false;
    if (Files.exists(logPath)) {
      List<String> lines = Files.readAllLines(logPath, StandardCharsets.UTF_8);
      long expected = memory.snapshot().version() + 1;
      for (int i = 0; i < lines.size(); i++) {
        LogEntry e = parse(lines.get(i));
        if (e == null) {
          LOG.warn(
              "{}: line {} of {} is torn or corrupt; dropping it and the {} line(s) after it",
              logPath,
              i + 1,
              lines.size(),
              lines.size() - i - 1);
          torn = true;
          break;
        }
        if (e.version() < expected) {
          torn = true; // covered by the snapshot (a crash between snapshot and rewrite)
          continue;
        }
        if (e.version() != expected) {
          throw new IOException(
              logPath + ": entry " + e.version() + " follows " + (expected - 1) + " (line " + i);
        }
        entries.add(e);
        expected++;
      }
    }
    memory.append(entries);
    Path commit = dir.resolve(COMMIT);
    if (Files.exists(commit)) {
      try {
        memory.commit(
            Math.min(
                memory.lastVersion(),
                Math.max(
                    memory.snapshot().version(),
                    Long.parseLong(Files.readString(commit, StandardCharsets.UTF_8).trim()))));
      } catch (NumberFormatException e) {
        memory.commit(memory.snapshot().version());
      }
    } else {
      memory.commit(memory.snapshot().version());
    }
    if (torn || !Files.exists(logPath)) {
      rewriteLog();
    } else {
      log = FileChannel.open(logPath, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    }
  }

  private static LogEntry parse(String line) {
    int space = line.indexOf(' ');
    if (space != 8) {
      return null;
    }
    try {
      long crc = Long.parseLong(line.substring(0, 8), 16);
      byte[] body = line.substring(9).getBytes(StandardCharsets.UTF_8);
      CRC32C c = new CRC32C();
      c.update(body);
      if (c.getValue() != crc) {
        return null;
      }
      return QuorumCodec.entryFromJson(new JsonObject(line.substring(9)));
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static byte[] line(LogEntry e) {
    byte[] body = QuorumCodec.entry(e).encode().getBytes(StandardCharsets.UTF_8);
    CRC32C c = new CRC32C();
    c.update(body);
    String prefix = String.format("%08x ", c.getValue());
    ByteBuffer b = ByteBuffer.allocate(prefix.length() + body.length + 1);
    b.put(prefix.getBytes(StandardCharsets.US_ASCII)).put(body).put((byte) '\n');
    return b.array();
  }

  private static JsonObject readJson(Path file) throws IOException {
    try {
      return new JsonObject(Files.readString(file, StandardCharsets.UTF_8));
    } catch (RuntimeException e) {
      throw new IOException(file + " is corrupt: " + e.getMessage(), e);
    }
  }

  private void writeAtomically(String name, byte[] content) throws IOException {
    Path target = dir.resolve(name);
    Path tmp = dir.resolve(name + ".tmp");
    try (FileChannel ch =
        FileChannel.open(
            tmp,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer b = ByteBuffer.wrap(content);
      while (b.hasRemaining()) {
        ch.write(b);
      }
      ch.force(true);
    }
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
    }
    syncDir();
  }

  private void syncDir() {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException e) {
      // some file systems cannot sync a directory; the rename is still atomic
    }
  }

  private void rewriteLog() throws IOException {
    if (log != null) {
      log.close();
    }
    var out = new java.io.ByteArrayOutputStream();
    List<LogEntry> all = memory.entries(memory.snapshot().version() + 1, Integer.MAX_VALUE);
    for (LogEntry e : all) {
      out.write(line(e));
    }
    writeAtomically(LOG_FILE, out.toByteArray());
    log =
        FileChannel.open(
            dir.resolve(LOG_FILE), StandardOpenOption.WRITE, StandardOpenOption.APPEND);
  }

  @Override
  public long promisedEpoch() {
    return memory.promisedEpoch();
  }

  @Override
  public int promisedTo() {
    return memory.promisedTo();
  }

  @Override
  public void promise(long epoch, int candidate) {
    try {
      writeAtomically(
          PROMISE,
          new JsonObject()
              .put("epoch", epoch)
              .put("candidate", candidate)
              .encode()
              .getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(dir + ": cannot record the promise of epoch " + epoch, e);
    }
    memory.promise(epoch, candidate);
  }

  @Override
  public Snapshot snapshot() {
    return memory.snapshot();
  }

  @Override
  public long lastVersion() {
    return memory.lastVersion();
  }

  @Override
  public long epochAt(long version) {
    return memory.epochAt(version);
  }

  @Override
  public List<LogEntry> entries(long fromVersion, int max) {
    return memory.entries(fromVersion, max);
  }

  @Override
  public void append(List<LogEntry> entries) {
    if (entries.isEmpty()) {
      return;
    }
    memory.append(entries);
    try {
      var out = new java.io.ByteArrayOutputStream();
      for (LogEntry e : entries) {
        out.write(line(e));
      }
      ByteBuffer b = ByteBuffer.wrap(out.toByteArray());
      while (b.hasRemaining()) {
        log.write(b);
      }
      log.force(false);
    } catch (IOException e) {
      throw new UncheckedIOException(dir + ": cannot append to the metadata log", e);
    }
  }

  @Override
  public void truncateAfter(long version) {
    memory.truncateAfter(version);
    try {
      rewriteLog();
    } catch (IOException e) {
      throw new UncheckedIOException(dir + ": cannot truncate the metadata log", e);
    }
  }

  @Override
  public void installSnapshot(Snapshot snapshot) {
    try {
      writeAtomically(
          SNAPSHOT, QuorumCodec.snapshot(snapshot).encode().getBytes(StandardCharsets.UTF_8));
      memory.installSnapshot(snapshot);
      rewriteLog();
    } catch (IOException e) {
      throw new UncheckedIOException(dir + ": cannot write a metadata snapshot", e);
    }
  }

  @Override
  public long commitVersion() {
    return memory.commitVersion();
  }

  @Override
  public void commit(long version) {
    memory.commit(version);
    try {
      Files.writeString(dir.resolve(COMMIT), Long.toString(version), StandardCharsets.UTF_8);
    } catch (IOException e) {
      LOG.warn("{}: cannot record commit version {}: {}", dir, version, e.toString());
    }
  }

  /** Closes the log file. */
  public void close() throws IOException {
    if (log != null) {
      log.close();
    }
  }
}
