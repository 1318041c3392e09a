package dev.sparksgd.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparksgd.config.FeaturePrecision;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A partition's blocks leave as they fill: what it holds never grows with its size. */
class PartitionBlocksTest {
  private static final int D = 10;
  private static final int ROWS_PER_BLOCK = BlockBuilder.TARGET_VALUES / D;

  /** Dense rows 0 … n−1 (row i has label i, held out when i % 5 == 0), counting what was read. */
  private static PartitionBlocks rows(int n, long[] read) {
    ParsedRecord rec = new ParsedRecord();
    return new PartitionBlocks(false, D, FeaturePrecision.FLOAT64, out -> {
      if (read[0] == n) {
        return false;
      }
      long i = read[0]++;
      rec.clear();
      rec.label = i;
      for (int j = 0; j < D; j++) {
        rec.add(j, i + j);
      }
      out.add(rec, i % 5 == 0);
      return true;
    });
  }

  @Test
  void theFirstBlockLeavesBeforeTheRestIsRead() {
    long[] read = {0};
    int n = 20 * ROWS_PER_BLOCK + 7;
    PartitionBlocks it = rows(n, read);
    assertTrue(it.hasNext());
    Block first = it.next();
    assertFalse(first.holdout);
    assertEquals(ROWS_PER_BLOCK, first.numRows);
    // Read up to the row that filled the first training block, not one more.
    long upTo = 0;
    for (long train = 0; train < ROWS_PER_BLOCK; upTo++) {
      train += upTo % 5 == 0 ? 0 : 1;
    }
    assertEquals(upTo, read[0]);
  }

  @Test
  void everyRowOnceInFillOrderThenTheLastTrainingThenTheLastHoldoutBlock() {
    long[] read = {0};
    int n = 3 * ROWS_PER_BLOCK + 11;
    List<Block> blocks = new ArrayList<>();
    rows(n, read).forEachRemaining(blocks::add);
    long seen = 0;
    double labelSum = 0;
    for (Block b : blocks) {
      seen += b.numRows;
      for (int i = 0; i < b.numRows; i++) {
        labelSum += b.labels[i];
        assertEquals(b.labels[i] % 5 == 0, b.holdout);
        assertEquals(b.labels[i] + 3, b.values.get(i * D + 3));
      }
    }
    assertEquals(n, seen);
    assertEquals((double) n * (n - 1) / 2, labelSum);
    Block lastTrain = blocks.get(blocks.size() - 2);
    Block lastHold = blocks.get(blocks.size() - 1);
    assertFalse(lastTrain.holdout);
    assertTrue(lastHold.holdout);
    assertTrue(lastTrain.numRows < ROWS_PER_BLOCK && lastHold.numRows < ROWS_PER_BLOCK);
    for (Block b : blocks.subList(0, blocks.size() - 2)) {
      assertEquals(ROWS_PER_BLOCK, b.numRows, "only the last block of each kind is partly filled");
    }
  }

  @Test
  void anEmptyPartitionHasNoBlocks() {
    assertFalse(rows(0, new long[1]).hasNext());
  }

  /** Rows of irrational-ish values, dense or sparse (sparse rows keep every third column). */
  private static List<Block> built(boolean sparse, int keepEvery, FeaturePrecision p) {
    ParsedRecord rec = new ParsedRecord();
    int[] row = {0};
    List<Block> out = new ArrayList<>();
    new PartitionBlocks(sparse, sparse ? 0 : D, p, o -> {
      if (row[0] == 300) {
        return false;
      }
      int i = row[0]++;
      rec.clear();
      rec.label = Math.sqrt(i + 0.5);
      rec.weight = 1 + i % 3;
      for (int j = 0; j < D; j++) {
        if (j % keepEvery == 0) {
          rec.add(j, Math.sin(i * D + j) * 1e3);
        }
      }
      o.add(rec, i % 7 == 0);
      return true;
    }).forEachRemaining(out::add);
    return out;
  }

  @Test
  void float32BlocksHoldTheValuesRoundedToFloatAndLabelsAndWeightsExact() {
    // keepEvery 3: sparse CSR; keepEvery 1 with sparse input: packed as dense (more than half present).
    for (int[] c : new int[][] {{0, 1}, {1, 3}, {1, 1}}) {
      boolean sparse = c[0] == 1;
      List<Block> f64 = built(sparse, c[1], FeaturePrecision.FLOAT64);
      List<Block> f32 = built(sparse, c[1], FeaturePrecision.FLOAT32);
      assertEquals(f64.size(), f32.size());
      for (int k = 0; k < f64.size(); k++) {
        Block a = f64.get(k);
        Block b = f32.get(k);
        assertEquals(FeaturePrecision.FLOAT64, a.values.precision());
        assertEquals(FeaturePrecision.FLOAT32, b.values.precision());
        assertEquals(a.isSparse(), b.isSparse());
        assertEquals(c[1] == 3, b.isSparse());
        assertEquals(a.holdout, b.holdout);
        assertArrayEquals(a.labels, b.labels);
        assertArrayEquals(a.weights, b.weights);
        assertArrayEquals(a.colIdx, b.colIdx);
        assertEquals(a.values.length(), b.values.length());
        for (int q = 0; q < a.values.length(); q++) {
          assertEquals((double) (float) a.values.get(q), b.values.get(q));
        }
        assertEquals(a.sizeInBytes() - 4L * a.values.length(), b.sizeInBytes());
      }
    }
  }
}
