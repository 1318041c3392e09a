package dev.sparksgd.train;

import dev.sparksgd.config.TrainConfig;
import dev.sparksgd.model.OutputDirectory;
import dev.sparksgd.optim.Sgd;
import dev.sparksgd.testing.BlockingLocalFileSystem;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;

/**
 * The child process of KilledWriterTest: writes a model directory or checkpoints through
 * {@link BlockingLocalFileSystem}, which stops half-way through one file until the test kills
 * this JVM with kill -9.
 *
 * <p>Arguments: {@code publish|publish-overwrite TARGET MARKER} or {@code checkpoint DIR MARKER}.
 */
public final class KillDuringWrite {
  private KillDuringWrite() {
  }

  static Configuration blockingConf(String blockOn, String marker) {
    Configuration conf = new Configuration();
    conf.set("fs.file.impl", BlockingLocalFileSystem.class.getName());
    conf.setBoolean("fs.file.impl.disable.cache", true);
    conf.set(BlockingLocalFileSystem.BLOCK_ON, blockOn);
    conf.set(BlockingLocalFileSystem.MARKER, marker);
    return conf;
  }

  static Map<String, String> modelFiles(String tag) {
    Map<String, String> files = new LinkedHashMap<>();
    files.put("model.json", "{\"model\":\"" + tag + "\"}\n");
    files.put("history.csv", "iteration,loss\n" + "1,0.5\n".repeat(1000) + tag + "\n");
    files.put("metrics.json", "{\"metrics\":\"" + tag + "\"}\n");
    return files;
  }

  static Checkpoint state(int t, RunFingerprint fp) {
    List<IterationRecord> h = new ArrayList<>();
    for (int i = 1; i <= t; i++) {
      h.add(new IterationRecord(i, 1.0 / i, 1.0 / i, 0.1, 0.01, 0.1, 1, 100));
    }
    return new Checkpoint(t, new double[] {t, 0.5 * t}, "sgd", Map.of(), Map.of(), Map.of(), h, fp);
  }

  static RunFingerprint fingerprint() {
    return new RunFingerprint(Map.of("seed", "1"), List.of(), null);
  }

  public static void main(String[] args) throws Exception {
    String mode = args[0];
    String target = args[1];
    String marker = args[2];
    if (mode.startsWith("publish")) {
      OutputDirectory.publish(blockingConf("history.csv", marker), target, mode.equals("publish-overwrite"),
          modelFiles("new"));
    } else {
      TrainConfig cfg = TrainConfig.builder().dataPath("unused").outputPath("unused").checkpointDir(target)
          .checkpointInterval(5).build();
      Checkpoints ck = Checkpoints.load(blockingConf("checkpoint-000000010", marker), cfg, fingerprint());
      for (int t = 5; t <= 10; t += 5) {
        Checkpoint c = state(t, fingerprint());
        ck.afterIteration(t, c.params(), new Sgd(), Map.of(), Map.of(), c.history());
      }
    }
    throw new IllegalStateException("the blocking filesystem did not block");
  }
}
