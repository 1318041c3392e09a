package dev.sparksgd.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sparksgd.testing.ChildJvm;
import dev.sparksgd.testing.TestData;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data whose cached blocks are several times the memory Spark has for them: a driver with a
 * 512 MB heap (133 MB of storage memory) trains on about 490 MB of blocks, keeps what fits
 * in memory, spills the rest to disk, and gives the same model bits as a run with ample memory.
 */
class BiggerThanMemoryTest {
  private static final int ROWS = 1_500_000;
  private static final int FEATURES = 40;

  @TempDir
  Path tmp;

  /**
   * CSV of one-digit values: 2 bytes of text per 8-byte value, so a modest file makes many
   * blocks. The label is a linear function of the features plus a digit of noise.
   */
  static void writeCsv(Path file, int rows, int features, long seed) throws IOException {
    SplittableRandom rnd = new SplittableRandom(seed);
    StringBuilder line = new StringBuilder(4 * features + 16);
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.US_ASCII)) {
      line.append("label");
      for (int j = 0; j < features; j++) {
        line.append(",f").append(j);
      }
      w.write(line.append('\n').toString());
      int[] x = new int[features];
      for (int i = 0; i < rows; i++) {
        int y = rnd.nextInt(10);
        for (int j = 0; j < features; j++) {
          x[j] = rnd.nextInt(10);
          y += (j % 3 - 1) * x[j];
        }
        line.setLength(0);
        line.append(y);
        for (int j = 0; j < features; j++) {
          line.append(',').append((char) ('0' + x[j]));
        }
        w.write(line.append('\n').toString());
      }
    }
  }

  @Test
  void blocksSeveralTimesTheStorageMemorySpillAndGiveTheSameModel() throws Exception {
    Path data = tmp.resolve("big.csv");
    writeCsv(data, ROWS, FEATURES, 7);
    String[] args = {"train", "--data", data.toString(), "--max-iter", "3", "--num-partitions", "8",
        "--validation-fraction", "0.1"};
    Path small = tmp.resolve("small-heap");
    ChildJvm.Result r = ChildJvm.run(tmp, List.of("-Xmx512m"), concat(args, "--output", small.toString()));
    assertEquals(0, r.exitCode(), r.err());

    JsonNode m = TestData.json(small.resolve("metrics.json"));
    long cached = m.get("cachedBytes").asLong();
    long storage = m.get("cache").get("storageMemoryBytes").asLong();
    long onDisk = m.get("cache").get("diskBytes").asLong();
    assertEquals("MEMORY_AND_DISK", m.get("storageLevel").asText());
    assertTrue(storage > 0 && cached >= 3 * storage, "blocks " + cached + " B, storage memory " + storage + " B");
    assertTrue(onDisk > 0, "part of the cache is on disk: " + m.get("cache"));

    Path ample = tmp.resolve("ample");
    TestData.Run run = TestData.cli(concat(args, "--output", ample.toString()));
    assertEquals(0, run.exitCode(), run.err());
    assertEquals(cached, TestData.json(ample.resolve("metrics.json")).get("cachedBytes").asLong());
    assertArrayEquals(TestData.modelBits(ample), TestData.modelBits(small));
    assertEquals(TestData.historyWithoutMillis(ample), TestData.historyWithoutMillis(small));
  }

  /** Every storage level gives the same model; DISK_ONLY keeps nothing in memory. */
  @Test
  void everyStorageLevelGivesTheSameModel() throws Exception {
    Path data = tmp.resolve("d.libsvm");
    TestData.write(data, 3, 3000, 5, 0.1, 0.5);
    long[] bits = null;
    for (String level : List.of("MEMORY_AND_DISK", "DISK_ONLY", "memory-and-disk-ser", "MEMORY_ONLY",
        "MEMORY_ONLY_SER")) {
      Path out = tmp.resolve("m-" + level);
      TestData.Run run = TestData.cli("train", "--data", data.toString(), "--output", out.toString(),
          "--max-iter", "4", "--num-partitions", "3", "--storage-level", level);
      assertEquals(0, run.exitCode(), run.err());
      JsonNode m = TestData.json(out.resolve("metrics.json"));
      assertEquals(level.toUpperCase(java.util.Locale.ROOT).replace('-', '_'), m.get("storageLevel").asText());
      if (level.equals("DISK_ONLY")) {
        assertEquals(0, m.get("cache").get("memoryBytes").asLong(), m.toString());
        assertTrue(m.get("cache").get("diskBytes").asLong() > 0, m.toString());
      }
      if (bits == null) {
        bits = TestData.modelBits(out);
      } else {
        assertArrayEquals(bits, TestData.modelBits(out), level);
      }
    }
  }

  private static String[] concat(String[] a, String... b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
