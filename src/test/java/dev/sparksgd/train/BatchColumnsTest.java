package dev.sparksgd.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sparksgd.data.Block;
import dev.sparksgd.data.FeatureValues;
import dev.sparksgd.loss.LogisticLoss;
import dev.sparksgd.loss.Loss;
import dev.sparksgd.loss.SquaredLoss;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * A batch's sums over its numbered columns are those of {@link SparseAccumulator} bit for bit:
 * per partition, and merged in partition order (where one partition's compact sums hold +0.0 for
 * the columns only the others touch), with double and float feature values, weights, empty rows, a
 * column whose contributions cancel, and a batch drawn again after the marks were cleared; and
 * the same with the batch planned ({@link BatchColumns#plan}: positions computed apart from the sums).
 */
class BatchColumnsTest {
  private static final int D = 3000;

  /** A sparse block of random rows: 0–9 distinct columns each (a few from a small set, so shared). */
  private static Block block(SplittableRandom r, int rows, boolean floats, boolean weighted) {
    int[] rowPtr = new int[rows + 1];
    List<Integer> cols = new ArrayList<>();
    List<Double> vals = new ArrayList<>();
    double[] labels = new double[rows];
    double[] weights = weighted ? new double[rows] : null;
    for (int i = 0; i < rows; i++) {
      TreeSet<Integer> c = new TreeSet<>();
      int nnz = r.nextInt(10);
      while (c.size() < nnz) {
        c.add(r.nextBoolean() ? r.nextInt(20) : r.nextInt(D));
      }
      for (int j : c) {
        cols.add(j);
        vals.add(floats ? (double) (float) r.nextGaussian() : r.nextGaussian());
      }
      rowPtr[i + 1] = cols.size();
      labels[i] = r.nextBoolean() ? 1.0 : 0.0;
      if (weighted) {
        weights[i] = 0.5 + r.nextDouble();
      }
    }
    int[] colIdx = cols.stream().mapToInt(Integer::intValue).toArray();
    double[] v = vals.stream().mapToDouble(Double::doubleValue).toArray();
    FeatureValues values;
    if (floats) {
      float[] f = new float[v.length];
      for (int k = 0; k < v.length; k++) {
        f[k] = (float) v[k];
      }
      values = FeatureValues.of(f);
    } else {
      values = FeatureValues.of(v);
    }
    return Block.sparse(rows, rowPtr, colIdx, values, labels, weights, false);
  }

  private static void assertSameBits(SparseSums want, SparseSums got) {
    assertArrayEquals(want.idx(), got.idx());
    assertEquals(want.val().length, got.val().length);
    for (int k = 0; k < want.val().length; k++) {
      assertEquals(Double.doubleToRawLongBits(want.val()[k]), Double.doubleToRawLongBits(got.val()[k]),
          "column " + want.idx()[k]);
    }
    assertEquals(Double.doubleToRawLongBits(want.derivSum()), Double.doubleToRawLongBits(got.derivSum()));
    assertEquals(Double.doubleToRawLongBits(want.lossSum()), Double.doubleToRawLongBits(got.lossSum()));
    assertEquals(Double.doubleToRawLongBits(want.weightSum()), Double.doubleToRawLongBits(got.weightSum()));
    assertEquals(want.rows(), got.rows());
  }

  private static void check(Block[][] parts, Loss loss, double[] raw, BatchColumns columns) {
    SparseAccumulator acc = new SparseAccumulator(D);
    List<SparseSums> want = new ArrayList<>();
    for (Block[] part : parts) {
      for (Block b : part) {
        for (int i = 0; i < b.numRows; i++) {
          acc.add(b, i, raw, raw[D], loss);
        }
      }
      want.add(acc.finish());
    }
    for (Block[] part : parts) {
      for (Block b : part) {
        for (int i = 0; i < b.numRows; i++) {
          columns.mark(b, i);
        }
      }
    }
    int[] cols = columns.number();
    double[] coef = new double[cols.length];
    for (int k = 0; k < cols.length; k++) {
      assertEquals(k, columns.position(cols[k]));
      coef[k] = raw[cols[k]];
    }
    List<SparseSums> got = new ArrayList<>();
    for (Block[] part : parts) {
      BatchColumns.Sums sums = columns.sums(coef, raw[D], loss);
      for (Block b : part) {
        for (int i = 0; i < b.numRows; i++) {
          sums.add(b, i);
        }
      }
      got.add(sums.finish());
    }
    columns.clear();
    // The same batch planned: the same columns, and the positions it gives the sums their bits.
    BatchColumns.Plan plan = columns.plan(parts);
    assertArrayEquals(cols, plan.columns);
    List<SparseSums> planned = new ArrayList<>();
    for (int p = 0; p < parts.length; p++) {
      BatchColumns.Sums sums = BatchColumns.sums(plan.columns, coef, raw[D], loss);
      for (int q = 0; q < parts[p].length; q++) {
        for (int i = 0; i < parts[p][q].numRows; i++) {
          sums.add(parts[p][q], i, plan.positions[p][q]);
        }
      }
      planned.add(sums.finish());
    }
    assertEquals(0, columns.number().length, "a plan leaves no column marked");
    columns.clear();
    SparseSums merged = got.get(0);
    SparseSums plannedMerged = planned.get(0);
    SparseSums wantMerged = want.get(0);
    for (int p = 1; p < parts.length; p++) {
      merged = SparseSums.merge(merged, got.get(p));
      plannedMerged = SparseSums.merge(plannedMerged, planned.get(p));
      wantMerged = SparseSums.merge(wantMerged, want.get(p));
    }
    assertSameBits(wantMerged, merged);
    assertSameBits(wantMerged, plannedMerged);
  }

  @Test
  void compactSumsHaveTheAccumulatorsBits() {
    SplittableRandom r = new SplittableRandom(11);
    double[] raw = new double[D + 1];
    for (int j = 0; j <= D; j++) {
      raw[j] = r.nextGaussian() * 0.3;
    }
    BatchColumns columns = new BatchColumns(D);
    for (Loss loss : new Loss[] {SquaredLoss.INSTANCE, LogisticLoss.INSTANCE}) {
      for (int round = 0; round < 3; round++) {
        Block[][] parts = {
            {block(r, 40, false, false), block(r, 25, true, true)},
            {},
            {block(r, 60, round % 2 == 0, round > 0)},
            {block(r, 5, true, false)}};
        check(parts, loss, raw, columns);
      }
    }
  }

  /**
   * Numbering over many features: the marked columns ascending, once each, and every position
   * their rank, for batches from empty to dense words (the first and last column of a word, of the
   * features, a word with every bit), batch after batch on the same marks.
   */
  @Test
  void numberingIsTheSortedDistinctColumns() {
    int d = (1 << 20) + 37;
    BatchColumns columns = new BatchColumns(d);
    SplittableRandom r = new SplittableRandom(5);
    for (int round = 0; round < 6; round++) {
      TreeSet<Integer> want = new TreeSet<>();
      List<Integer> cols = new ArrayList<>();
      int count = round == 0 ? 0 : round == 1 ? 1 : (int) Math.pow(10, round);
      for (int k = 0; k < count; k++) {
        int j = k % 5 == 0 ? r.nextInt(256) : r.nextInt(d);
        cols.add(j);
      }
      if (round == 3) {
        for (int j = 640; j < 704; j++) {
          cols.add(j); // one word with all its bits
        }
        cols.addAll(List.of(0, 63, 64, 127, d - 1, d - 1));
      }
      want.addAll(cols);
      int[] rowPtr = {0, cols.size()};
      Block b = Block.sparse(1, rowPtr, cols.stream().mapToInt(Integer::intValue).toArray(),
          FeatureValues.of(new double[cols.size()]), new double[1], null, false);
      columns.mark(b, 0);
      int[] got = columns.number();
      assertArrayEquals(want.stream().mapToInt(Integer::intValue).toArray(), got, "round " + round);
      for (int k = 0; k < got.length; k++) {
        assertEquals(k, columns.position(got[k]));
      }
      columns.clear();
    }
  }

  @Test
  void aColumnWhoseTermsCancelIsKeptAsTheAccumulatorKeepsIt() {
    // Column 7 gets +1 and −1 (zero coefficients: squared-loss derivative −y): its sum is +0.0.
    Block b = Block.sparse(2, new int[] {0, 1, 2}, new int[] {7, 7}, new double[] {1, -1},
        new double[] {1, 1}, null, false);
    Block c = Block.sparse(1, new int[] {0, 2}, new int[] {3, 7}, new double[] {-0.0, 2}, new double[] {0.5},
        null, false);
    check(new Block[][] {{b}, {c}}, SquaredLoss.INSTANCE, new double[D + 1], new BatchColumns(D));
  }
}
