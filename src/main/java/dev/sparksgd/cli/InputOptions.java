package dev.sparksgd.cli;

import dev.sparksgd.config.ConfigException;
import dev.sparksgd.config.DataFormat;
import dev.sparksgd.config.TrainConfig;
import dev.sparksgd.model.LinearModel;
import java.util.List;
import java.util.function.Supplier;
import picocli.CommandLine.Option;

/** How predict and evaluate read --data: the input options of train, with the same names. */
final class InputOptions {
  private static final String DEFAULT_LABEL_COL = "label";

  @Option(names = "--model", required = true, paramLabel = "DIR",
      description = "Model directory: a spark-sgd model (model.json) or a Spark ML model directory.")
  String model;

  @Option(names = "--data", required = true, paramLabel = "PATH",
      description = "Input: a file, directory or glob on any Hadoop filesystem.")
  String data;

  @Option(names = "--format", paramLabel = "libsvm|csv|parquet",
      description = "Input format; default: from the file names, as for train.")
  String format;

  @Option(names = "--label-col", paramLabel = "NAME",
      description = "CSV/Parquet label column; default: the model's (label for a model that records none).")
  String labelCol;

  @Option(names = "--weight-col", paramLabel = "NAME",
      description = "CSV/Parquet column of instance weights (not a feature); '' for none. Default: for "
          + "evaluate, the column the model was trained with (which the data must then have); for predict, "
          + "none (a prediction does not depend on weights).")
  String weightCol;

  @Option(names = "--features-col", paramLabel = "NAME", defaultValue = "features",
      description = "Parquet Vector column of features, if present. Default: ${DEFAULT-VALUE}.")
  String featuresCol;

  @Option(names = "--csv-delimiter", paramLabel = "CHAR", defaultValue = ",",
      description = "CSV field delimiter: one character, or tab, as for train. Default: ${DEFAULT-VALUE}.")
  String csvDelimiter;

  @Option(names = "--num-partitions", paramLabel = "N", defaultValue = "0",
      description = "Input partitions; 0 = one per 64 MB of input, at least Spark's default "
          + "parallelism, as for train. Default: ${DEFAULT-VALUE}.")
  int numPartitions;

  /**
   * {@code cfg} reading the label from the column the model was trained with, unless --label-col
   * names one.
   */
  TrainConfig forModel(TrainConfig cfg, LinearModel model) {
    Object trained = model.options.get("label-col");
    return labelCol != null || !(trained instanceof String name) || name.isBlank() ? cfg
        : cfg.toBuilder().labelCol(name).buildForInput();
  }

  /**
   * For evaluate: {@code cfg} weighing the rows by the column the model was trained with
   * (model.json's weight-col) unless --weight-col is given ('' for unweighted), so that its
   * metrics are training's on the same rows. That column missing from the data is a user error:
   * metrics quietly unweighted would not compare with training's.
   *
   * @param columns the data's column names (null: LIBSVM, which has none)
   */
  TrainConfig weightedAsTrained(TrainConfig cfg, LinearModel model, Supplier<List<String>> columns) {
    Object trained = model.options.get("weight-col");
    if (weightCol != null || !(trained instanceof String w) || w.isBlank()) {
      return cfg;
    }
    List<String> names = columns.get();
    String how = "; give --weight-col NAME to weigh the rows by another column, or --weight-col '' to "
        + "evaluate unweighted";
    if (names == null) {
      throw new ConfigException("--data " + data + " is read as LIBSVM, which has no weight column; the model "
          + "was trained with --weight-col " + w + how);
    }
    if (!names.contains(w)) {
      throw new ConfigException("--data " + data + " has no column '" + w + "', the weight column the model "
          + "was trained with (columns: " + String.join(", ", names) + ")" + how);
    }
    return cfg.toBuilder().weightCol(w).buildForInput();
  }

  /** The input side of a run, validated before Spark starts. */
  TrainConfig toConfig() {
    return TrainConfig.builder()
        .dataPath(data)
        .format(format == null || format.isBlank() ? null : DataFormat.parse(format))
        .labelCol(labelCol != null ? labelCol : DEFAULT_LABEL_COL)
        .weightCol(weightCol)
        .featuresCol(featuresCol)
        .csvDelimiter(csvDelimiter)
        .numPartitions(numPartitions)
        .buildForInput();
  }
}
