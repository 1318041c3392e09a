package dev.sparksgd.model;

import dev.sparksgd.config.ConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Reads a model directory written by {@code train} (its model.json) from any Hadoop filesystem.
 * The file is parsed as JSON and validated by {@link LinearModel#fromJson}; nothing is ever read
 * with Java deserialization. Anything that is not one of our model directories is a user error.
 */
public final class ModelDirectory {
  public static final String MODEL_FILE = "model.json";
  /** model.json is text of one number per weight; far above any real one, far below the heap. */
  static final long MAX_MODEL_BYTES = 512L << 20;

  private ModelDirectory() {
  }

  /** @param option the option that named the directory, for the error messages */
  public static LinearModel read(Configuration conf, String dir, String option) {
    try {
      Path path = new Path(dir);
      FileSystem fs = path.getFileSystem(conf);
      if (!fs.exists(path)) {
        throw new ConfigException(option + " " + dir + ": no such directory");
      }
      if (!fs.getFileStatus(path).isDirectory()) {
        throw new ConfigException(option + " " + dir + " is a file; give the model directory "
            + "(the one holding " + MODEL_FILE + ")");
      }
      Path file = new Path(path, MODEL_FILE);
      if (!fs.exists(file)) {
        boolean sparkMl = fs.exists(new Path(path, "metadata")) && fs.exists(new Path(path, "data"));
        throw new ConfigException(option + " " + dir + ": not a spark-sgd model directory (no "
            + MODEL_FILE + ")" + (sparkMl ? "; it looks like a Spark ML model, which cannot be read here yet" : ""));
      }
      FileStatus st = fs.getFileStatus(file);
      if (st.getLen() > MAX_MODEL_BYTES) {
        throw new ConfigException(option + " " + dir + ": " + MODEL_FILE + " is " + st.getLen()
            + " bytes, more than a spark-sgd model can be");
      }
      String text;
      try (InputStream in = fs.open(file)) {
        text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      try {
        return LinearModel.fromJson(text);
      } catch (IllegalArgumentException e) {
        throw new ConfigException(option + " " + dir + ": " + MODEL_FILE + " is not a spark-sgd model: "
            + e.getMessage());
      }
    } catch (IOException e) {
      throw new ConfigException(option + " " + dir + ": cannot read it: " + e.getMessage(), e);
    }
  }
}
