package dev.sparksgd.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.feature.FeatureHasher;
import org.apache.spark.ml.feature.ImputerModel;
import org.apache.spark.ml.feature.OneHotEncoderModel;
import org.apache.spark.ml.feature.SQLTransformer;
import org.apache.spark.ml.feature.StringIndexerModel;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.util.Identifiable;

/**
 * A model trained on raw columns as a spark.ml {@code PipelineModel} of spark.ml's own stages,
 * which computes from the raw table (CSV read with a header, or Parquet; columns found by name)
 * the features our {@code predict} computes:
 * <ol>
 * <li>{@code SQLTransformer} "input": keeps the whole input row in one struct column, and casts
 *     the model's numeric columns to double and its categorical columns to string. A null where
 *     the model refuses missing values, and a value that is not a finite number, fail the job as
 *     our readers refuse the row. With missing-value indicators, also the 0/1 column
 *     {@code missing(c)} per indicated column.</li>
 * <li>{@code ImputerModel} (with --missing): the stored fill values as its surrogates, nothing
 *     refitted; it writes the filled columns under their own names.</li>
 * <li>hashing: {@code FeatureHasher} of the numeric columns and indicators (hashed at their names)
 *     and the categorical columns ("column=value"), a null category adding nothing; or one-hot:
 *     {@code StringIndexerModel} with our vocabularies as its labels (handleInvalid keep: an
 *     unseen level and a missing cell get the index after the levels, our "(other)" slot), then
 *     {@code OneHotEncoderModel} (one category more than the levels, dropLast false), then
 *     {@code VectorAssembler} of numbers, indicators and the one-hot vectors in feature order; or,
 *     without categorical columns, {@code VectorAssembler} of numbers and indicators.</li>
 * <li>the linear model as {@link SparkMlModels} makes it (model.json's weights, in its order).</li>
 * <li>{@code SQLTransformer} "output": the input row's columns again, then the features and the
 *     model's output columns.</li>
 * </ol>
 */
final class SparkMlPipeline {
  /** The struct column that carries the input row through the stages. */
  private static final String INPUT = "__sgd_input";

  private SparkMlPipeline() {
  }

  /** Whether {@code model} reads raw columns (missing values or categorical columns) and so needs a pipeline. */
  static boolean needed(LinearModel model) {
    return model.missing != null || model.hashing != null || model.oneHot != null;
  }

  /**
   * @param linear the linear model stage, whose features column is {@code featuresCol} and whose
   *     output columns are {@code outputCols}
   */
  static PipelineModel of(LinearModel model, Model<?> linear, String featuresCol, List<String> outputCols) {
    String[] numeric = model.inputColumns();
    String[] categorical = model.categoricalColumns();
    MissingFill fill = model.missing;
    boolean allowMissing = fill != null;
    Set<String> taken = new HashSet<>(Arrays.asList(numeric));
    taken.addAll(Arrays.asList(categorical));
    taken.add(featuresCol);
    taken.addAll(outputCols);
    List<String> indicators = new ArrayList<>();
    List<String> indicated = new ArrayList<>();
    for (int j = 0; fill != null && j < fill.columns.length; j++) {
      if (fill.indicator[j]) {
        // FeatureHasher hashes a numeric column at its name: the name our hashing gives an indicator.
        indicators.add("missing(" + fill.columns[j] + ")");
        indicated.add(fill.columns[j]);
      }
    }
    taken.addAll(indicators);
    String input = fresh(INPUT, taken);
    boolean imputes = fill != null && numeric.length > 0;
    String[] toFill = new String[numeric.length];
    for (int j = 0; j < numeric.length; j++) {
      toFill[j] = imputes ? fresh("__sgd_raw_" + numeric[j], taken) : numeric[j];
    }

    StringBuilder sql = new StringBuilder("SELECT struct(*) AS ").append(quote(input));
    for (int j = 0; j < numeric.length; j++) {
      sql.append(", ").append(number(numeric[j], allowMissing)).append(" AS ").append(quote(toFill[j]));
    }
    for (int k = 0; k < indicators.size(); k++) {
      sql.append(", CASE WHEN ").append(quote(indicated.get(k))).append(" IS NULL THEN 1.0D ELSE 0.0D END AS ")
          .append(quote(indicators.get(k)));
    }
    for (String c : categorical) {
      sql.append(", ").append(category(c, allowMissing)).append(" AS ").append(quote(c));
    }
    sql.append(" FROM __THIS__");
    List<Transformer> stages = new ArrayList<>();
    stages.add(new SQLTransformer(Identifiable.randomUID("sql_input")).setStatement(sql.toString()));

    if (imputes) {
      ImputerModel imputer = ImputerModels.of(Identifiable.randomUID("imputer"), toFill, fill.fill);
      imputer.setInputCols(toFill).setOutputCols(numeric);
      if (fill.strategy.equals("mean") || fill.strategy.equals("median")) {
        imputer.set(imputer.strategy(), fill.strategy); // "zero" has no name in spark.ml: its surrogates are 0
      }
      stages.add(imputer);
    }
    List<String> numbers = new ArrayList<>(Arrays.asList(numeric));
    numbers.addAll(indicators);
    if (model.hashing != null) {
      List<String> all = new ArrayList<>(numbers);
      all.addAll(Arrays.asList(categorical));
      stages.add(new FeatureHasher(Identifiable.randomUID("featureHasher"))
          .setInputCols(all.toArray(new String[0])).setCategoricalCols(categorical)
          .setNumFeatures(model.hashing.numFeatures).setOutputCol(featuresCol));
    } else {
      List<String> assembled = new ArrayList<>(numbers);
      if (model.oneHot != null) {
        String[] indexed = new String[categorical.length];
        String[] vectors = new String[categorical.length];
        int[] sizes = new int[categorical.length];
        for (int k = 0; k < categorical.length; k++) {
          indexed[k] = fresh(categorical[k] + "__index", taken);
          vectors[k] = fresh(categorical[k] + "__onehot", taken);
          sizes[k] = model.oneHot.levels[k].length + 1; // the levels, then "(other)"
        }
        StringIndexerModel indexer = new StringIndexerModel(Identifiable.randomUID("strIdx"), model.oneHot.levels)
            .setInputCols(categorical).setOutputCols(indexed).setHandleInvalid("keep");
        OneHotEncoderModel encoder = new OneHotEncoderModel(Identifiable.randomUID("oneHotEncoder"), sizes)
            .setInputCols(indexed).setOutputCols(vectors).setHandleInvalid("error");
        encoder.set(encoder.dropLast(), false);
        stages.add(indexer);
        stages.add(encoder);
        assembled.addAll(Arrays.asList(vectors));
      }
      // No nulls reach it: the input stage refuses them or the imputer filled them.
      stages.add(new VectorAssembler(Identifiable.randomUID("vecAssembler"))
          .setInputCols(assembled.toArray(new String[0])).setOutputCol(featuresCol).setHandleInvalid("error"));
    }
    stages.add(linear);
    StringBuilder out = new StringBuilder("SELECT ").append(quote(input)).append(".*, ").append(quote(featuresCol));
    for (String c : outputCols) {
      out.append(", ").append(quote(c));
    }
    out.append(" FROM __THIS__");
    stages.add(new SQLTransformer(Identifiable.randomUID("sql_output")).setStatement(out.toString()));
    return new PipelineModel(Identifiable.randomUID("pipeline"), stages.toArray(new Transformer[0]));
  }

  /**
   * Column {@code c} as a double: null stays null where the model fills missing values, else the
   * job fails; a value that is not a finite number fails it (as our readers refuse the row).
   */
  private static String number(String c, boolean allowMissing) {
    String q = quote(c);
    String d = "CAST(" + q + " AS DOUBLE)";
    return "CASE WHEN " + q + " IS NULL THEN "
        + (allowMissing ? "CAST(NULL AS DOUBLE)" : fail("missing value in column '" + c
            + "' (the model was trained without --missing)"))
        + " WHEN " + d + " IS NULL OR isnan(" + d + ") OR abs(" + d + ") = CAST('Infinity' AS DOUBLE) THEN "
        + fail("column '" + c + "' holds a value that is not a finite number")
        + " ELSE " + d + " END";
  }

  /** Column {@code c} as a string; null where the model fills missing values, else the job fails. */
  private static String category(String c, boolean allowMissing) {
    String q = quote(c);
    return "CASE WHEN " + q + " IS NULL THEN "
        + (allowMissing ? "CAST(NULL AS STRING)" : fail("missing value in column '" + c
            + "' (the model was trained without --missing)"))
        + " ELSE CAST(" + q + " AS STRING) END";
  }

  private static String fail(String message) {
    return "raise_error('" + message.replace("\\", "\\\\").replace("'", "\\'") + "')";
  }

  static String quote(String name) {
    return "`" + name.replace("`", "``") + "`";
  }

  /** {@code name}, or it with more underscores, so that it is none of {@code taken}; then taken. */
  private static String fresh(String name, Set<String> taken) {
    String n = name;
    while (taken.contains(n)) {
      n = "_" + n;
    }
    taken.add(n);
    return n;
  }
}
