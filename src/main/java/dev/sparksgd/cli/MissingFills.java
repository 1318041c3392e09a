package dev.sparksgd.cli;

import dev.sparksgd.data.Dataset;
import dev.sparksgd.data.FeatureHashing;
import dev.sparksgd.data.MissingValues;
import dev.sparksgd.model.HashedFeatures;
import dev.sparksgd.model.MissingFill;
import java.util.Arrays;

/** Carries how raw rows become features (fill values, hashing) between the loaded data and model.json. */
final class MissingFills {
  private MissingFills() {
  }

  /**
   * What model.json records of {@code mv} (null: none), the columns being the first numeric
   * features of {@code data}.
   */
  static MissingFill toModel(MissingValues mv, String strategy, Dataset data) {
    if (mv == null) {
      return null;
    }
    String[] numeric = data.hashing() != null ? data.hashing().numericNames() : data.featureNames;
    return new MissingFill(strategy, Arrays.copyOf(numeric, mv.numColumns()), mv.fill(), mv.indicators());
  }

  /** What model.json records of how {@code data}'s rows were hashed (null: not hashed). */
  static HashedFeatures hashing(Dataset data) {
    FeatureHashing h = data.hashing();
    if (h == null) {
      return null;
    }
    String[] numeric = h.numericNames();
    if (data.missing() != null) {
      numeric = Arrays.copyOf(numeric, data.missing().numColumns());
    }
    return new HashedFeatures(h.numFeatures(), numeric, h.categoricalNames());
  }

  /** How a model fills the rows it scores (null: it refuses missing values). */
  static MissingValues toData(MissingFill fill) {
    return fill == null ? null : new MissingValues(fill.fill, fill.indicator);
  }
}
