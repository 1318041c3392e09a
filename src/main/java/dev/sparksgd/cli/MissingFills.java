package dev.sparksgd.cli;

import dev.sparksgd.data.MissingValues;
import dev.sparksgd.model.MissingFill;
import java.util.Arrays;

/** Carries the fill values of missing values between the loaded data and model.json. */
final class MissingFills {
  private MissingFills() {
  }

  /** What model.json records of {@code mv} (null: none), the columns being the first features. */
  static MissingFill toModel(MissingValues mv, String strategy, String[] featureNames) {
    if (mv == null) {
      return null;
    }
    return new MissingFill(strategy, Arrays.copyOf(featureNames, mv.numColumns()), mv.fill(), mv.indicators());
  }

  /** How a model fills the rows it scores (null: it refuses missing values). */
  static MissingValues toData(MissingFill fill) {
    return fill == null ? null : new MissingValues(fill.fill, fill.indicator);
  }
}
