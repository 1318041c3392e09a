package dev.sparksgd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparksgd.report.Redact;
import dev.sparksgd.testing.LogCapture;
import dev.sparksgd.testing.SparkTestSession;
import dev.sparksgd.testing.TestData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Secrets in Spark's conf stay out of everything the job writes and logs; the job writes only
 * under --output; nothing is read with Java deserialization.
 */
class SecurityTest {
  static final String SECRET = "s3cr3t-V4lue-9f8e7d6c5b4a";
  static final String ACCESS = "AKIAEXAMPLEKEY0000042";

  @TempDir
  Path tmp;

  @AfterAll
  static void restoreTheSharedSession() {
    SparkTestSession.stop(); // the next test starts the ordinary session again
  }

  /** Every file under {@code dir}, as bytes decoded leniently (PNGs included). */
  static List<String> contents(Path dir) throws IOException {
    List<String> all = new ArrayList<>();
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        all.add(p + "\n" + new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1));
      }
    }
    return all;
  }

  @Test
  void secretsInSparkConfReachNoOutputLogOrReport() throws Exception {
    Path data = tmp.resolve("d.libsvm");
    TestData.write(data, 9, 300, 3, 0.1, 0.0);
    Path out = tmp.resolve("m");
    SparkTestSession.get(); // Spark's log setup first, then the capture (see LogCapture.start)
    TestData.Run run;
    String logs;
    try (LogCapture capture = LogCapture.start()) {
      SparkSession s = SparkTestSession.get(SparkTestSession.DEFAULT_MASTER, Map.of(
          "spark.hadoop.fs.s3a.secret.key", SECRET, "spark.hadoop.fs.s3a.access.key", ACCESS,
          "spark.logConf", "true"));
      assertEquals(SECRET, s.sparkContext().hadoopConfiguration().get("fs.s3a.secret.key"),
          "the secret reached the job's Hadoop configuration");
      run = TestData.cliOnCurrentSession("train", "--data", data.toString(), "--output", out.toString(),
          "--validation-fraction", "0.2", "--verbose", "--checkpoint-dir", tmp.resolve("ck").toString(),
          "--checkpoint-interval", "5", "--lr-schedule", "constant");
      logs = capture.all();
    }
    assertEquals(0, run.exitCode(), run.err());
    assertTrue(logs.contains("spark.hadoop.fs.s3a.secret.key"),
        "Spark logged its conf (spark.logConf), so a leak would have shown: " + logs.length());
    List<String> places = new ArrayList<>(contents(out));
    places.addAll(contents(tmp.resolve("ck")));
    assertTrue(places.stream().anyMatch(p -> p.contains("\"fingerprint\"")), "a checkpoint was searched too");
    places.add("stdout\n" + run.out());
    places.add("stderr\n" + run.err());
    places.add("log\n" + logs);
    for (String p : places) {
      assertFalse(p.contains(SECRET), "secret key in " + p.lines().findFirst().orElse(""));
      assertFalse(p.contains(ACCESS), "access key in " + p.lines().findFirst().orElse(""));
    }
  }

  @Test
  void theJobWritesOnlyUnderItsOutput() throws Exception {
    Path parent = trainAndCheckWritesOnlyUnderItsDirectories(false, "--max-iter", "5");
    try (Stream<Path> s = Files.list(parent)) {
      assertEquals(2, s.count());
    }
  }

  @Test
  void withCheckpointsTheJobWritesOnlyUnderItsOutputAndCheckpointDir() throws Exception {
    // A constant step runs all 7 iterations (the default's L-BFGS converges in two on this data).
    Path parent = trainAndCheckWritesOnlyUnderItsDirectories(true, "--max-iter", "7", "--checkpoint-interval", "2",
        "--lr-schedule", "constant");
    try (Stream<Path> s = Files.list(parent.resolve("ck"))) {
      assertEquals(List.of("checkpoint-000000007.json"), s.map(p -> p.getFileName().toString()).toList(),
          "one checkpoint left, no temporary file");
    }
  }

  /**
   * Trains on in/d.csv with --output work/m (and --checkpoint-dir work/ck): the input directory
   * and everything in work/ beside those stay as they were. Returns work/.
   */
  private Path trainAndCheckWritesOnlyUnderItsDirectories(boolean checkpoints, String... options) throws Exception {
    Path in = Files.createDirectories(tmp.resolve("in"));
    Path data = in.resolve("d.csv");
    TestData.write(data, 9, 200, 2, 0.1, 0.0);
    Path parent = Files.createDirectories(tmp.resolve("models"));
    Files.writeString(parent.resolve("neighbour.txt"), "keep");
    List<String> inBefore = contents(in);
    List<String> parentBefore = contents(parent);
    Path out = parent.resolve("m");
    Path ck = parent.resolve("ck");
    List<String> args = new ArrayList<>(List.of("train", "--data", data.toString(), "--output", out.toString()));
    if (checkpoints) {
      args.addAll(List.of("--checkpoint-dir", ck.toString()));
    }
    args.addAll(List.of(options));
    assertEquals(0, TestData.cli(args.toArray(new String[0])).exitCode());
    assertEquals(inBefore, contents(in), "the input directory is untouched");
    List<String> after = contents(parent);
    after.removeIf(p -> p.startsWith(out + "/") || (checkpoints && p.startsWith(ck + "/")));
    assertEquals(parentBefore, after, "beside --output (and --checkpoint-dir) nothing changed (no temporary left)");
    return parent;
  }

  @Test
  void credentialsInAPathAreMasked() {
    assertEquals("s3a://***@bucket/data/x.csv", Redact.path("s3a://AKIA:secret@bucket/data/x.csv"));
    assertEquals("hdfs://nn:8020/data", Redact.path("hdfs://nn:8020/data"));
    assertEquals("/tmp/a@b/c", Redact.path("/tmp/a@b/c"));
    assertEquals("--data: no such file or directory: s3a://***@bucket/x and hdfs://***@nn/y",
        Redact.text("--data: no such file or directory: s3a://K:S@bucket/x and hdfs://u@nn/y"));
    assertEquals("spark-sgd: error: " + "a s3a://***@b/c", "spark-sgd: error: " + Errors.oneLine("a\n s3a://k:s@b/c"));
  }

  /** Model, checkpoint and config files are JSON or properties; no class here reads Java objects. */
  @Test
  void noJavaDeserializationInTheApplication() throws IOException {
    Pattern risky = Pattern.compile("ObjectInputStream|readObject\\s*\\(|XMLDecoder|enableDefaultTyping"
        + "|activateDefaultTyping|SerializationUtils\\.deserialize|readUnshared");
    Path src = Path.of(System.getProperty("spark.sgd.project.dir", "."), "src", "main", "java");
    List<String> hits = new ArrayList<>();
    try (Stream<Path> s = Files.walk(src)) {
      for (Path p : s.filter(f -> f.toString().endsWith(".java")).toList()) {
        List<String> lines = Files.readAllLines(p);
        for (int i = 0; i < lines.size(); i++) {
          if (risky.matcher(lines.get(i)).find()) {
            hits.add(src.relativize(p) + ":" + (i + 1) + ": " + lines.get(i).strip());
          }
        }
      }
    }
    assertEquals(List.of(), hits);
  }
}
