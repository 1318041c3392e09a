package dev.sparksgd.data;

import java.io.Serializable;
import java.util.Arrays;

/**
 * Weighted count, mean and spread of each feature over the training rows, computed exactly per
 * block (corrected two-pass over an in-memory block) and merged with Chan et al.'s pairwise
 * update, so a feature with a large mean and a small spread keeps its precision. The standard deviation uses
 * the unbiased denominator spark.ml's Summarizer uses.
 */
public final class FeatureStats implements Serializable {
  private static final long serialVersionUID = 1L;

  private double weightSum;
  private double weightSquareSum;
  private long count;
  private double[] mean;
  private double[] m2;

  public FeatureStats(int numFeatures) {
    mean = new double[numFeatures];
    m2 = new double[numFeatures];
  }

  public static FeatureStats ofBlock(Block b) {
    int d = b.requiredFeatures();
    FeatureStats s = new FeatureStats(d);
    double w = 0;
    double w2 = 0;
    for (int i = 0; i < b.numRows; i++) {
      double wi = b.weight(i);
      w += wi;
      w2 += wi * wi;
    }
    s.weightSum = w;
    s.weightSquareSum = w2;
    s.count = b.numRows;
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
      for (int i = 0; i < b.numRows; i++) {
        double wi = b.weight(i);
        for (int k = b.rowPtr[i]; k < b.rowPtr[i + 1]; k++) {
          int j = b.colIdx[k];
          double dev = b.values[k] - s.mean[j];
          s.m2[j] += wi * dev * dev;
          nzWeight[j] += wi;
        }
      }
      for (int j = 0; j < d; j++) {
        s.m2[j] += (w - nzWeight[j]) * s.mean[j] * s.mean[j];
      }
    } else {
      for (int i = 0; i < b.numRows; i++) {
        double wi = b.weight(i);
        int off = i * b.numCols;
        for (int j = 0; j < d; j++) {
          double dev = b.values[off + j] - s.mean[j];
          s.m2[j] += wi * dev * dev;
        }
      }
    }
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
          corr[j] += wi * (b.values[k] - mean[j]);
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
          corr[j] += wi * (b.values[off + j] - mean[j]);
        }
      }
    }
    for (int j = 0; j < d; j++) {
      mean[j] += corr[j] / w;
    }
  }

  /** Merges {@code o} into this one and returns this. */
  public FeatureStats merge(FeatureStats o) {
    if (o.mean.length > mean.length) {
      mean = Arrays.copyOf(mean, o.mean.length);
      m2 = Arrays.copyOf(m2, o.mean.length);
    }
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
      }
    }
    weightSum = w;
    weightSquareSum += o.weightSquareSum;
    count += o.count;
    return this;
  }

  /** Stretches (with zero features) to {@code numFeatures} columns. */
  public FeatureStats resize(int numFeatures) {
    if (numFeatures > mean.length) {
      mean = Arrays.copyOf(mean, numFeatures);
      m2 = Arrays.copyOf(m2, numFeatures);
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

  /** Unbiased (reliability-weighted) standard deviation per feature; 0 for a single row. */
  public double[] std() {
    double denom = weightSum - (weightSum > 0 ? weightSquareSum / weightSum : 0.0);
    double[] s = new double[mean.length];
    for (int j = 0; j < s.length; j++) {
      s[j] = denom > 0 ? Math.sqrt(Math.max(0.0, m2[j] / denom)) : 0.0;
    }
    return s;
  }
}
