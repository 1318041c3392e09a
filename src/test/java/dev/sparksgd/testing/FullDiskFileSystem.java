package dev.sparksgd.testing;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.lang.reflect.Constructor;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FSError;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.util.Progressable;

/**
 * The local filesystem on a disk that is full for some files: writing a file whose path contains
 * {@value #FULL_ON} (a Hadoop conf key) fails once {@value #FULL_AFTER} bytes of it are written,
 * as Hadoop's own local filesystem fails on a full disk: with an {@link FSError} (an Error, not an
 * exception) around the {@code IOException("No space left on device")} of the write.
 */
public class FullDiskFileSystem extends LocalFileSystem {
  public static final String FULL_ON = "spark-sgd.test.full-on";
  public static final String FULL_AFTER = "spark-sgd.test.full-after";
  public static final String NO_SPACE = "No space left on device";

  /** Makes {@code conf} use this filesystem for file: paths, full for paths containing {@code fullOn}. */
  public static void install(Configuration conf, String fullOn, long fullAfterBytes) {
    conf.set("fs.file.impl", FullDiskFileSystem.class.getName());
    conf.setBoolean("fs.file.impl.disable.cache", true);
    conf.set(FULL_ON, fullOn);
    conf.setLong(FULL_AFTER, fullAfterBytes);
  }

  /** Undoes {@link #install}. */
  public static void uninstall(Configuration conf) {
    conf.unset("fs.file.impl");
    conf.unset("fs.file.impl.disable.cache");
    conf.unset(FULL_ON);
    conf.unset(FULL_AFTER);
  }

  @Override
  public FSDataOutputStream create(Path f, FsPermission permission, boolean overwrite, int bufferSize,
      short replication, long blockSize, Progressable progress) throws IOException {
    FSDataOutputStream real = super.create(f, permission, overwrite, bufferSize, replication, blockSize, progress);
    String fullOn = getConf().get(FULL_ON);
    if (fullOn == null || !f.toString().contains(fullOn)) {
      return real;
    }
    long room = getConf().getLong(FULL_AFTER, 0);
    return new FSDataOutputStream(new FilterOutputStream(real) {
      long written;

      @Override
      public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        if (written + len > room) {
          throw fsError(new IOException(NO_SPACE));
        }
        written += len;
        real.write(b, off, len);
      }
    }, null);
  }

  /** The Error Hadoop's RawLocalFileSystem throws for a failed write (its constructor is package-private). */
  static FSError fsError(IOException cause) {
    try {
      Constructor<FSError> c = FSError.class.getDeclaredConstructor(Throwable.class);
      c.setAccessible(true);
      return c.newInstance(cause);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError("cannot make an FSError", e);
    }
  }
}
