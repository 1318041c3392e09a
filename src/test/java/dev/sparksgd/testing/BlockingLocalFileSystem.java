package dev.sparksgd.testing;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.util.Progressable;

/**
 * The local filesystem, except that a file whose name contains {@value #BLOCK_ON} (a Hadoop conf
 * key) stops being written half-way: its first half is flushed, the file named by
 * {@value #MARKER} appears (atomically, holding the written file's path), and the writing thread
 * sleeps until the process is killed. This puts a kill -9 exactly in the middle of a write.
 */
public class BlockingLocalFileSystem extends LocalFileSystem {
  public static final String BLOCK_ON = "spark-sgd.test.block-on";
  public static final String MARKER = "spark-sgd.test.marker";

  @Override
  public FSDataOutputStream create(Path f, FsPermission permission, boolean overwrite, int bufferSize,
      short replication, long blockSize, Progressable progress) throws IOException {
    FSDataOutputStream real = super.create(f, permission, overwrite, bufferSize, replication, blockSize, progress);
    String blockOn = getConf().get(BLOCK_ON);
    if (blockOn == null || !f.getName().contains(blockOn)) {
      return real;
    }
    String marker = getConf().get(MARKER);
    return new FSDataOutputStream(new FilterOutputStream(real) {
      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        real.write(b, off, len / 2);
        real.hflush();
        // Atomically: the test polls for the marker's name and then reads its content, so the name
        // must not appear before the content does.
        java.nio.file.Path target = Paths.get(marker);
        java.nio.file.Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        Files.writeString(tmp, f.toString());
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        try {
          Thread.sleep(Long.MAX_VALUE);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted");
        }
      }
    }, null);
  }
}
