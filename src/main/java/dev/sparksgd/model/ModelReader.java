package dev.sparksgd.model;

import dev.sparksgd.config.ConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** Reads a model directory of ours (model.json) or a spark.ml model directory, on any Hadoop path. */
public final class ModelReader {
  private ModelReader() {
  }

  /**
   * @param option the option that named the directory, for messages (e.g. "--model")
   */
  public static LinearModel read(Configuration conf, String dir, String option) {
    try {
      Path json = new Path(dir, "model.json");
      FileSystem fs = json.getFileSystem(conf);
      if (fs.exists(json)) {
        String text;
        try (InputStream in = fs.open(json)) {
          text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        try {
          return LinearModel.fromJson(text);
        } catch (IllegalArgumentException e) {
          throw new ConfigException(option + " " + json + ": " + e.getMessage());
        }
      }
      if (SparkMlModels.isSparkMlDirectory(conf, dir)) {
        try {
          return SparkMlModels.read(conf, dir);
        } catch (IllegalArgumentException e) {
          throw new ConfigException(option + " " + dir + ": " + e.getMessage());
        }
      }
      if (!fs.exists(new Path(dir))) {
        throw new ConfigException(option + " " + dir + ": no such directory");
      }
      throw new ConfigException(option + " " + dir + ": neither a spark-sgd model directory (model.json) "
          + "nor a Spark ML model directory (metadata/)");
    } catch (IOException e) {
      throw new ConfigException(option + " " + dir + ": cannot read it: " + e.getMessage(), e);
    }
  }
}
