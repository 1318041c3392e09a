package dev.sparksgd.data;

import java.util.HashMap;
import java.util.Map;

/**
 * One-hot features of categorical columns, as spark.ml's StringIndexer (frequencyDesc,
 * handleInvalid "keep") followed by OneHotEncoder (dropLast false) and VectorAssembler make them:
 * the numeric features first (dense positions 0 … n−1), then per categorical column a block of one
 * feature per kept level (in the order of the vocabulary, most frequent first) and a last one,
 * "other", for every level not kept, not seen in training, or missing.
 */
public final class OneHotEncoding implements CategoricalEncoder {
  private static final long serialVersionUID = 1L;
  /** The name of a block's last feature: the levels not kept, unseen or missing. */
  public static final String OTHER = "(other)";

  private final String[] numericNames;
  private final String[] categoricalNames;
  private final String[][] levels;
  private final int[] blockStart;
  private final int numFeatures;
  /** Per column: level → position in its block (rebuilt after deserialization). */
  private transient volatile Map<String, Integer>[] slots;

  /**
   * @param numericNames the numeric features (columns, then any missing-value indicators)
   * @param categoricalNames the categorical columns, in the order their values are handed over
   * @param levels per categorical column, its kept levels in feature order (distinct)
   */
  public OneHotEncoding(String[] numericNames, String[] categoricalNames, String[][] levels) {
    if (categoricalNames.length != levels.length) {
      throw new IllegalArgumentException(categoricalNames.length + " categorical columns but "
          + levels.length + " vocabularies");
    }
    this.numericNames = numericNames.clone();
    this.categoricalNames = categoricalNames.clone();
    this.levels = new String[levels.length][];
    blockStart = new int[levels.length];
    long n = numericNames.length;
    for (int k = 0; k < levels.length; k++) {
      this.levels[k] = levels[k].clone();
      blockStart[k] = (int) n;
      n += levels[k].length + 1L;
      if (n > Integer.MAX_VALUE - 8) {
        throw new IllegalArgumentException("one-hot encoding makes more than 2^31 features");
      }
    }
    numFeatures = (int) n;
    buildSlots();
  }

  @SuppressWarnings("unchecked")
  private void buildSlots() {
    Map<String, Integer>[] built = new Map[levels.length];
    for (int k = 0; k < levels.length; k++) {
      Map<String, Integer> m = new HashMap<>(levels[k].length * 2);
      for (int i = 0; i < levels[k].length; i++) {
        if (m.put(levels[k][i], i) != null) {
          throw new IllegalArgumentException("column '" + categoricalNames[k] + "' lists level '"
              + levels[k][i] + "' twice");
        }
      }
      built[k] = m;
    }
    slots = built; // whole: a thread that sees it set sees it filled
  }

  @Override
  public int numFeatures() {
    return numFeatures;
  }

  @Override
  public String[] numericNames() {
    return numericNames.clone();
  }

  @Override
  public String[] categoricalNames() {
    return categoricalNames.clone();
  }

  /** Per categorical column, its kept levels in feature order. */
  public String[][] levels() {
    String[][] copy = new String[levels.length][];
    for (int k = 0; k < levels.length; k++) {
      copy[k] = levels[k].clone();
    }
    return copy;
  }

  /** The numeric names, then "column=level" per kept level and "column=(other)" per column. */
  @Override
  public String[] featureNames() {
    String[] names = new String[numFeatures];
    System.arraycopy(numericNames, 0, names, 0, numericNames.length);
    for (int k = 0; k < levels.length; k++) {
      for (int i = 0; i < levels[k].length; i++) {
        names[blockStart[k] + i] = categoricalNames[k] + "=" + levels[k][i];
      }
      names[blockStart[k] + levels[k].length] = categoricalNames[k] + "=" + OTHER;
    }
    return names;
  }

  /** The feature of {@code level} (null: missing) of categorical column {@code k}. */
  public int index(int k, String level) {
    if (slots == null) {
      buildSlots(); // after deserialization on an executor: the lookup is not shipped
    }
    Integer slot = level == null ? null : slots[k].get(level);
    return blockStart[k] + (slot == null ? levels[k].length : slot);
  }

  @Override
  public void encode(ParsedRecord dense, String[] categories, ParsedRecord out) {
    if (dense.nnz != numericNames.length) {
      throw new RecordException("has " + dense.nnz + " numeric features; the encoding is for "
          + numericNames.length);
    }
    out.clear();
    out.label = dense.label;
    out.weight = dense.weight;
    for (int j = 0; j < dense.nnz; j++) {
      if (dense.values[j] != 0.0) {
        out.add(j, dense.values[j]);
      }
    }
    for (int k = 0; k < levels.length; k++) {
      out.add(index(k, categories[k]), 1.0);
    }
  }
}
