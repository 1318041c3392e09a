package dev.sparksgd.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FeatureStatsTest {

  /** Rows as a dense matrix with weights: the reference the test computes naively. */
  private static final class Rows {
    final List<double[]> x = new ArrayList<>();
    final List<Double> y = new ArrayList<>();
    final List<Double> w = new ArrayList<>();

    void addAll(Rows o) {
      x.addAll(o.x);
      y.addAll(o.y);
      w.addAll(o.w);
    }

    int width() {
      int d = 0;
      for (double[] r : x) {
        d = Math.max(d, r.length);
      }
      return d;
    }

    double value(int i, int j) {
      double[] r = x.get(i);
      return j < r.length ? r[j] : 0.0;
    }

    double[] mean() {
      int d = width();
      double[] m = new double[d];
      double wsum = 0;
      for (int i = 0; i < x.size(); i++) {
        wsum += w.get(i);
      }
      for (int j = 0; j < d; j++) {
        double s = 0;
        for (int i = 0; i < x.size(); i++) {
          s += w.get(i) * value(i, j);
        }
        m[j] = s / wsum;
      }
      return m;
    }

    /** Two-pass, reliability-weighted unbiased: sqrt(M2 / (W − Σw²/W)). */
    double[] std() {
      double[] m = mean();
      double wsum = 0;
      double w2 = 0;
      for (double wi : w) {
        wsum += wi;
        w2 += wi * wi;
      }
      double denom = wsum - w2 / wsum;
      double[] s = new double[m.length];
      for (int j = 0; j < m.length; j++) {
        double m2 = 0;
        for (int i = 0; i < x.size(); i++) {
          double dev = value(i, j) - m[j];
          m2 += w.get(i) * dev * dev;
        }
        s[j] = Math.sqrt(m2 / denom);
      }
      return s;
    }

    /** max |x_ij − mean_j| over the rows of positive weight. */
    double[] maxDeviation() {
      double[] m = mean();
      double[] dev = new double[m.length];
      for (int i = 0; i < x.size(); i++) {
        if (w.get(i) > 0) {
          for (int j = 0; j < m.length; j++) {
            dev[j] = Math.max(dev[j], Math.abs(value(i, j) - m[j]));
          }
        }
      }
      return dev;
    }

    Block dense(boolean weighted) {
      int d = width();
      double[] v = new double[x.size() * d];
      for (int i = 0; i < x.size(); i++) {
        for (int j = 0; j < d; j++) {
          v[i * d + j] = value(i, j);
        }
      }
      return Block.dense(x.size(), d, v, labels(), weighted ? weights() : null, false);
    }

    Block sparse(boolean weighted) {
      int[] rowPtr = new int[x.size() + 1];
      List<Integer> idx = new ArrayList<>();
      List<Double> val = new ArrayList<>();
      for (int i = 0; i < x.size(); i++) {
        double[] r = x.get(i);
        for (int j = 0; j < r.length; j++) {
          if (r[j] != 0.0) {
            idx.add(j);
            val.add(r[j]);
          }
        }
        rowPtr[i + 1] = idx.size();
      }
      return Block.sparse(x.size(), rowPtr, idx.stream().mapToInt(Integer::intValue).toArray(),
          val.stream().mapToDouble(Double::doubleValue).toArray(), labels(),
          weighted ? weights() : null, false);
    }

    private double[] labels() {
      return y.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private double[] weights() {
      return w.stream().mapToDouble(Double::doubleValue).toArray();
    }
  }

  private static Rows random(Random r, int n, int d, double density, boolean weighted) {
    Rows rows = new Rows();
    for (int i = 0; i < n; i++) {
      double[] x = new double[d];
      for (int j = 0; j < d; j++) {
        x[j] = r.nextDouble() < density ? (j + 1) * r.nextGaussian() + j : 0.0;
      }
      rows.x.add(x);
      rows.y.add(r.nextGaussian());
      rows.w.add(weighted ? 0.1 + 3 * r.nextDouble() : 1.0);
    }
    return rows;
  }

  private static void assertClose(double[] expected, double[] actual, double rel, String what) {
    assertEquals(expected.length, actual.length, what + " length");
    for (int j = 0; j < expected.length; j++) {
      double tol = rel * Math.max(Math.abs(expected[j]), 1e-300);
      assertEquals(expected[j], actual[j], tol, what + "[" + j + "]");
    }
  }

  @Test
  void denseBlockMatchesNaiveTwoPass() {
    Rows rows = random(new Random(1), 200, 5, 1.0, false);
    FeatureStats s = FeatureStats.ofBlock(rows.dense(false));
    assertEquals(200, s.count());
    assertEquals(200.0, s.weightSum());
    assertEquals(5, s.numFeatures());
    assertClose(rows.mean(), s.mean(), 1e-12, "mean");
    assertClose(rows.std(), s.std(), 1e-12, "std");
  }

  @Test
  void sparseBlockMatchesNaiveTwoPass() {
    Rows rows = random(new Random(2), 300, 8, 0.3, false);
    rows.x.get(0)[7] = 2.5; // make sure the last column is present
    FeatureStats s = FeatureStats.ofBlock(rows.sparse(false));
    assertEquals(8, s.numFeatures());
    assertClose(rows.mean(), s.mean(), 1e-12, "mean");
    assertClose(rows.std(), s.std(), 1e-12, "std");
  }

  @Test
  void unbiasedDenominatorByHand() {
    // x = 1, 2, 3, 4: mean 2.5, sample variance 5/3.
    Block b = Block.dense(4, 1, new double[] {1, 2, 3, 4}, new double[4], null, false);
    FeatureStats s = FeatureStats.ofBlock(b);
    assertEquals(2.5, s.mean()[0], 1e-15);
    assertEquals(Math.sqrt(5.0 / 3.0), s.std()[0], 1e-15);
  }

  @Test
  void weightedStatsUseReliabilityWeights() {
    // x = 1, 3 with weights 1, 3: mean 2.5; M2 = 1·1.5² + 3·0.5² = 3; W − Σw²/W = 4 − 10/4 = 1.5.
    Block b = Block.dense(2, 1, new double[] {1, 3}, new double[2], new double[] {1, 3}, false);
    FeatureStats s = FeatureStats.ofBlock(b);
    assertEquals(2.5, s.mean()[0], 1e-15);
    assertEquals(Math.sqrt(3.0 / 1.5), s.std()[0], 1e-15);
  }

  @Test
  void weightedDenseAndSparseMatchNaive() {
    Rows dense = random(new Random(3), 150, 4, 1.0, true);
    FeatureStats d = FeatureStats.ofBlock(dense.dense(true));
    assertClose(dense.mean(), d.mean(), 1e-12, "dense mean");
    assertClose(dense.std(), d.std(), 1e-12, "dense std");

    Rows sparse = random(new Random(4), 150, 6, 0.4, true);
    sparse.x.get(3)[5] = -1.0;
    FeatureStats s = FeatureStats.ofBlock(sparse.sparse(true));
    assertClose(sparse.mean(), s.mean(), 1e-12, "sparse mean");
    assertClose(sparse.std(), s.std(), 1e-12, "sparse std");
  }

  @Test
  void weightsOfOneEqualNoWeights() {
    Rows rows = random(new Random(5), 50, 3, 1.0, false);
    FeatureStats a = FeatureStats.ofBlock(rows.dense(false));
    FeatureStats b = FeatureStats.ofBlock(rows.dense(true)); // explicit weights, all 1.0
    assertArrayEquals(a.mean(), b.mean());
    assertArrayEquals(a.std(), b.std());
  }

  @Test
  void mergingInAnyGroupingGivesTheSameStats() {
    Random r = new Random(6);
    List<Rows> parts = new ArrayList<>();
    Rows all = new Rows();
    for (int k = 0; k < 6; k++) {
      Rows p = random(r, 20 + r.nextInt(60), 5, k % 2 == 0 ? 1.0 : 0.5, true);
      p.x.get(0)[4] = 1.0 + k; // every block spans all 5 columns
      parts.add(p);
      all.addAll(p);
    }
    double[] mean = all.mean();
    double[] std = all.std();
    List<Block> blocks = new ArrayList<>();
    for (int k = 0; k < parts.size(); k++) {
      blocks.add(k % 2 == 0 ? parts.get(k).dense(true) : parts.get(k).sparse(true));
    }

    // Left fold from an empty accumulator (what DataLoader does).
    FeatureStats left = new FeatureStats(0);
    for (Block b : blocks) {
      left.merge(FeatureStats.ofBlock(b));
    }
    // Right fold.
    FeatureStats right = FeatureStats.ofBlock(blocks.get(blocks.size() - 1));
    for (int k = blocks.size() - 2; k >= 0; k--) {
      right = FeatureStats.ofBlock(blocks.get(k)).merge(right);
    }
    // Tree: ((0,1),(2,3)),(4,5).
    FeatureStats tree = FeatureStats.ofBlock(blocks.get(0)).merge(FeatureStats.ofBlock(blocks.get(1)))
        .merge(FeatureStats.ofBlock(blocks.get(2)).merge(FeatureStats.ofBlock(blocks.get(3))))
        .merge(FeatureStats.ofBlock(blocks.get(4)).merge(FeatureStats.ofBlock(blocks.get(5))));
    // Shuffled order.
    List<Block> shuffled = new ArrayList<>(blocks);
    Collections.shuffle(shuffled, new Random(7));
    FeatureStats mixed = FeatureStats.ofBlock(shuffled.get(0));
    for (int k = 1; k < shuffled.size(); k++) {
      mixed.merge(FeatureStats.ofBlock(shuffled.get(k)));
    }

    long rows = all.x.size();
    for (FeatureStats s : List.of(left, right, tree, mixed)) {
      assertEquals(rows, s.count());
      assertClose(mean, s.mean(), 1e-12, "mean");
      assertClose(std, s.std(), 1e-12, "std");
    }
  }

  @Test
  void mergingAnEmptyStatsChangesNothing() {
    Rows rows = random(new Random(8), 40, 3, 1.0, false);
    FeatureStats s = FeatureStats.ofBlock(rows.dense(false));
    double[] mean = s.mean();
    double[] std = s.std();
    s.merge(new FeatureStats(3));
    assertArrayEquals(mean, s.mean());
    assertArrayEquals(std, s.std());
    FeatureStats e = new FeatureStats(0).merge(FeatureStats.ofBlock(rows.dense(false)));
    assertArrayEquals(mean, e.mean());
    assertArrayEquals(std, e.std());
  }

  @Test
  void largeMeanSmallSpreadKeepsPrecision() {
    // x = 1e8 + z with z on a 2^-10 grid: exact in double, so the reference is exact too.
    Random r = new Random(9);
    Rows all = new Rows();
    List<Block> blocks = new ArrayList<>();
    double zSum = 0;
    List<Double> zs = new ArrayList<>();
    for (int k = 0; k < 4; k++) {
      Rows p = new Rows();
      for (int i = 0; i < 500; i++) {
        double z = Math.rint(r.nextGaussian() * 1024) / 1024;
        zs.add(z);
        zSum += z;
        p.x.add(new double[] {1e8 + z});
        p.y.add(0.0);
        p.w.add(1.0);
      }
      all.addAll(p);
      blocks.add(p.dense(false));
    }
    double zMean = zSum / zs.size();
    double m2 = 0;
    for (double z : zs) {
      m2 += (z - zMean) * (z - zMean);
    }
    double expectedStd = Math.sqrt(m2 / (zs.size() - 1));
    assertTrue(expectedStd > 0.9 && expectedStd < 1.1, "sanity: std " + expectedStd);

    FeatureStats s = new FeatureStats(0);
    for (Block b : blocks) {
      s.merge(FeatureStats.ofBlock(b));
    }
    assertEquals(expectedStd, s.std()[0], 1e-6 * expectedStd, "std of 1e8 + N(0,1)");
    assertEquals(1e8 + zMean, s.mean()[0], 1e-7);

    FeatureStats one = FeatureStats.ofBlock(all.dense(false));
    assertEquals(expectedStd, one.std()[0], 1e-6 * expectedStd, "std in one block");
  }

  @Test
  void constantFeatureHasZeroStd() {
    // 0.1 is not a binary fraction: Σx/n rounds away from 0.1 unless the mean is computed carefully.
    int n = 1000;
    double[] v = new double[n * 3];
    for (int i = 0; i < n; i++) {
      v[i * 3] = 0.1;
      v[i * 3 + 1] = i;
      v[i * 3 + 2] = 1e8 / 3;
    }
    FeatureStats dense = FeatureStats.ofBlock(Block.dense(n, 3, v, new double[n], null, false));
    assertEquals(0.0, dense.std()[0], "dense constant 0.1");
    assertEquals(0.0, dense.std()[2], "dense constant 1e8/3");
    assertEquals(0.1, dense.mean()[0]);
    assertTrue(dense.std()[1] > 0);

    // Split over blocks and merged: still exactly constant.
    FeatureStats merged = new FeatureStats(0);
    for (int k = 0; k < 7; k++) {
      int rows = 13 + k * 17;
      double[] vals = new double[rows * 3];
      double[] w = new double[rows];
      for (int i = 0; i < rows; i++) {
        vals[i * 3] = 0.1;
        vals[i * 3 + 1] = i;
        vals[i * 3 + 2] = 1e8 / 3;
        w[i] = 0.3 + i % 5;
      }
      merged.merge(FeatureStats.ofBlock(Block.dense(rows, 3, vals, new double[rows], w, false)));
    }
    assertEquals(0.0, merged.std()[0], "merged weighted constant 0.1");
    assertEquals(0.0, merged.std()[2], "merged weighted constant 1e8/3");

    // Sparse: the feature is present in every row with the same value.
    int[] rowPtr = new int[n + 1];
    int[] col = new int[n];
    double[] sv = new double[n];
    for (int i = 0; i < n; i++) {
      rowPtr[i + 1] = i + 1;
      col[i] = 1;
      sv[i] = 0.7;
    }
    FeatureStats sparse = FeatureStats.ofBlock(Block.sparse(n, rowPtr, col, sv, new double[n], null, false));
    assertEquals(0.0, sparse.std()[0], "sparse all-zero column");
    assertEquals(0.0, sparse.std()[1], "sparse constant 0.7");
  }

  @Test
  void singleRowHasZeroStd() {
    FeatureStats s = FeatureStats.ofBlock(Block.dense(1, 2, new double[] {3, 4}, new double[1], null, false));
    assertArrayEquals(new double[] {0, 0}, s.std());
    assertArrayEquals(new double[] {3, 4}, s.mean());
  }

  @Test
  void mergingWithAWiderSparseBlockResizes() {
    Random r = new Random(10);
    Rows narrow = random(r, 30, 3, 1.0, false);
    Rows wide = random(r, 25, 7, 0.5, false);
    wide.x.get(0)[6] = 4.0;
    Rows all = new Rows();
    all.addAll(narrow);
    all.addAll(wide);

    FeatureStats a = FeatureStats.ofBlock(narrow.dense(false)).merge(FeatureStats.ofBlock(wide.sparse(false)));
    assertEquals(7, a.numFeatures());
    assertClose(all.mean(), a.mean(), 1e-12, "narrow+wide mean");
    assertClose(all.std(), a.std(), 1e-12, "narrow+wide std");

    FeatureStats b = FeatureStats.ofBlock(wide.sparse(false)).merge(FeatureStats.ofBlock(narrow.dense(false)));
    assertEquals(7, b.numFeatures());
    assertClose(all.mean(), b.mean(), 1e-12, "wide+narrow mean");
    assertClose(all.std(), b.std(), 1e-12, "wide+narrow std");
  }

  @Test
  void resizeAddsZeroFeaturesAndNeverShrinks() {
    FeatureStats s = FeatureStats.ofBlock(Block.dense(2, 1, new double[] {1, 3}, new double[2], null, false));
    s.resize(3);
    assertEquals(3, s.numFeatures());
    assertArrayEquals(new double[] {2, 0, 0}, s.mean());
    assertEquals(0.0, s.std()[1]);
    s.resize(1);
    assertEquals(3, s.numFeatures());
  }

  @Test
  void meanAndStdReturnCopies() {
    FeatureStats s = FeatureStats.ofBlock(Block.dense(2, 1, new double[] {1, 3}, new double[2], null, false));
    s.mean()[0] = 99;
    assertEquals(2.0, s.mean()[0]);
  }

  // ---- the accumulator (a sparse block costs O(non-zeros), not O(features)) ----

  /** Blocks of random widths and densities, dense and sparse, weighted, some of weight 0 or empty. */
  private static List<Rows> mixedParts(Random r, int count) {
    List<Rows> parts = new ArrayList<>();
    for (int k = 0; k < count; k++) {
      int width = 1 + r.nextInt(12);
      Rows p = random(r, 1 + r.nextInt(40), width, r.nextDouble() < 0.3 ? 1.0 : 0.05 + 0.4 * r.nextDouble(), true);
      if (k % 7 == 3) {
        for (int i = 0; i < p.w.size(); i++) {
          p.w.set(i, 0.0);
        }
      }
      if (k % 11 == 5) {
        for (double[] x : p.x) {
          java.util.Arrays.fill(x, 0.0);
        }
      }
      parts.add(p);
    }
    return parts;
  }

  @Test
  void accumulatorMatchesMergingEveryBlockAndTheNaiveTwoPass() {
    for (int seed = 0; seed < 20; seed++) {
      Random r = new Random(100 + seed);
      List<Rows> parts = mixedParts(r, 5 + r.nextInt(40));
      Rows all = new Rows();
      FeatureStats merged = new FeatureStats(0);
      FeatureStats.Accumulator acc = new FeatureStats.Accumulator();
      for (Rows p : parts) {
        all.addAll(p);
        Block b = r.nextDouble() < 0.25 ? p.dense(true) : p.sparse(true);
        merged.merge(FeatureStats.ofBlock(b));
        acc.add(b);
      }
      FeatureStats s = acc.finish();
      String what = "seed " + seed;
      assertEquals(merged.count(), s.count(), what);
      assertEquals(merged.weightSum(), s.weightSum(), 1e-12 * merged.weightSum(), what);
      assertEquals(merged.numFeatures(), s.numFeatures(), what + " width");
      assertClose(merged.mean(), s.mean(), 1e-12, what + " mean vs merge");
      assertClose(merged.std(), s.std(), 1e-12, what + " std vs merge");
      double[] mean = all.mean();
      double[] std = all.std();
      double[] dev = all.maxDeviation();
      for (FeatureStats m : List.of(merged, s)) {
        for (int j = 0; j < dev.length; j++) {
          double got = j < m.numFeatures() ? m.maxDeviation()[j] : 0.0;
          assertEquals(dev[j], got, 1e-12 * Math.max(dev[j], 1e-300), what + " max deviation[" + j + "]");
        }
      }
      // The naive reference is as wide as the widest row; the sparse blocks need only up to their
      // last non-zero, so compare the common columns and require zeros beyond.
      for (int j = 0; j < mean.length; j++) {
        double m = j < s.numFeatures() ? s.mean()[j] : 0.0;
        double sd = j < s.numFeatures() ? s.std()[j] : 0.0;
        assertEquals(mean[j], m, 1e-12 * Math.max(Math.abs(mean[j]), 1e-300), what + " mean[" + j + "]");
        assertEquals(std[j], sd, 1e-12 * Math.max(Math.abs(std[j]), 1e-300), what + " std[" + j + "]");
      }
    }
  }

  /**
   * The largest deviation from the mean, over rows of positive weight with the implicit zeros of
   * sparse rows, in one block (merged blocks and the accumulator: in the test above); a feature
   * held by one row of many deviates by about its value.
   */
  @Test
  void maxDeviationOfABlockMatchesTheNaiveOne() {
    Rows one = random(new Random(13), 120, 6, 0.2, true);
    one.x.get(7)[5] = -3.0;
    one.w.set(9, 0.0);
    one.x.get(9)[0] = 1e9; // weight 0: not part of the range
    for (Block b : List.of(one.sparse(true), one.dense(true))) {
      FeatureStats s = FeatureStats.ofBlock(b);
      assertClose(one.maxDeviation(), s.maxDeviation(), 1e-12, (b.isSparse() ? "sparse" : "dense") + " block");
    }
    // One row of 10,000 holds feature 1 (value 2): its deviation is 2 − 2/10,000; σ is about 0.02.
    Rows rare = new Rows();
    for (int i = 0; i < 10_000; i++) {
      rare.x.add(i == 4321 ? new double[] {1, 2} : new double[] {1 + i % 2, 0});
      rare.y.add(0.0);
      rare.w.add(1.0);
    }
    FeatureStats s = FeatureStats.ofBlock(rare.sparse(false));
    assertEquals(2 - 2e-4, s.maxDeviation()[1], 1e-12);
    assertEquals(0.5001, s.maxDeviation()[0], 1e-12); // values 1 and 2, mean 1.4999
    assertEquals(2 * Math.sqrt((1 - 1e-4) / 9999), s.std()[1], 1e-12);
  }

  @Test
  void accumulatorOfOneBlockHasTheBlocksBits() {
    Rows rows = random(new Random(11), 80, 9, 0.3, true);
    rows.x.get(2)[8] = 1.5;
    for (Block b : List.of(rows.sparse(true), rows.dense(true))) {
      FeatureStats.Accumulator acc = new FeatureStats.Accumulator();
      acc.add(b);
      FeatureStats one = FeatureStats.ofBlock(b);
      FeatureStats s = acc.finish();
      assertArrayEquals(one.mean(), s.mean());
      assertArrayEquals(one.std(), s.std());
    }
  }

  @Test
  void featureSeenOnceThenAbsentFromManyBlocks() {
    // Feature 1 only in the first block; 300 sparse blocks without it follow: one lazy update
    // must give what 300 merges of zero blocks give, and the naive answer.
    Random r = new Random(12);
    Rows all = new Rows();
    FeatureStats.Accumulator acc = new FeatureStats.Accumulator();
    FeatureStats merged = new FeatureStats(0);
    for (int k = 0; k < 301; k++) {
      Rows p = new Rows();
      for (int i = 0; i < 5; i++) {
        double[] x = new double[3];
        x[0] = 1 + r.nextGaussian();
        if (k == 0) {
          x[1] = 1e6 + r.nextGaussian();
        }
        x[2] = k == 300 && i == 4 ? 2.0 : 0.0;
        p.x.add(x);
        p.y.add(0.0);
        p.w.add(0.5 + r.nextDouble());
      }
      all.addAll(p);
      Block b = p.sparse(true);
      acc.add(b);
      merged.merge(FeatureStats.ofBlock(b));
    }
    FeatureStats s = acc.finish();
    assertClose(all.mean(), s.mean(), 1e-12, "mean");
    assertClose(all.std(), s.std(), 1e-12, "std");
    assertClose(merged.std(), s.std(), 1e-12, "std vs merge");
  }

  @Test
  void accumulatorKeepsAConstantSparseFeatureExact() {
    // 0.1 in every row of every block (sparse), weighted: std exactly 0, mean exactly 0.1.
    FeatureStats.Accumulator acc = new FeatureStats.Accumulator();
    for (int k = 0; k < 9; k++) {
      int n = 3 + 7 * k;
      int[] rowPtr = new int[n + 1];
      int[] col = new int[2 * n];
      double[] v = new double[2 * n];
      double[] w = new double[n];
      for (int i = 0; i < n; i++) {
        rowPtr[i + 1] = 2 * (i + 1);
        col[2 * i] = 0;
        v[2 * i] = 0.1;
        col[2 * i + 1] = 1 + (i + k) % 3;
        v[2 * i + 1] = i;
        w[i] = 0.3 + i % 5;
      }
      acc.add(Block.sparse(n, rowPtr, col, v, new double[n], w, false));
    }
    FeatureStats s = acc.finish();
    assertEquals(0.1, s.mean()[0]);
    assertEquals(0.0, s.std()[0]);
    assertTrue(s.std()[1] > 0);
  }
}
