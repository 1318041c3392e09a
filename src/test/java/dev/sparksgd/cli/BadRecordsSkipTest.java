package dev.sparksgd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sparksgd.testing.LogCapture;
import dev.sparksgd.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --bad-records skip: the bad lines are left out, counted and reported, and nothing else changes. */
class BadRecordsSkipTest {
  @TempDir
  Path tmp;

  @Test
  void skippedRecordsAreCountedReportedAndLeftOut() throws Exception {
    Path dirty = Files.createDirectories(tmp.resolve("dirty"));
    Path clean = Files.createDirectories(tmp.resolve("clean"));
    // Two files of 300 good rows; bad lines at known 1-based line numbers of the dirty copies.
    List<String> expected = new ArrayList<>();
    String[][] bad = {{"1 1:1 1:2", "feature index 1 appears twice"}, {"NaN 1:1", "label is NaN"},
        {"2 0:1", "feature index 0 is not >= 1"}, {"three 1:1", "label 'three' is not a number"}};
    for (String name : List.of("a.libsvm", "b.libsvm")) {
      Path good = clean.resolve(name);
      TestData.write(good, name.hashCode(), 300, 3, 0.1, 1.0);
      List<String> lines = new ArrayList<>(Files.readAllLines(good));
      int[] at = name.equals("a.libsvm") ? new int[] {5, 120, 299} : new int[] {1, 40, 41, 250, 301};
      for (int k = 0; k < at.length; k++) {
        lines.add(at[k] - 1, bad[k % bad.length][0]);
        expected.add("dirty/" + name + ":" + at[k] + ": " + bad[k % bad.length][1]);
      }
      Files.write(dirty.resolve(name), lines);
    }

    Path out = tmp.resolve("m");
    TestData.Run run;
    List<String> warnings;
    try (LogCapture logs = LogCapture.start()) {
      run = TestData.cli("train", "--data", dirty.toString(), "--format", "libsvm", "--output", out.toString(),
          "--bad-records", "skip", "--max-bad-records", "8", "--num-partitions", "3", "--step-size", "0.5");
      LogCapture.awaitQuiet();
      warnings = logs.warnings();
    }
    assertEquals(0, run.exitCode(), run.err());
    assertTrue(run.out().contains("skipped 8 bad record(s) (--bad-records skip); the first: "), run.out());
    assertTrue(run.out().contains("dirty/a.libsvm:5: feature index 1 appears twice"), run.out());

    JsonNode m = TestData.json(out.resolve("metrics.json"));
    assertEquals(8, m.get("rows").get("rejected").asLong());
    assertEquals(600, m.get("rows").get("used").asLong());
    assertEquals(600, m.get("rows").get("train").asLong());
    JsonNode samples = m.get("badRecords").get("samples");
    assertEquals(5, samples.size(), "the first five, by file and line");
    for (int i = 0; i < 5; i++) {
      String s = samples.get(i).get("location").asText() + ": " + samples.get(i).get("reason").asText();
      assertTrue(s.contains(expected.get(i)), s + " vs " + expected.get(i));
    }
    assertEquals("skip", m.get("badRecords").get("mode").asText());
    for (int i = 0; i < 5; i++) {
      String e = expected.get(i);
      assertTrue(warnings.stream().anyMatch(w -> w.contains("skipped bad record") && w.contains(e)),
          "log names " + e + ": " + warnings);
    }
    assertTrue(warnings.stream().anyMatch(w -> w.contains("skipped 8 bad record(s) in all")), warnings.toString());

    // The model is the one trained on the data without those lines (summed in another grouping of
    // rows, so equal to rounding).
    Path cleanOut = tmp.resolve("clean-m");
    assertEquals(0, TestData.cli("train", "--data", clean.toString(), "--format", "libsvm", "--output",
        cleanOut.toString(), "--num-partitions", "3", "--step-size", "0.5").exitCode());
    double[] w = TestData.weights(out);
    double[] wc = TestData.weights(cleanOut);
    for (int j = 0; j < w.length; j++) {
      assertEquals(wc[j], w[j], 1e-9, "weight " + j);
    }
    assertEquals(TestData.intercept(cleanOut), TestData.intercept(out), 1e-9);
    assertEquals(TestData.json(out.resolve("model.json")).get("iterations"),
        TestData.json(cleanOut.resolve("model.json")).get("iterations"));

    // Another partitioning reports the same first records.
    Path out1 = tmp.resolve("m1");
    assertEquals(0, TestData.cli("train", "--data", dirty.toString(), "--format", "libsvm", "--output",
        out1.toString(), "--bad-records", "skip", "--num-partitions", "1", "--max-iter", "2").exitCode());
    assertEquals(samples, TestData.json(out1.resolve("metrics.json")).get("badRecords").get("samples"));
  }

  @Test
  void failModeIsTheDefaultAndSkipWithinTheLimitPublishes() throws Exception {
    Path f = tmp.resolve("d.csv");
    TestData.write(f, 5, 200, 2, 0.1, 0.0);
    List<String> lines = new ArrayList<>(Files.readAllLines(f));
    lines.add(10, "1,2");
    Files.write(f, lines);
    TestData.Run fail = TestData.cli("train", "--data", f.toString(), "--output", tmp.resolve("a").toString());
    assertEquals(2, fail.exitCode());
    assertTrue(fail.err().contains("d.csv:11: has 2 columns, the header has 3"), fail.err());
    TestData.Run skip = TestData.cli("train", "--data", f.toString(), "--output", tmp.resolve("b").toString(),
        "--bad-records", "skip", "--max-bad-records", "1", "--max-iter", "3");
    assertEquals(0, skip.exitCode(), skip.err());
    JsonNode m = TestData.json(tmp.resolve("b/metrics.json"));
    assertEquals(1, m.get("rows").get("rejected").asLong());
    assertEquals(200, m.get("rows").get("used").asLong());
  }
}
