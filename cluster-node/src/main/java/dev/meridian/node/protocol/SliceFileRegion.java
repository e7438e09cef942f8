package dev.meridian.node.protocol;

import io.netty.channel.FileRegion;
import io.netty.util.AbstractReferenceCounted;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;

/**
 * A region of a segment file written to a socket with {@link FileChannel#transferTo} (sendfile on
 * Linux). Unlike Netty's DefaultFileRegion it never closes the channel: the log owns it.
 */
final class SliceFileRegion extends AbstractReferenceCounted implements FileRegion {
  private final FileChannel channel;
  private final long position;
  private final long count;
  private long transferred;

  SliceFileRegion(FileChannel channel, long position, long count) {
    this.channel = channel;
    this.position = position;
    this.count = count;
  }

  @Override
  public long position() {
    return position;
  }

  @Override
  public long transferred() {
    return transferred;
  }

  @Override
  @Deprecated
  public long transfered() {
    return transferred;
  }

  @Override
  public long count() {
    return count;
  }

  @Override
  public long transferTo(WritableByteChannel target, long at) throws IOException {
    long remaining = count - at;
    if (remaining <= 0) {
      return 0;
    }
    long written = channel.transferTo(position + at, remaining, target);
    if (written == 0 && channel.size() < position + count) {
      throw new IOException("segment truncated under a fetch being sent");
    }
    transferred += written;
    return written;
  }

  @Override
  public FileRegion retain() {
    super.retain();
    return this;
  }

  @Override
  public FileRegion retain(int increment) {
    super.retain(increment);
    return this;
  }

  @Override
  public FileRegion touch() {
    return this;
  }

  @Override
  public FileRegion touch(Object hint) {
    return this;
  }

  @Override
  protected void deallocate() {
    // the channel belongs to the partition log
  }
}
