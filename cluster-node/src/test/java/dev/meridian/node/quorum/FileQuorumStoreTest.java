package dev.meridian.node.quorum;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.meridian.node.metadata.MetadataImage;
import dev.meridian.node.metadata.MetadataRecord;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The metadata log on disk: what survives a reopen, a torn tail, truncation and snapshots. */
class FileQuorumStoreTest {
  @TempDir Path dir;

  private static LogEntry entry(long version, long epoch) {
    return new LogEntry(
        version, epoch, List.of(new MetadataRecord.ProducerIds(1, version * 10, 10)));
  }

  @Test
  void promiseEntriesAndCommitSurviveAReopen() throws Exception {
    FileQuorumStore s = FileQuorumStore.open(dir);
    s.promise(3, 2);
    s.append(List.of(entry(1, 1), entry(2, 1)));
    s.append(List.of(entry(3, 3)));
    s.commit(2);
    s.close();
    FileQuorumStore r = FileQuorumStore.open(dir);
    assertEquals(3, r.promisedEpoch());
    assertEquals(2, r.promisedTo());
    assertEquals(3, r.lastVersion());
    assertEquals(3, r.lastEpoch());
    assertEquals(1, r.epochAt(2));
    assertEquals(2, r.commitVersion());
    assertEquals(entry(2, 1), r.entries(2, 1).get(0));
    r.close();
  }

  @Test
  void aTornLastLineIsDroppedAtOpen() throws Exception {
    FileQuorumStore s = FileQuorumStore.open(dir);
    s.append(List.of(entry(1, 1), entry(2, 1)));
    s.close();
    Files.writeString(dir.resolve("metadata.log"), "0badc0de {\"v\":3,", StandardOpenOption.APPEND);
    FileQuorumStore r = FileQuorumStore.open(dir);
    assertEquals(2, r.lastVersion());
    r.append(List.of(entry(3, 2)));
    r.close();
    assertEquals(3, FileQuorumStore.open(dir).lastVersion(), "the file was rewritten cleanly");
  }

  @Test
  void aLineWithABadChecksumEndsTheLog() throws Exception {
    FileQuorumStore s = FileQuorumStore.open(dir);
    s.append(List.of(entry(1, 1), entry(2, 1), entry(3, 1)));
    s.close();
    List<String> lines = Files.readAllLines(dir.resolve("metadata.log"), StandardCharsets.UTF_8);
    lines.set(1, lines.get(1).replace("\"e\":1", "\"e\":9"));
    Files.write(dir.resolve("metadata.log"), lines, StandardCharsets.UTF_8);
    assertEquals(1, FileQuorumStore.open(dir).lastVersion());
  }

  @Test
  void truncationAndSnapshotsAreDurable() throws Exception {
    FileQuorumStore s = FileQuorumStore.open(dir);
    s.append(List.of(entry(1, 1), entry(2, 1), entry(3, 1), entry(4, 1)));
    s.truncateAfter(3);
    MetadataImage image = MetadataImage.EMPTY;
    for (LogEntry e : s.entries(1, 2)) {
      image = image.apply(e.version(), e.records());
    }
    s.installSnapshot(new Snapshot(1, image));
    s.close();
    FileQuorumStore r = FileQuorumStore.open(dir);
    assertEquals(2, r.snapshot().version());
    assertEquals(image, r.snapshot().image());
    assertEquals(3, r.lastVersion(), "the entry after the snapshot is kept");
    assertEquals(List.of(entry(3, 1)), r.entries(3, 10));
    r.close();
  }
}
