package dev.sparksgd.cli;

import dev.sparksgd.data.CategoricalEncoder;
import dev.sparksgd.data.Dataset;
import dev.sparksgd.data.FeatureHashing;
import dev.sparksgd.data.MissingValues;
import dev.sparksgd.data.OneHotEncoding;
import dev.sparksgd.model.HashedFeatures;
import dev.sparksgd.model.LinearModel;
import dev.sparksgd.model.MissingFill;
import dev.sparksgd.model.OneHotFeatures;
import java.util.Arrays;

/**
 * Carries how raw rows become features (fill values, hashing, one-hot vocabularies) between the
 * loaded data and model.json.
 */
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
    String[] numeric = data.encoder() != null ? data.encoder().numericNames() : data.featureNames;
    return new MissingFill(strategy, Arrays.copyOf(numeric, mv.numColumns()), mv.fill(), mv.indicators());
  }

  /** What model.json records of how {@code data}'s rows were hashed (null: not hashed). */
  static HashedFeatures hashing(Dataset data) {
    FeatureHashing h = data.hashing();
    return h == null ? null : new HashedFeatures(h.numFeatures(), numericColumns(data), h.categoricalNames());
  }

  /** What model.json records of how {@code data}'s categorical columns were one-hot encoded (null: not). */
  static OneHotFeatures oneHot(Dataset data) {
    OneHotEncoding o = data.oneHot();
    return o == null ? null : new OneHotFeatures(numericColumns(data), o.categoricalNames(), o.levels());
  }

  /** The numeric input columns of encoded data (its numeric features without the indicators). */
  private static String[] numericColumns(Dataset data) {
    String[] numeric = data.encoder().numericNames();
    return data.missing() == null ? numeric : Arrays.copyOf(numeric, data.missing().numColumns());
  }

  /** How a model fills the rows it scores (null: it refuses missing values). */
  static MissingValues toData(MissingFill fill) {
    return fill == null ? null : new MissingValues(fill.fill, fill.indicator);
  }

  /** How a model encodes the categorical columns of the rows it scores (null: it has none). */
  static CategoricalEncoder encoder(LinearModel model) {
    if (model.hashing == null && model.oneHot == null) {
      return null;
    }
    String[] columns = model.inputColumns();
    MissingValues fill = toData(model.missing);
    String[] numeric = fill == null ? columns : fill.featureNames(columns);
    return model.hashing != null
        ? new FeatureHashing(model.hashing.numFeatures, numeric, model.hashing.categoricalColumns)
        : new OneHotEncoding(numeric, model.oneHot.categoricalColumns, model.oneHot.levels);
  }
}
