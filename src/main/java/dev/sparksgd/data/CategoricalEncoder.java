package dev.sparksgd.data;

import java.io.Serializable;

/**
 * How the numbers and the categories of a raw row become its sparse features; the same object
 * encodes the training rows and, rebuilt from the model, the rows to score.
 */
public interface CategoricalEncoder extends Serializable {
  /** The size of the feature space. */
  int numFeatures();

  /** The numeric features (columns, then any missing-value indicators), as handed over. */
  String[] numericNames();

  /** The categorical columns, in the order their values are handed over. */
  String[] categoricalNames();

  /** A name per feature, or null when features have no single source (hashing). */
  String[] featureNames();

  /**
   * The features of a row into {@code out}, sparse with increasing indices and no zeros: from the
   * dense numeric features of {@code dense} (one per numeric name, in order, none missing) and the
   * categories {@code categories} (null: missing); label and weight carried over.
   */
  void encode(ParsedRecord dense, String[] categories, ParsedRecord out);
}
