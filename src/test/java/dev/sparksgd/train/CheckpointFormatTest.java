package dev.sparksgd.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparksgd.config.ConfigException;
import dev.sparksgd.config.TrainConfig;
import dev.sparksgd.optim.Optimizer;
import dev.sparksgd.optim.Sgd;
import dev.sparksgd.testing.TestData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checkpoint file: bit-exact JSON round trip, atomic writes, refusals. No Spark. */
class CheckpointFormatTest {
  @TempDir
  Path tmp;

  /** Values whose decimal form is easy to get wrong. */
  private static final double[] AWKWARD = {0.1 + 0.2, -0.0, 0.0, Double.MIN_VALUE, 4.9e-310,
      Double.MIN_NORMAL, Double.MAX_VALUE, -Math.PI, 1.0 / 3, 1e23, 9007199254740993.0, -1.5e-300};

  private static RunFingerprint fingerprint() {
    return new RunFingerprint(new LinkedHashMap<>(Map.of("step-size", "0.1", "seed", "42")),
        List.of(new RunFingerprint.InputFile("file:/d/a.libsvm", 123, 1_700_000_000_123L)),
        new RunFingerprint.DataSummary("libsvm", 100, 20, 11, 4, "00ff"));
  }

  private static List<IterationRecord> history(int n) {
    List<IterationRecord> h = new ArrayList<>();
    for (int t = 1; t <= n; t++) {
      // An empty mini-batch records NaN loss and objective; that must survive too.
      boolean empty = t == 2;
      h.add(new IterationRecord(t, empty ? Double.NaN : AWKWARD[t % AWKWARD.length], empty ? Double.NaN : 1.0 / t,
          0.1 / Math.sqrt(t), empty ? 0.0 : AWKWARD[(t + 3) % AWKWARD.length], empty ? Double.NaN : t * 0.7,
          t * 13L, empty ? 0 : 1000 + t));
    }
    return h;
  }

  private static long[] bits(double[] v) {
    long[] b = new long[v.length];
    for (int i = 0; i < v.length; i++) {
      b[i] = Double.doubleToRawLongBits(v[i]);
    }
    return b;
  }

  @Test
  void jsonRoundTripKeepsEveryBit() {
    Map<String, double[]> opt = new LinkedHashMap<>();
    opt.put("velocity", AWKWARD.clone());
    opt.put("step", new double[] {7});
    Checkpoint c = new Checkpoint(5, AWKWARD.clone(), "momentum", opt, Map.of("eta", new double[] {0.05}),
        Map.of("firstObjective", new double[] {Double.NaN}, "best", AWKWARD.clone()), history(5), fingerprint());
    Checkpoint back = Checkpoint.fromJson(c.toJson());
    assertEquals(5, back.iteration());
    assertArrayEquals(bits(AWKWARD), bits(back.params()));
    assertEquals("momentum", back.optimizer());
    assertEquals(opt.keySet(), back.optimizerState().keySet());
    assertArrayEquals(bits(AWKWARD), bits(back.optimizerState().get("velocity")));
    assertArrayEquals(bits(new double[] {0.05}), bits(back.scheduleState().get("eta")));
    assertArrayEquals(bits(new double[] {Double.NaN}), bits(back.loopState().get("firstObjective")));
    assertArrayEquals(bits(AWKWARD), bits(back.loopState().get("best")));
    assertEquals(c.fingerprint(), back.fingerprint());
    assertEquals(c.history().size(), back.history().size());
    for (int i = 0; i < c.history().size(); i++) {
      IterationRecord a = c.history().get(i);
      IterationRecord b = back.history().get(i);
      assertArrayEquals(bits(new double[] {a.loss(), a.objective(), a.stepSize(), a.stepNorm(), a.gradNorm()}),
          bits(new double[] {b.loss(), b.objective(), b.stepSize(), b.stepNorm(), b.gradNorm()}), "row " + i);
      assertEquals(a, b);
    }
    assertTrue(c.toJson().startsWith("{\"format\":\"spark-sgd/checkpoint\",\"formatVersion\":1,"),
        c.toJson().substring(0, 60));
  }

  @Test
  void somethingElseIsNotACheckpoint() {
    String good = new Checkpoint(2, new double[] {1, 2}, "sgd", Map.of(), Map.of(), Map.of(), history(2), fingerprint()).toJson();
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Checkpoint.fromJson("{\"format\":\"spark-sgd/linear-model\"}"))
        .getMessage().contains("not a spark-sgd/checkpoint"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> Checkpoint.fromJson(good.replace("\"formatVersion\":1", "\"formatVersion\":2")))
        .getMessage().contains("format version 2"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> Checkpoint.fromJson(good.substring(0, good.length() / 2))).getMessage().startsWith("not JSON"));
    // A history that does not match the iteration count is not a state we wrote.
    assertThrows(IllegalArgumentException.class, () -> Checkpoint.fromJson(good.replace("\"iteration\":2,", "\"iteration\":3,")));
  }

  private TrainConfig cfg(String dir, boolean resume) {
    return TrainConfig.builder().dataPath(tmp.resolve("d.libsvm").toString()).outputPath("o")
        .checkpointDir(dir).checkpointInterval(5).resume(resume).build();
  }

  @Test
  void savesEveryIntervalAtomicallyAndKeepsOnlyTheNewest() throws Exception {
    Path dir = tmp.resolve("ck");
    Configuration hadoop = new Configuration();
    Checkpoints ck = Checkpoints.load(hadoop, cfg(dir.toString(), false), fingerprint());
    assertNull(ck.resumed());
    Optimizer sgd = new Sgd();
    List<IterationRecord> h = history(12);
    for (int t = 0; t <= 12; t++) {
      ck.afterIteration(t, new double[] {t, -t}, sgd, Map.of(), Map.of("x", new double[] {t}), h.subList(0, t));
      if (t == 4) {
        assertTrue(!Files.exists(dir) || TestData.fileNames(dir).isEmpty(), "nothing before the first multiple of 5");
      }
      if (t == 7) {
        assertEquals(List.of("checkpoint-000000005.json"), TestData.fileNames(dir));
        // A writer killed mid-write leaves only a hidden temporary file: never read, later removed.
        Files.writeString(dir.resolve(".checkpoint-000000010.json.tmp-dead"), "{\"format\":\"spark-sg");
      }
    }
    assertEquals(List.of("checkpoint-000000010.json"), TestData.fileNames(dir));
    FileSystem fs = FileSystem.getLocal(hadoop);
    Checkpoint c = Checkpoints.read(fs, Checkpoints.newest(fs, new org.apache.hadoop.fs.Path(dir.toUri())));
    assertEquals(10, c.iteration());
    assertArrayEquals(new double[] {10, -10}, c.params());
    assertEquals(h.subList(0, 10), c.history());
    assertEquals("sgd", c.optimizer());
    assertArrayEquals(new double[] {10}, c.loopState().get("x"));

    // A second run in the same directory must say --resume; with it, it gets iteration 10 back.
    ConfigException e = assertThrows(ConfigException.class,
        () -> Checkpoints.load(hadoop, cfg(dir.toString(), false), fingerprint()));
    assertTrue(e.getMessage().contains("already holds checkpoint-000000010.json; give --resume"), e.getMessage());
    assertEquals(10, Checkpoints.load(hadoop, cfg(dir.toString(), true), fingerprint()).resumed().iteration());

    // A stray temporary file alone is no checkpoint.
    Path other = tmp.resolve("ck2");
    Files.createDirectories(other);
    Files.writeString(other.resolve(".checkpoint-000000005.json.tmp-x"), "{");
    assertNull(Checkpoints.load(hadoop, cfg(other.toString(), true), fingerprint()).resumed());
  }

  @Test
  void aDamagedCheckpointIsRefusedWithItsName() throws Exception {
    Path dir = tmp.resolve("bad");
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("checkpoint-000000020.json"), "{\"format\":\"spark-sgd/checkpoint\",", StandardCharsets.UTF_8);
    ConfigException e = assertThrows(ConfigException.class,
        () -> Checkpoints.load(new Configuration(), cfg(dir.toString(), true), fingerprint()));
    assertTrue(e.getMessage().startsWith("--resume: cannot read checkpoint ") && e.getMessage().contains("checkpoint-000000020.json"),
        e.getMessage());
  }

  @Test
  void fingerprintDifferencesAreNamed() {
    RunFingerprint a = fingerprint();
    assertNull(a.firstDifference(a));
    assertNull(a.firstDifference(new RunFingerprint(a.options(), a.input(), null)), "no data yet: files and options only");

    Map<String, String> opts = new LinkedHashMap<>(a.options());
    opts.put("step-size", "0.2");
    assertEquals("other options: --step-size 0.2 (checkpoint: 0.1)",
        a.firstDifference(new RunFingerprint(opts, a.input(), a.data())));
    opts = new LinkedHashMap<>(a.options());
    opts.put("optimizer", "\"adam\"");
    assertEquals("other options: --optimizer adam (checkpoint: not set)",
        a.firstDifference(new RunFingerprint(opts, a.input(), a.data())));

    RunFingerprint.InputFile f = a.input().get(0);
    assertEquals("other input: file:/d/a.libsvm is 124 bytes, was 123", a.firstDifference(new RunFingerprint(a.options(),
        List.of(new RunFingerprint.InputFile(f.path(), 124, f.modified())), a.data())));
    assertTrue(a.firstDifference(new RunFingerprint(a.options(),
        List.of(new RunFingerprint.InputFile(f.path(), 123, f.modified() + 1)), a.data())).contains("was modified"));
    assertEquals("other input: file:/d/b.libsvm was not part of the checkpointed run",
        a.firstDifference(new RunFingerprint(a.options(), List.of(f, new RunFingerprint.InputFile("file:/d/b.libsvm", 1, 1)), a.data())));
    assertEquals("other input: file:/d/a.libsvm is gone", a.firstDifference(new RunFingerprint(a.options(), List.of(), a.data())));

    RunFingerprint.DataSummary d = a.data();
    assertEquals("other data: 2 partitions, was 4 (give --num-partitions 4)",
        a.firstDifference(new RunFingerprint(a.options(), a.input(), new RunFingerprint.DataSummary(d.format(),
            d.trainRows(), d.holdoutRows(), d.numFeatures(), 2, d.statsHash()))));
    assertEquals("other data: 101 training and 19 holdout rows, was 100 and 20",
        a.firstDifference(new RunFingerprint(a.options(), a.input(), new RunFingerprint.DataSummary(d.format(),
            101, 19, d.numFeatures(), d.numPartitions(), d.statsHash()))));
    assertTrue(a.firstDifference(new RunFingerprint(a.options(), a.input(), new RunFingerprint.DataSummary(d.format(),
        d.trainRows(), d.holdoutRows(), d.numFeatures(), d.numPartitions(), "0100"))).contains("feature statistics"));
  }

  @Test
  void runLengthGateAndCheckpointOptionsAreNotPartOfTheFingerprint() {
    TrainConfig base = TrainConfig.builder().dataPath("d").outputPath("o").build();
    TrainConfig other = base.toBuilder().maxIter(5).outputPath("p").overwrite(true).checkpointDir("c")
        .checkpointInterval(3).resume(true).maxTime("2h").maxRegression(0.05).baselineModel("b").build();
    assertEquals(RunFingerprint.options(base), RunFingerprint.options(other));
    // The warm start's path counts, with any credential in it masked (a checkpoint is a file).
    Map<String, String> warm = RunFingerprint.options(base.toBuilder().initModel("s3a://KEY:SECRET@bucket/m").build());
    assertEquals("s3a://***@bucket/m", warm.get("init-model"));
    assertTrue(!RunFingerprint.options(base).equals(RunFingerprint.options(base.toBuilder().seed(1).build())));
    assertEquals("42", RunFingerprint.options(base).get("seed"));
  }
}
