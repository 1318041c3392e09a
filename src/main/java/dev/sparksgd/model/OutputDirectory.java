package dev.sparksgd.model;

import dev.sparksgd.config.ConfigException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSError;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes a model directory atomically on any Hadoop filesystem: everything is written under a
 * hidden temporary sibling, which is renamed to the final name only when complete. Readers never
 * see half a model, and a failed run leaves the previous model in place.
 */
public final class OutputDirectory {
  private static final Logger LOG = LoggerFactory.getLogger(OutputDirectory.class);
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
      Map<String, String> files) {
    publish(conf, output, overwrite, files, null);
  }

  /**
   * Writes {@code files} (name → text), then whatever {@code more} writes into the temporary
   * directory (e.g. a Spark ML model), as the directory {@code output}.
   */
  public static void publish(Configuration conf, String output, boolean overwrite,
      Map<String, String> files, ContentWriter more) {
    Map<String, byte[]> bytes = new LinkedHashMap<>();
    files.forEach((k, v) -> bytes.put(k, v.getBytes(StandardCharsets.UTF_8)));
    publishBytes(conf, output, overwrite, bytes, more);
  }

  /**
   * Writes {@code files} (name → content), then whatever {@code more} (may be null) writes into
   * the temporary directory, as the directory {@code output}. Any failure to write (an
   * {@link IOException}, Hadoop's {@code FSError} on a full local disk, a failed Spark job of
   * {@code more}) is an {@link OutputFailure} naming the directory and the cause; the temporary
   * directory is removed and an existing {@code output} is left as it was.
   */
  public static void publishBytes(Configuration conf, String output, boolean overwrite,
      Map<String, byte[]> files, ContentWriter more) {
    Path target = new Path(output);
    FileSystem fs;
    Path tmp;
    try {
      fs = target.getFileSystem(conf);
      fs.setWriteChecksum(false); // no .crc side files next to model.json on a local disk
      Path parent = target.getParent();
      if (parent != null) {
        fs.mkdirs(parent);
      }
      tmp = new Path(parent, "." + target.getName() + ".tmp-" + UUID.randomUUID());
    } catch (IOException | FSError e) {
      throw new OutputFailure("the model directory", output, e);
    }
    try {
      write(fs, target, tmp, overwrite, files, more);
    } catch (ConfigException | OutputFailure e) {
      throw e;
    } catch (Exception | FSError e) { // Spark rethrows a failed job's SparkException undeclared
      throw new OutputFailure("the model directory", output, e);
    } finally {
      removeQuietly(fs, tmp);
    }
  }

  private static void write(FileSystem fs, Path target, Path tmp, boolean overwrite,
      Map<String, byte[]> files, ContentWriter more) throws IOException {
    fs.mkdirs(tmp);
    for (Map.Entry<String, byte[]> f : files.entrySet()) {
      try (OutputStream out = fs.create(new Path(tmp, f.getKey()), false)) {
        out.write(f.getValue());
      }
    }
    if (more != null) {
      more.write(fs.makeQualified(tmp));
    }
    swapIn(fs, tmp, target, overwrite);
  }

  /** Gives the complete {@code tmp} (a file or a directory) the name {@code target}. */
  private static void swapIn(FileSystem fs, Path tmp, Path target, boolean overwrite) throws IOException {
    if (fs.exists(target)) {
      if (!overwrite) {
        throw new ConfigException("--output " + target + " appeared while running; not replaced (give --overwrite)");
      }
      Path old = new Path(target.getParent(), "." + target.getName() + ".old-" + UUID.randomUUID());
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
  }

  /**
   * Writes {@code content} as the file {@code output} (a report), atomically as a model directory
   * is published: a failure to write is an {@link OutputFailure} naming {@code what}, and leaves
   * an existing file as it was and no temporary file behind.
   */
  public static void publishFile(Configuration conf, String output, boolean overwrite, byte[] content,
      String what) {
    Path target = new Path(output);
    FileSystem fs;
    try {
      fs = target.getFileSystem(conf);
    } catch (IOException e) {
      throw new OutputFailure(what, output, e);
    }
    Path tmp = new Path(target.getParent(), "." + target.getName() + ".tmp-" + UUID.randomUUID());
    try {
      fs.setWriteChecksum(false);
      try (OutputStream out = fs.create(tmp, false)) {
        out.write(content);
      }
      swapIn(fs, tmp, target, overwrite);
    } catch (IOException | FSError e) {
      throw new OutputFailure(what, output, e);
    } finally {
      removeQuietly(fs, tmp);
    }
  }

  /** Deletes {@code path} if it exists; a failure to delete is logged, never thrown over the first failure. */
  static void removeQuietly(FileSystem fs, Path path) {
    try {
      if (fs.exists(path)) {
        fs.delete(path, true);
      }
    } catch (IOException | FSError e) {
      LOG.warn("cannot remove {}: {}", path, e.toString());
    }
  }
}
