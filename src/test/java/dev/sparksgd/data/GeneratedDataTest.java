package dev.sparksgd.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.sparksgd.config.TrainConfig;
import dev.sparksgd.testing.SparkTestSession;
import dev.sparksgd.testing.TestData;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DataLoader.fromGenerator packs exactly the blocks loading the same rows from a file gives. */
class GeneratedDataTest {
  @TempDir
  Path tmp;

  @Test
  void generatedBlocksEqualTheBlocksOfTheSameRowsReadFromAFile() throws Exception {
    Path file = tmp.resolve("g.libsvm");
    TestData.write(file, 9, 2500, 6, 0.1, 0.5);
    Dataset read = DataLoader.load(SparkTestSession.jsc(),
        TrainConfig.builder().dataPath(file.toString()).outputPath("unused").numPartitions(1).build());
    Dataset made = DataLoader.fromGenerator(SparkTestSession.jsc(), new Generator(9, 6, 0, 0.1, 0.5), 2500, 1);
    try {
      List<Block> a = read.blocks.collect();
      List<Block> b = made.blocks.collect();
      assertEquals(a.size(), b.size());
      for (int k = 0; k < a.size(); k++) {
        assertEquals(a.get(k).numCols, b.get(k).numCols);
        assertArrayEquals(a.get(k).labels, b.get(k).labels);
        assertArrayEquals(a.get(k).values.toDoubles(), b.get(k).values.toDoubles());
      }
      assertEquals(read.trainRows, made.trainRows);
      assertEquals(read.cachedBytes, made.cachedBytes);
      assertArrayEquals(read.stats.mean(), made.stats.mean());
      assertArrayEquals(read.stats.std(), made.stats.std());
      assertNull(made.format);
    } finally {
      read.release();
      made.release();
    }
  }

  @Test
  void partitionsSplitTheRowsInOrderAndSparseRowsStayCsr() {
    Generator gen = new Generator(2, 1000, 3, 0.1, 0.0);
    Dataset made = DataLoader.fromGenerator(SparkTestSession.jsc(), gen, 1001, 3);
    try {
      assertEquals(3, made.numPartitions());
      assertEquals(1001, made.trainRows);
      assertEquals(1000, made.numFeatures);
      List<List<Block>> parts = made.blocks.glom().collect();
      // Partition p holds rows [n·p/P, n·(p+1)/P): 333, 334, 334.
      assertEquals(333, parts.get(0).stream().mapToInt(x -> x.numRows).sum());
      assertEquals(334, parts.get(2).stream().mapToInt(x -> x.numRows).sum());
      Block first = parts.get(1).get(0);
      ParsedRecord r = new ParsedRecord();
      gen.row(333, r);
      assertEquals(r.label, first.labels[0]);
      assertEquals(true, first.isSparse());
      assertEquals(r.indices[0], first.colIdx[0]);
      assertEquals(r.values[2], first.values.get(2));
    } finally {
      made.release();
    }
  }
}
