package dev.sparksgd.train;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sparksgd.config.ConfigException;
import dev.sparksgd.config.TrainConfig;
import dev.sparksgd.data.DataLoader;
import dev.sparksgd.data.Dataset;
import dev.sparksgd.report.Redact;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * What a run's result depends on, so that a checkpoint is only resumed by the run that made it:
 * the options that change the model, the input files (path, size, modification time) and what
 * loading made of them (rows, features, partitions, a hash of the feature statistics).
 *
 * <p>The options are {@link TrainConfig#toOptionMap()} without {@code max-iter} and
 * {@code max-time} (a resumed run may train longer or shorter), {@code max-regression} (the
 * quality gate judges the finished model only), {@code prefetch-mb} and {@code storage-level}
 * (the same bits either way), plus {@code init-model} (the warm start's path).
 * The output path, --overwrite, --baseline-model and the checkpoint options are not in it.
 *
 * @param options option name → its value as JSON text
 * @param input the data files, sorted by path
 * @param data what the load pass found; null in a check made before loading
 */
public record RunFingerprint(Map<String, String> options, List<InputFile> input, DataSummary data) {
  /** Options that may differ between the run that wrote a checkpoint and the one resuming it. */
  static final Set<String> MAY_DIFFER = Set.of("max-iter", "max-time", "max-regression", "prefetch-mb",
      "storage-level");
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One data file as the file system lists it. */
  public record InputFile(String path, long length, long modified) {
  }

  /** The loaded data. {@code statsHash} covers every feature mean and standard deviation bit. */
  public record DataSummary(String format, long trainRows, long holdoutRows, int numFeatures,
      int numPartitions, String statsHash) {
  }

  /** The fingerprint before loading (options and files only). */
  static RunFingerprint beforeLoad(Configuration hadoop, TrainConfig cfg) {
    return new RunFingerprint(options(cfg), input(hadoop, cfg.dataPath), null);
  }

  static RunFingerprint of(Configuration hadoop, TrainConfig cfg, Dataset data) {
    return new RunFingerprint(options(cfg), input(hadoop, cfg.dataPath), summary(data));
  }

  static Map<String, String> options(TrainConfig cfg) {
    Map<String, String> m = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : cfg.toOptionMap().entrySet()) {
      if (!MAY_DIFFER.contains(e.getKey())) {
        try {
          m.put(e.getKey(), JSON.writeValueAsString(e.getValue()));
        } catch (JsonProcessingException ex) {
          throw new IllegalStateException("option " + e.getKey(), ex);
        }
      }
    }
    if (cfg.initModel != null) {
      m.put("init-model", Redact.path(cfg.initModel));
    }
    return m;
  }

  static List<InputFile> input(Configuration hadoop, String dataPath) {
    List<InputFile> files = new ArrayList<>();
    try {
      for (Path p : DataLoader.listInput(hadoop, dataPath)) {
        FileSystem fs = p.getFileSystem(hadoop);
        FileStatus st = fs.getFileStatus(p);
        // A checkpoint is a file like the model: no credential from a path goes into it.
        files.add(new InputFile(Redact.path(fs.makeQualified(p).toString()), st.getLen(),
            st.getModificationTime()));
      }
    } catch (IOException e) {
      throw new ConfigException("--data: cannot read " + dataPath + ": " + e.getMessage(), e);
    }
    files.sort((a, b) -> a.path.compareTo(b.path));
    return files;
  }

  static DataSummary summary(Dataset data) {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    ByteBuffer buf = ByteBuffer.allocate(8);
    for (double[] v : new double[][] {data.stats.mean(), data.stats.std()}) {
      for (double x : v) {
        buf.clear();
        md.update(buf.putLong(Double.doubleToRawLongBits(x)).array());
      }
    }
    String hash = HexFormat.of().formatHex(md.digest(), 0, 16);
    return new DataSummary(data.format.cliName(), data.trainRows, data.holdoutRows, data.numFeatures,
        data.numPartitions(), hash);
  }

  /**
   * The first way {@code now} differs from this (the checkpoint's) fingerprint, as a phrase for
   * an error line, or null when they agree. A null {@code now.data} skips the data comparison.
   */
  String firstDifference(RunFingerprint now) {
    Set<String> keys = new TreeSet<>(options.keySet());
    keys.addAll(now.options.keySet());
    List<String> diffs = new ArrayList<>();
    for (String k : keys) {
      String was = options.get(k);
      String is = now.options.get(k);
      if (was == null || is == null || !was.equals(is)) {
        diffs.add("--" + k + " " + show(is) + " (checkpoint: " + show(was) + ")");
      }
    }
    if (!diffs.isEmpty()) {
      return "other options: " + String.join(", ", diffs);
    }
    String files = fileDifference(input, now.input);
    if (files != null) {
      return "other input: " + files;
    }
    if (data != null && now.data != null && !data.equals(now.data)) {
      return "other data: " + dataDifference(data, now.data);
    }
    return null;
  }

  private static String show(String json) {
    if (json == null) {
      return "not set";
    }
    return json.length() >= 2 && json.startsWith("\"") && json.endsWith("\"")
        ? json.substring(1, json.length() - 1) : json;
  }

  private static String fileDifference(List<InputFile> was, List<InputFile> is) {
    Map<String, InputFile> before = new LinkedHashMap<>();
    was.forEach(f -> before.put(f.path, f));
    Map<String, InputFile> after = new LinkedHashMap<>();
    is.forEach(f -> after.put(f.path, f));
    for (InputFile f : is) {
      InputFile old = before.get(f.path);
      if (old == null) {
        return f.path + " was not part of the checkpointed run";
      }
      if (old.length != f.length) {
        return f.path + " is " + f.length + " bytes, was " + old.length;
      }
      if (old.modified != f.modified) {
        return f.path + " was modified " + Instant.ofEpochMilli(f.modified) + ", after the "
            + "checkpointed run read it (" + Instant.ofEpochMilli(old.modified) + ")";
      }
    }
    for (InputFile f : was) {
      if (!after.containsKey(f.path)) {
        return f.path + " is gone";
      }
    }
    return null;
  }

  private static String dataDifference(DataSummary was, DataSummary is) {
    if (!was.format.equals(is.format)) {
      return "read as " + is.format + ", was " + was.format;
    }
    if (was.trainRows != is.trainRows || was.holdoutRows != is.holdoutRows) {
      return is.trainRows + " training and " + is.holdoutRows + " holdout rows, was " + was.trainRows
          + " and " + was.holdoutRows;
    }
    if (was.numFeatures != is.numFeatures) {
      return is.numFeatures + " features, was " + was.numFeatures;
    }
    if (was.numPartitions != is.numPartitions) {
      return is.numPartitions + " partitions, was " + was.numPartitions + " (give --num-partitions "
          + was.numPartitions + ")";
    }
    return "the feature statistics differ (same files, different content)";
  }
}
