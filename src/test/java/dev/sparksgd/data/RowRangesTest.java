package dev.sparksgd.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sparksgd.testing.LogCapture;
import dev.sparksgd.testing.SparkTestSession;
import dev.sparksgd.testing.TestData;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Text input is spread over --num-partitions partitions as ranges of lines in file order, so the
 * same rows as plain text, as gzip (one unsplittable split) or cut into several files give the
 * same partitions, holdout and model bits.
 */
class RowRangesTest {
  @TempDir
  Path tmp;

  /** Partition p holds lines [⌊N·p/P⌋, ⌊N·(p+1)/P⌋): every line lands in the range that holds it. */
  @Test
  void everyLineFallsInItsRange() {
    long[][] cases = {{1, 1}, {3, 4}, {10, 3}, {1000, 7}, {7, 1000}, {Long.MAX_VALUE / 3, 97}};
    for (long[] c : cases) {
      long n = c[0];
      int parts = (int) c[1];
      List<Long> probes = new ArrayList<>();
      for (int p = 0; p <= parts; p++) {
        long s = RowRanges.rangeStart(n, p, parts);
        for (long i = s - 1; i <= s + 1; i++) {
          if (i >= 0 && i < n) {
            probes.add(i);
          }
        }
      }
      for (long i : probes) {
        int p = RowRanges.partitionOf(i, n, parts);
        assertTrue(RowRanges.rangeStart(n, p, parts) <= i && i < RowRanges.rangeStart(n, p + 1, parts),
            "line " + i + " of " + n + " in partition " + p + " of " + parts);
      }
    }
    assertEquals(0, RowRanges.rangeStart(10, 0, 3));
    assertEquals(3, RowRanges.rangeStart(10, 1, 3));
    assertEquals(6, RowRanges.rangeStart(10, 2, 3));
    assertEquals(10, RowRanges.rangeStart(10, 3, 3));
    assertEquals(Long.MAX_VALUE / 3, RowRanges.rangeStart(Long.MAX_VALUE / 3, 97, 97));
  }

  @Test
  void csvPlainGzipAndSeveralFilesGiveTheSameModel() throws Exception {
    sameModelFromEveryLayout("csv", 1);
  }

  @Test
  void libsvmPlainGzipAndSeveralFilesGiveTheSameModel() throws Exception {
    sameModelFromEveryLayout("libsvm", 2);
  }

  /**
   * One plain file, the same file gzipped, and its lines cut into three files (one of them
   * gzipped, CSV repeating the header) train the same model with a holdout, in the cached path
   * and at MEMORY_ONLY (partitions that do not stay cached are read again from the spread lines).
   */
  private void sameModelFromEveryLayout(String ext, long seed) throws Exception {
    Path plain = tmp.resolve("all." + ext);
    TestData.write(plain, seed, 700, 4, 0.1, 0.5);
    List<String> lines = Files.readAllLines(plain, StandardCharsets.UTF_8);
    Path gz = tmp.resolve("all." + ext + ".gz");
    gzip(gz, lines);
    boolean csv = ext.equals("csv");
    List<String> header = csv ? lines.subList(0, 1) : List.of();
    List<String> rows = lines.subList(header.size(), lines.size());
    Path dir = Files.createDirectory(tmp.resolve("parts-" + ext));
    write(dir.resolve("a." + ext), header, rows.subList(0, 90));
    gzip(dir.resolve("b." + ext + ".gz"), concat(header, rows.subList(90, 500)));
    write(dir.resolve("c." + ext), header, rows.subList(500, rows.size()));

    LogCapture log = LogCapture.start();
    long[] bits = null;
    int run = 0;
    try {
      // Each layout both ways: read in place (narrow) and shuffled, as the read factor forces.
      String[][] runs = {{gz.toString(), "MEMORY_AND_DISK", null}, {plain.toString(), "MEMORY_AND_DISK", NARROW},
          {dir.toString(), "MEMORY_AND_DISK", NARROW}, {gz.toString(), "MEMORY_ONLY", NARROW},
          {plain.toString(), "MEMORY_AND_DISK", SHUFFLE}, {gz.toString(), "MEMORY_AND_DISK", SHUFFLE},
          {dir.toString(), "MEMORY_AND_DISK", SHUFFLE}, {gz.toString(), "MEMORY_ONLY", SHUFFLE}};
      for (String[] in : runs) {
        SparkTestSession.get(SparkTestSession.DEFAULT_MASTER,
            in[2] == null ? Map.of() : Map.of(RowRanges.READ_FACTOR, in[2]));
        Path out = tmp.resolve(ext + "-model-" + run++);
        TestData.Run r = TestData.cliOnCurrentSession("train", "--data", in[0], "--output", out.toString(),
            "--max-iter", "5", "--num-partitions", "3", "--validation-fraction", "0.2", "--storage-level", in[1],
            "--mini-batch-fraction", "0.5", "--format", ext);
        assertEquals(0, r.exitCode(), r.err());
        JsonNode m = TestData.json(out.resolve("metrics.json"));
        assertEquals(3, m.get("numPartitions").asInt(), in[0]);
        if (bits == null) {
          bits = TestData.modelBits(out);
        } else {
          assertArrayEquals(bits, TestData.modelBits(out), in[0] + " at " + in[1] + ", read factor " + in[2]);
        }
      }
      LogCapture.awaitQuiet();
      String logged = log.all();
      // One gzip split over 3 partitions: they read 233 + 466 + 700 lines, within 2 x 700.
      assertTrue(logged.contains("reading 1 input split(s) of 700 lines in place as 3 row ranges (no shuffle):"
          + " the partitions read 1399 lines, skipped ones included, at most 2.0 x 700"), logged);
      assertTrue(logged.contains("spreading 1 input split(s) of 700 lines over 3 partitions by row ranges (shuffle)"),
          logged);
      assertTrue(logged.contains("input split(s) of 700 lines in place as 3 row ranges (no shuffle)"), logged);
      assertTrue(logged.contains("input split(s) of 700 lines over 3 partitions by row ranges (shuffle)"), logged);
    } finally {
      log.close();
    }
  }

  /** One split that already is the one range is read as it is, and gives what three files read in place give. */
  @Test
  void splitsThatAreTheRangesStayInPlace() throws Exception {
    Path plain = tmp.resolve("one.libsvm");
    TestData.write(plain, 3, 300, 3, 0.1, 0.0);
    List<String> rows = Files.readAllLines(plain, StandardCharsets.UTF_8);
    Path dir = Files.createDirectory(tmp.resolve("cut"));
    write(dir.resolve("part-0"), List.of(), rows.subList(0, 100));
    write(dir.resolve("part-1"), List.of(), rows.subList(100, 120));
    write(dir.resolve("part-2"), List.of(), rows.subList(120, 300));
    LogCapture log = LogCapture.start();
    try {
      long[] bits = null;
      for (Path in : List.of(plain, dir)) {
        Path out = tmp.resolve("m-" + in.getFileName());
        TestData.Run r = TestData.cli("train", "--data", in.toString(), "--output", out.toString(), "--max-iter", "4",
            "--num-partitions", "1", "--validation-fraction", "0.25", "--format", "libsvm");
        assertEquals(0, r.exitCode(), r.err());
        if (bits == null) {
          bits = TestData.modelBits(out);
        } else {
          assertArrayEquals(bits, TestData.modelBits(out));
        }
      }
      LogCapture.awaitQuiet();
      String logged = log.all();
      assertTrue(logged.contains("1 input split(s) of 300 lines already hold the 1 row ranges; no shuffle"), logged);
      assertTrue(logged.contains("reading 3 input split(s) of 300 lines in place as 1 row ranges (no shuffle)"), logged);
    } finally {
      log.close();
    }
  }

  /**
   * What the narrow form reads: a gzip file (one split) costs its P partitions the lines up to
   * each range's end, N·(P+1)/2 in all, so the default factor 2 reads it in place for P ≤ 3 only;
   * splits near the ranges cost about N.
   */
  @Test
  void narrowReadsCountTheSkippedLines() {
    Integer[] one = {0};
    assertEquals(233 + 466 + 700, RowRanges.narrowPlan(new long[] {0}, new long[] {700}, one, 700, 3).reads());
    RowRanges.NarrowPlan four = RowRanges.narrowPlan(new long[] {0}, new long[] {700}, one, 700, 4);
    assertEquals(175 + 350 + 525 + 700, four.reads());
    assertTrue(four.reads() > RowRanges.DEFAULT_READ_FACTOR * 700);
    assertArrayEquals(new int[][] {{0}, {0}, {0}, {0}}, four.groups());
    // Three splits listed out of file order (2, 0, 1) holding lines [0, 90), [90, 500), [500, 700).
    Integer[] order = {1, 2, 0};
    long[] first = {500, 0, 90};
    long[] count = {200, 90, 410};
    RowRanges.NarrowPlan three = RowRanges.narrowPlan(first, count, order, 700, 3);
    // Ranges [0, 233), [233, 466), [466, 700).
    assertArrayEquals(new int[][] {{1, 2}, {2}, {2, 0}}, three.groups());
    assertEquals(90 + (233 - 90) + (466 - 90) + (500 - 90) + 200, three.reads());
    // More partitions than lines: the empty ranges read nothing.
    RowRanges.NarrowPlan sparse = RowRanges.narrowPlan(new long[] {0}, new long[] {2}, one, 2, 4);
    assertArrayEquals(new int[][] {{}, {0}, {}, {0}}, sparse.groups());
    assertEquals(1 + 2, sparse.reads());
  }

  private static final String NARROW = "1e9";
  private static final String SHUFFLE = "0";

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  private static void write(Path file, List<String> header, List<String> rows) throws IOException {
    Files.write(file, concat(header, rows), StandardCharsets.UTF_8);
  }

  private static void gzip(Path file, List<String> lines) throws IOException {
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
      for (String l : lines) {
        out.write((l + "\n").getBytes(StandardCharsets.UTF_8));
      }
    }
  }
}
