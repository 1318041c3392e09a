package dev.sparksgd.data;

import java.util.SplittableRandom;

/**
 * Synthetic regression rows with known weights: x ~ N(0, 1) (dense, or {@code nnz} random
 * features per row), y = w·x + b + noise·N(0, 1). Row i depends only on (seed, i), so any split
 * of the rows into files or partitions gives the same data.
 */
public final class Generator implements java.io.Serializable {
  private static final long serialVersionUID = 1L;
  private final long seed;
  private final int numFeatures;
  private final int nnz;
  private final double noise;
  /** Derived from the seed; not serialized, so the closures of generated RDDs stay small at any D. */
  private transient double[] weights;
  private final double intercept;

  /** @param nnz non-zeros per row; 0 or >= numFeatures means dense */
  public Generator(long seed, int numFeatures, int nnz, double noise, double intercept) {
    this.seed = seed;
    this.numFeatures = numFeatures;
    this.nnz = nnz <= 0 || nnz >= numFeatures ? numFeatures : nnz;
    this.noise = noise;
    this.intercept = intercept;
  }

  private double[] w() {
    if (weights == null) {
      double[] w = new double[numFeatures];
      SplittableRandom r = new SplittableRandom(Seeds.derive(seed, 0x57L));
      for (int j = 0; j < numFeatures; j++) {
        // Weights in [-2, 2] rounded to 3 decimals, so a README can quote them.
        w[j] = Math.round((r.nextDouble() * 4 - 2) * 1000) / 1000.0;
      }
      weights = w;
    }
    return weights;
  }

  public double[] weights() {
    return w().clone();
  }

  public double intercept() {
    return intercept;
  }

  public int numFeatures() {
    return numFeatures;
  }

  /** Non-zeros per row (the feature count when dense). */
  public int nnzPerRow() {
    return nnz;
  }

  public boolean isDense() {
    return nnz == numFeatures;
  }

  /** Fills {@code out} (0-based indices, increasing) with row {@code i}. */
  public void row(long i, ParsedRecord out) {
    out.clear();
    SplittableRandom r = new SplittableRandom(Seeds.derive(seed, 0x52L, i));
    double[] weights = w();
    double y = intercept;
    if (isDense()) {
      for (int j = 0; j < numFeatures; j++) {
        double x = round(r.nextGaussian());
        out.add(j, x);
        y += weights[j] * x;
      }
    } else {
      // nnz distinct indices by Floyd's algorithm, then sorted.
      int[] idx = new int[nnz];
      // Few picks: a scan of them beats clearing a bit set of numFeatures bits for every row.
      java.util.BitSet seen = nnz > 64 ? new java.util.BitSet(numFeatures) : null;
      int k = 0;
      for (int j = numFeatures - nnz; j < numFeatures; j++) {
        int t = r.nextInt(j + 1);
        int pick = (seen != null ? seen.get(t) : contains(idx, k, t)) ? j : t;
        if (seen != null) {
          seen.set(pick);
        }
        idx[k++] = pick;
      }
      java.util.Arrays.sort(idx);
      for (int j : idx) {
        double x = round(r.nextGaussian());
        out.add(j, x);
        y += weights[j] * x;
      }
    }
    out.label = round(y + noise * r.nextGaussian());
  }

  private static boolean contains(int[] a, int n, int v) {
    for (int i = 0; i < n; i++) {
      if (a[i] == v) {
        return true;
      }
    }
    return false;
  }

  /** Six significant decimals keep the text small; the row is exactly what the file holds. */
  private static double round(double v) {
    return Math.round(v * 1e6) / 1e6;
  }

  /** One row as text: LIBSVM (1-based) or CSV (label first, then every feature). */
  public static String format(ParsedRecord rec, boolean csv, int numFeatures, StringBuilder sb) {
    sb.setLength(0);
    sb.append(rec.label);
    if (csv) {
      int k = 0;
      for (int j = 0; j < numFeatures; j++) {
        sb.append(',');
        if (k < rec.nnz && rec.indices[k] == j) {
          sb.append(rec.values[k++]);
        } else {
          sb.append("0");
        }
      }
    } else {
      for (int k = 0; k < rec.nnz; k++) {
        sb.append(' ').append(rec.indices[k] + 1).append(':').append(rec.values[k]);
      }
    }
    return sb.toString();
  }
}
