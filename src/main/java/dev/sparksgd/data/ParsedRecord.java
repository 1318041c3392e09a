package dev.sparksgd.data;

import java.util.Arrays;

/** A reusable buffer for one parsed record: label, weight and (index, value) pairs, 0-based. */
public final class ParsedRecord {
  public double label;
  public double weight = 1.0;
  public int nnz;
  public int[] indices = new int[16];
  public double[] values = new double[16];

  void clear() {
    label = Double.NaN;
    weight = 1.0;
    nnz = 0;
  }

  /** Makes this record dense features 0 … n−1, all 0. */
  void dense(int n) {
    if (indices.length < n) {
      indices = new int[n];
      values = new double[n];
    }
    for (int j = 0; j < n; j++) {
      indices[j] = j;
      values[j] = 0.0;
    }
    nnz = n;
  }

  void add(int index, double value) {
    if (nnz == indices.length) {
      indices = Arrays.copyOf(indices, nnz * 2);
      values = Arrays.copyOf(values, nnz * 2);
    }
    indices[nnz] = index;
    values[nnz] = value;
    nnz++;
  }
}
