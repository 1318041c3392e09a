package dev.sparksgd.data;

import java.nio.charset.StandardCharsets;
import org.apache.spark.unsafe.Platform;
import org.apache.spark.unsafe.hash.Murmur3_x86_32;

/**
 * spark.ml FeatureHasher's function: a number keeps its value at the index of its column name's
 * hash, a category adds 1 at the index of the hash of "column=value", both modulo
 * {@link #numFeatures()}; features that land on one index add up, and a missing category adds
 * nothing. The hash is MurmurHash3 x86 32-bit with seed 42 of the UTF-8 bytes, as FeatureHasher
 * computes it, so the indices of a model are FeatureHasher's indices.
 */
public final class FeatureHashing implements CategoricalEncoder {
  private static final long serialVersionUID = 1L;
  /** FeatureHasher's seed (mllib HashingTF's). */
  static final int SEED = 42;

  private final int numFeatures;
  private final String[] numericNames;
  private final String[] categoricalNames;
  private final int[] numericIndex;
  private final String[] categoryPrefix;

  /**
   * @param numFeatures the size of the hashed space (2^bits)
   * @param numericNames the names of the numeric features, in record order
   * @param categoricalNames the categorical columns, in the order their values are handed over
   */
  public FeatureHashing(int numFeatures, String[] numericNames, String[] categoricalNames) {
    this.numFeatures = numFeatures;
    this.numericNames = numericNames.clone();
    this.categoricalNames = categoricalNames.clone();
    numericIndex = new int[numericNames.length];
    for (int j = 0; j < numericNames.length; j++) {
      numericIndex[j] = index(numericNames[j], numFeatures);
    }
    categoryPrefix = new String[categoricalNames.length];
    for (int k = 0; k < categoricalNames.length; k++) {
      categoryPrefix[k] = categoricalNames[k] + "=";
    }
  }

  @Override
  public int numFeatures() {
    return numFeatures;
  }

  @Override
  public String[] categoricalNames() {
    return categoricalNames.clone();
  }

  /** The numeric features hashed at their names (columns, then any missing-value indicators). */
  @Override
  public String[] numericNames() {
    return numericNames.clone();
  }

  /** FeatureHasher's index of a term: its murmur3 hash, non-negative, modulo {@code n}. */
  public static int index(String term, int n) {
    byte[] b = term.getBytes(StandardCharsets.UTF_8);
    int h = Murmur3_x86_32.hashUnsafeBytes2(b, Platform.BYTE_ARRAY_OFFSET, b.length, SEED);
    int m = h % n;
    return m < 0 ? m + n : m;
  }

  /** None: a hashed feature may come from several columns and levels. */
  @Override
  public String[] featureNames() {
    return null;
  }

  /** The hashed features of a row (a missing category adds nothing). */
  @Override
  public void encode(ParsedRecord dense, String[] categories, ParsedRecord out) {
    out.clear();
    out.label = dense.label;
    out.weight = dense.weight;
    for (int j = 0; j < numericIndex.length; j++) {
      insert(out, numericIndex[j], dense.values[j]);
    }
    for (int k = 0; k < categoryPrefix.length; k++) {
      if (categories[k] != null) {
        insert(out, index(categoryPrefix[k] + categories[k], numFeatures), 1.0);
      }
    }
    // Drop zeros (a zero value, or features that cancelled): absent and 0 are the same feature.
    int w = 0;
    for (int r = 0; r < out.nnz; r++) {
      if (out.values[r] != 0.0) {
        out.indices[w] = out.indices[r];
        out.values[w++] = out.values[r];
      }
    }
    out.nnz = w;
  }

  /** Adds {@code value} at {@code index}, keeping the indices sorted (rows hold few features). */
  private static void insert(ParsedRecord out, int index, double value) {
    int pos = out.nnz;
    while (pos > 0 && out.indices[pos - 1] > index) {
      pos--;
    }
    if (pos > 0 && out.indices[pos - 1] == index) {
      out.values[pos - 1] += value;
      return;
    }
    out.add(index, value);
    for (int r = out.nnz - 1; r > pos; r--) {
      out.indices[r] = out.indices[r - 1];
      out.values[r] = out.values[r - 1];
    }
    out.indices[pos] = index;
    out.values[pos] = value;
  }
}
