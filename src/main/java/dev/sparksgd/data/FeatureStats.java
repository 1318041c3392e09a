package dev.sparksgd.data;

import java.io.Serializable;
import java.util.Arrays;

/**
 * Weighted count, mean and spread of each feature over the training rows, computed exactly per
 * block (corrected two-pass over an in-memory block) and merged with Chan et al.'s pairwise
 * update, so a feature with a large mean and a small spread keeps its precision. The standard deviation uses
 * the unbiased denominator spark.ml's Summarizer uses. The smallest and largest value of each
 * feature cover the rows of positive weight (as spark.ml's Summarizer's min and max), the implicit
 * zeros of sparse rows included.
 */
public final class FeatureStats implements Serializable {
  private static final long serialVersionUID = 1L;

  private double weightSum;
  private double weightSquareSum;
  private long count;
  private double[] mean;
  private double[] m2;
  /** Per feature, over the rows of positive weight: the smallest and largest value (±∞ if none). */
  private double[] min;
  private double[] max;

  public FeatureStats(int numFeatures) {
    mean = new double[numFeatures];
    m2 = new double[numFeatures];
    min = new double[numFeatures];
    max = new double[numFeatures];
    Arrays.fill(min, Double.POSITIVE_INFINITY);
    Arrays.fill(max, Double.NEGATIVE_INFINITY);
  }

  /** Widens feature j's range to include {@code v}. */
  private void cover(int j, double v) {
    if (v < min[j]) {
      min[j] = v;
    }
    if (v > max[j]) {
      max[j] = v;
    }
  }

  public static FeatureStats ofBlock(Block b) {
    int d = b.requiredFeatures();
    FeatureStats s = weighed(b, d);
    double w = s.weightSum;
    if (w == 0) {
      return s;
    }
    for (int i = 0; i < b.numRows; i++) {
      b.addScaledRow(i, b.weight(i), s.mean);
    }
    for (int j = 0; j < d; j++) {
      s.mean[j] /= w;
    }
    refineMean(b, s.mean, w);
    if (b.isSparse()) {
      // Rows without an entry for feature j hold an implicit 0: they add weight·mean² each.
      double[] nzWeight = new double[d];
      int[] heldBy = new int[d];
      int weighedRows = 0;
      for (int i = 0; i < b.numRows; i++) {
        double wi = b.weight(i);
        weighedRows += wi > 0 ? 1 : 0;
        for (int k = b.rowPtr[i]; k < b.rowPtr[i + 1]; k++) {
          int j = b.colIdx[k];
          double dev = b.values.get(k) - s.mean[j];
          s.m2[j] += wi * dev * dev;
          nzWeight[j] += wi;
          if (wi > 0) {
            s.cover(j, b.values.get(k));
            heldBy[j]++;
          }
        }
      }
      for (int j = 0; j < d; j++) {
        s.m2[j] += (w - nzWeight[j]) * s.mean[j] * s.mean[j];
        if (heldBy[j] < weighedRows) {
          s.cover(j, 0.0);
        }
      }
    } else {
      for (int i = 0; i < b.numRows; i++) {
        double wi = b.weight(i);
        int off = i * b.numCols;
        for (int j = 0; j < d; j++) {
          double dev = b.values.get(off + j) - s.mean[j];
          s.m2[j] += wi * dev * dev;
          if (wi > 0) {
            s.cover(j, b.values.get(off + j));
          }
        }
      }
    }
    return s;
  }

  /** Zero statistics of {@code d} features carrying the block's weight sums and row count. */
  private static FeatureStats weighed(Block b, int d) {
    FeatureStats s = new FeatureStats(d);
    for (int i = 0; i < b.numRows; i++) {
      double wi = b.weight(i);
      s.weightSum += wi;
      s.weightSquareSum += wi * wi;
    }
    s.count = b.numRows;
    return s;
  }

  /**
   * Adds Σω(x − mean)/W to the mean (the corrected two-pass algorithm). Σωx/W alone is off by a
   * few ulps, so a constant column would get a tiny non-zero spread and, in the trainer, a huge
   * 1/σ instead of weight 0; after this correction its mean is the constant exactly.
   */
  private static void refineMean(Block b, double[] mean, double w) {
    int d = mean.length;
    double[] corr = new double[d];
    if (b.isSparse()) {
      double[] nzWeight = new double[d];
      for (int i = 0; i < b.numRows; i++) {
        double wi = b.weight(i);
        for (int k = b.rowPtr[i]; k < b.rowPtr[i + 1]; k++) {
          int j = b.colIdx[k];
          corr[j] += wi * (b.values.get(k) - mean[j]);
          nzWeight[j] += wi;
        }
      }
      for (int j = 0; j < d; j++) {
        corr[j] -= (w - nzWeight[j]) * mean[j];
      }
    } else {
      for (int i = 0; i < b.numRows; i++) {
        double wi = b.weight(i);
        int off = i * b.numCols;
        for (int j = 0; j < d; j++) {
          corr[j] += wi * (b.values.get(off + j) - mean[j]);
        }
      }
    }
    for (int j = 0; j < d; j++) {
      mean[j] += corr[j] / w;
    }
  }

  /** Merges {@code o} into this one and returns this. */
  public FeatureStats merge(FeatureStats o) {
    resize(o.mean.length);
    double wa = weightSum;
    double wb = o.weightSum;
    double w = wa + wb;
    if (wb > 0) {
      for (int j = 0; j < mean.length; j++) {
        double mb = j < o.mean.length ? o.mean[j] : 0.0;
        double m2b = j < o.m2.length ? o.m2[j] : 0.0;
        double delta = mb - mean[j];
        mean[j] += delta * (wb / w);
        m2[j] += m2b + delta * delta * (wa * wb / w);
        if (j < o.mean.length) {
          cover(j, o.min[j]);
          cover(j, o.max[j]);
        } else {
          cover(j, 0.0); // o's rows lack the feature: zeros
        }
      }
    }
    weightSum = w;
    weightSquareSum += o.weightSquareSum;
    count += o.count;
    return this;
  }

  /**
   * The statistics of many blocks, added one at a time, as {@code merge(ofBlock(b))} for each block
   * would give them, but a sparse block costs O(rows + non-zeros) instead of O(features): its stats
   * are computed over the features it holds only, and a feature it lacks (a block of zeros for that
   * feature) is brought up to date lazily, once for all the zero blocks since the feature was last
   * touched (Chan's update with one zero block of their total weight; the same in exact arithmetic,
   * within rounding of the one-by-one merges). O(features) once per accumulator.
   */
  public static final class Accumulator {
    private final FeatureStats s = new FeatureStats(0);
    /** Per feature: the weight sum its mean and m2 stand for (they lack the zero blocks since). */
    private double[] syncedWeight = new double[0];
    /** Per feature: its position among the current block's features, or -1. */
    private int[] slot = new int[0];

    /** Adds a block's rows (the caller skips holdout blocks). */
    public void add(Block b) {
      if (!b.isSparse()) {
        syncAll();
        s.merge(ofBlock(b));
        grow(s.mean.length);
        Arrays.fill(syncedWeight, s.weightSum);
        return;
      }
      grow(b.requiredFeatures());
      FeatureStats block = weighed(b, 0);
      if (block.weightSum > 0) {
        addSparse(b, block.weightSum);
      }
      s.weightSum += block.weightSum;
      s.weightSquareSum += block.weightSquareSum;
      s.count += block.count;
    }

    /** Merges the touched features of a sparse block of weight {@code wb} > 0 (the sums after). */
    private void addSparse(Block b, double wb) {
      int width = b.requiredFeatures();
      // The block's features in order of first appearance, and their slots.
      int[] features = new int[Math.min(width, b.rowPtr[b.numRows])];
      int n = 0;
      for (int k = 0; k < b.rowPtr[b.numRows]; k++) {
        int j = b.colIdx[k];
        if (slot[j] < 0) {
          slot[j] = n;
          features[n++] = j;
        }
      }
      double[] mean = new double[n];
      double[] corr = new double[n];
      double[] m2 = new double[n];
      double[] nzWeight = new double[n];
      int[] heldBy = new int[n];
      int weighedRows = 0;
      // What ofBlock computes for these features: Σωx/W, the corrected mean, then M2 with the
      // implicit zeros of the rows that lack the feature.
      for (int i = 0; i < b.numRows; i++) {
        double wi = b.weight(i);
        for (int k = b.rowPtr[i]; k < b.rowPtr[i + 1]; k++) {
          mean[slot[b.colIdx[k]]] += wi * b.values.get(k);
        }
      }
      for (int q = 0; q < n; q++) {
        mean[q] /= wb;
      }
      for (int i = 0; i < b.numRows; i++) {
        double wi = b.weight(i);
        for (int k = b.rowPtr[i]; k < b.rowPtr[i + 1]; k++) {
          int q = slot[b.colIdx[k]];
          corr[q] += wi * (b.values.get(k) - mean[q]);
          nzWeight[q] += wi;
        }
      }
      for (int q = 0; q < n; q++) {
        corr[q] -= (wb - nzWeight[q]) * mean[q];
        mean[q] += corr[q] / wb;
      }
      for (int i = 0; i < b.numRows; i++) {
        double wi = b.weight(i);
        weighedRows += wi > 0 ? 1 : 0;
        for (int k = b.rowPtr[i]; k < b.rowPtr[i + 1]; k++) {
          int q = slot[b.colIdx[k]];
          double dev = b.values.get(k) - mean[q];
          m2[q] += wi * dev * dev;
          if (wi > 0) {
            s.cover(b.colIdx[k], b.values.get(k));
            heldBy[q]++;
          }
        }
      }
      double wa = s.weightSum;
      double w = wa + wb;
      for (int q = 0; q < n; q++) {
        int j = features[q];
        sync(j, wa);
        m2[q] += (wb - nzWeight[q]) * mean[q] * mean[q];
        // merge()'s update for feature j
        double delta = mean[q] - s.mean[j];
        s.mean[j] += delta * (wb / w);
        s.m2[j] += m2[q] + delta * delta * (wa * wb / w);
        if (heldBy[q] < weighedRows) {
          s.cover(j, 0.0);
        }
        syncedWeight[j] = w;
        slot[j] = -1;
      }
    }

    /** Brings feature j up to the weight sum {@code w}: one merge with a zero block of the rest. */
    private void sync(int j, double w) {
      double wa = syncedWeight[j];
      double z = w - wa;
      if (z > 0 && wa > 0) {
        double delta = -s.mean[j];
        s.mean[j] += delta * (z / w);
        s.m2[j] += delta * delta * (wa * z / w);
      }
      if (z > 0) {
        s.cover(j, 0.0);
      }
      syncedWeight[j] = w;
    }

    private void syncAll() {
      for (int j = 0; j < syncedWeight.length; j++) {
        sync(j, s.weightSum);
      }
    }

    private void grow(int width) {
      int old = slot.length;
      if (width <= old) {
        return;
      }
      s.resize(width);
      syncedWeight = Arrays.copyOf(syncedWeight, width);
      // A feature never seen so far has mean 0 and m2 0 at any weight: nothing to bring up to date.
      Arrays.fill(syncedWeight, old, width, s.weightSum);
      slot = Arrays.copyOf(slot, width);
      Arrays.fill(slot, old, width, -1);
    }

    /** The statistics of the blocks added so far (this accumulator can go on after it). */
    public FeatureStats finish() {
      syncAll();
      return s;
    }
  }

  /** Stretches (with zero features) to {@code numFeatures} columns. */
  public FeatureStats resize(int numFeatures) {
    int old = mean.length;
    if (numFeatures > old) {
      mean = Arrays.copyOf(mean, numFeatures);
      m2 = Arrays.copyOf(m2, numFeatures);
      min = Arrays.copyOf(min, numFeatures);
      max = Arrays.copyOf(max, numFeatures);
      // The rows so far lack the new features: zeros, if any row has weight.
      Arrays.fill(min, old, numFeatures, weightSum > 0 ? 0.0 : Double.POSITIVE_INFINITY);
      Arrays.fill(max, old, numFeatures, weightSum > 0 ? 0.0 : Double.NEGATIVE_INFINITY);
    }
    return this;
  }

  public int numFeatures() {
    return mean.length;
  }

  public long count() {
    return count;
  }

  public double weightSum() {
    return weightSum;
  }

  public double[] mean() {
    return mean.clone();
  }

  /**
   * The population standard deviation over {@link #std()}, the same for every feature:
   * √((Σω − Σω²/Σω)/Σω), √((n − 1)/n) for unit weights; 1 when there is no spread to measure.
   */
  public double populationStdRatio() {
    double denom = weightSum - (weightSum > 0 ? weightSquareSum / weightSum : 0.0);
    return denom > 0 && weightSum > 0 ? Math.sqrt(denom / weightSum) : 1.0;
  }

  /**
   * Per feature, the largest distance of a value from the mean, max(max − μ, μ − min), over the
   * rows of positive weight; 0 without such rows.
   */
  public double[] maxDeviation() {
    double[] dev = new double[mean.length];
    for (int j = 0; j < dev.length; j++) {
      dev[j] = maxDeviation(j);
    }
    return dev;
  }

  /** {@link #maxDeviation()} of feature j alone (no array as long as the features). */
  public double maxDeviation(int j) {
    return max[j] >= min[j] ? Math.max(max[j] - mean[j], mean[j] - min[j]) : 0.0;
  }

  /** Unbiased (reliability-weighted) standard deviation per feature; 0 for a single row. */
  public double[] std() {
    double[] s = new double[mean.length];
    for (int j = 0; j < s.length; j++) {
      s[j] = std(j);
    }
    return s;
  }

  /** {@link #std()} of feature j alone (no array as long as the features). */
  public double std(int j) {
    double denom = weightSum - (weightSum > 0 ? weightSquareSum / weightSum : 0.0);
    return denom > 0 ? Math.sqrt(Math.max(0.0, m2[j] / denom)) : 0.0;
  }
}
