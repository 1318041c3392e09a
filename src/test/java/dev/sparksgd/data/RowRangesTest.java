package dev.sparksgd.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sparksgd.testing.LogCapture;
import dev.sparksgd.testing.TestData;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
      for (String[] in : new String[][] {{plain.toString(), "MEMORY_AND_DISK"}, {gz.toString(), "MEMORY_AND_DISK"},
          {dir.toString(), "MEMORY_AND_DISK"}, {gz.toString(), "MEMORY_ONLY"}}) {
        Path out = tmp.resolve(ext + "-model-" + run++);
        TestData.Run r = TestData.cli("train", "--data", in[0], "--output", out.toString(), "--max-iter", "5",
            "--num-partitions", "3", "--validation-fraction", "0.2", "--storage-level", in[1],
            "--mini-batch-fraction", "0.5", "--format", ext);
        assertEquals(0, r.exitCode(), r.err());
        JsonNode m = TestData.json(out.resolve("metrics.json"));
        assertEquals(3, m.get("numPartitions").asInt(), in[0]);
        if (bits == null) {
          bits = TestData.modelBits(out);
        } else {
          assertArrayEquals(bits, TestData.modelBits(out), in[0] + " at " + in[1]);
        }
      }
      LogCapture.awaitQuiet();
      String logged = log.all();
      assertTrue(logged.contains("spreading 1 input split(s) of 700 lines over 3 partitions by row ranges"), logged);
      assertTrue(logged.contains("spreading 3 input split(s) of 700 lines over 3 partitions by row ranges"), logged);
    } finally {
      log.close();
    }
  }

  /** One split that already is the one range is not shuffled, and gives what three files shuffled give. */
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
      assertTrue(logged.contains("spreading 3 input split(s) of 300 lines over 1 partitions by row ranges"), logged);
    } finally {
      log.close();
    }
  }

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
