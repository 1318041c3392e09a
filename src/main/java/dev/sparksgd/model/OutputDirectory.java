package dev.sparksgd.model;

import dev.sparksgd.config.ConfigException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Publishes a model directory atomically on any Hadoop filesystem: everything is written under a
 * hidden temporary sibling, which is renamed to the final name only when complete. Readers never
 * see half a model, and a failed run leaves the previous model in place.
 */
public final class OutputDirectory {
  /** Held while an old model directory is moved aside and the new one takes its name. */
  private static final Object SWAP = new Object();

  private OutputDirectory() {
  }

  /**
   * Runs {@code r} (e.g. {@link Runtime#halt}) when no publish of this JVM is between its two
   * renames, where the output path names no directory.
   */
  public static void outsideSwap(Runnable r) {
    synchronized (SWAP) {
      r.run();
    }
  }

  /** Fails early (before any training) when the output exists and may not be replaced. */
  public static void checkWritable(Configuration conf, String output, boolean overwrite) {
    try {
      Path p = new Path(output);
      FileSystem fs = p.getFileSystem(conf);
      if (fs.exists(p)) {
        if (!overwrite) {
          throw new ConfigException("--output " + output + " already exists; give --overwrite to replace it");
        }
        if (!fs.getFileStatus(p).isDirectory()) {
          throw new ConfigException("--output " + output + " is a file, not a model directory");
        }
      }
    } catch (IOException e) {
      throw new ConfigException("--output: cannot use " + output + ": " + e.getMessage(), e);
    }
  }

  /** Writes more content into the not yet published directory. */
  @FunctionalInterface
  public interface ContentWriter {
    void write(Path dir) throws IOException;
  }

  /** Writes {@code files} (name → text, written as UTF-8) as the directory {@code output}. */
  public static void publish(Configuration conf, String output, boolean overwrite,
      Map<String, String> files) throws IOException {
    publish(conf, output, overwrite, files, null);
  }

  /**
   * Writes {@code files} (name → text), then whatever {@code more} writes into the temporary
   * directory (e.g. a Spark ML model), as the directory {@code output}.
   */
  public static void publish(Configuration conf, String output, boolean overwrite,
      Map<String, String> files, ContentWriter more) throws IOException {
    Map<String, byte[]> bytes = new LinkedHashMap<>();
    files.forEach((k, v) -> bytes.put(k, v.getBytes(StandardCharsets.UTF_8)));
    publishBytes(conf, output, overwrite, bytes, more);
  }

  /**
   * Writes {@code files} (name → content), then whatever {@code more} (may be null) writes into
   * the temporary directory, as the directory {@code output}.
   */
  public static void publishBytes(Configuration conf, String output, boolean overwrite,
      Map<String, byte[]> files, ContentWriter more) throws IOException {
    Path target = new Path(output);
    FileSystem fs = target.getFileSystem(conf);
    fs.setWriteChecksum(false); // no .crc side files next to model.json on a local disk
    Path parent = target.getParent();
    if (parent != null) {
      fs.mkdirs(parent);
    }
    Path tmp = new Path(parent, "." + target.getName() + ".tmp-" + UUID.randomUUID());
    try {
      fs.mkdirs(tmp);
      for (Map.Entry<String, byte[]> f : files.entrySet()) {
        try (OutputStream out = fs.create(new Path(tmp, f.getKey()), false)) {
          out.write(f.getValue());
        }
      }
      if (more != null) {
        more.write(fs.makeQualified(tmp));
      }
      if (fs.exists(target)) {
        if (!overwrite) {
          throw new ConfigException("--output " + output + " appeared while training; not replaced (give --overwrite)");
        }
        Path old = new Path(parent, "." + target.getName() + ".old-" + UUID.randomUUID());
        synchronized (SWAP) {
          if (!fs.rename(target, old)) {
            throw new IOException("cannot move the old " + target + " aside");
          }
          if (!fs.rename(tmp, target)) {
            fs.rename(old, target);
            throw new IOException("cannot rename " + tmp + " to " + target);
          }
        }
        fs.delete(old, true);
      } else if (!fs.rename(tmp, target)) {
        throw new IOException("cannot rename " + tmp + " to " + target);
      }
    } finally {
      if (fs.exists(tmp)) {
        fs.delete(tmp, true);
      }
    }
  }
}
