package dev.sparksgd.cli;

import dev.sparksgd.config.ConfigException;
import dev.sparksgd.config.TrainConfig;
import dev.sparksgd.data.DataLoader;
import dev.sparksgd.data.LocatedRecords;
import dev.sparksgd.model.LinearModel;
import dev.sparksgd.model.ModelReader;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code predict}: distributed scoring of a data set with a model; one output row per input record. */
@Command(name = "predict", mixinStandardHelpOptions = true, sortOptions = false,
    versionProvider = Main.Version.class,
    description = {"Scores --data with --model and writes, per input record: file, its line number "
        + "(LIBSVM, CSV; 1-based) or row_index (Parquet; 0-based), the label when the input has one, "
        + "the prediction, and for logistic regression the probability of the positive class.",
        "The output is Parquet when its name ends in .parquet, else CSV with a header; either way a "
            + "directory of part files written by Spark."})
public final class PredictCommand implements Callable<Integer> {
  @Mixin
  InputOptions input;

  @Option(names = "--output", required = true, paramLabel = "PATH",
      description = "Where to write the predictions (.parquet = Parquet, else CSV).")
  String output;

  @Option(names = "--overwrite", description = "Replace --output if it exists.")
  boolean overwrite;

  private final PrintStream out;

  PredictCommand(PrintStream out) {
    this.out = out;
  }

  /** The rows of {@code cfg.dataPath} as {@code model} reads them: its columns by name, filled and encoded. */
  static LocatedRecords records(JavaSparkContext sc, TrainConfig cfg, LinearModel model) {
    return LocatedRecords.open(sc, cfg, model.numFeatures(),
        model.hashing != null || model.oneHot != null ? model.inputColumns() : model.featureNames,
        MissingFills.toData(model.missing), MissingFills.encoder(model));
  }

  @Override
  public Integer call() throws Exception {
    TrainConfig cfg = input.toConfig();
    if (output == null || output.isBlank()) {
      throw new ConfigException("--output is required");
    }
    boolean parquet = output.toLowerCase(Locale.ROOT).replaceAll("/+$", "").endsWith(".parquet");
    SparkSession spark = Spark.session("spark-sgd predict");
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Path outPath = new Path(output);
    FileSystem fs = outPath.getFileSystem(sc.hadoopConfiguration());
    if (fs.exists(outPath) && !overwrite) {
      throw new ConfigException("--output " + output + " already exists; give --overwrite to replace it");
    }
    LinearModel model = ModelReader.read(sc.hadoopConfiguration(), input.model, "--model");
    cfg = input.forModel(cfg, model);
    LocatedRecords in = records(sc, cfg, model);
    final boolean withLabel = in.hasLabel;
    final boolean withProbability = model.loss.equals("logistic");
    List<StructField> fields = new ArrayList<>();
    fields.add(DataTypes.createStructField("file", DataTypes.StringType, false));
    fields.add(DataTypes.createStructField(in.positionName, DataTypes.LongType, false));
    if (withLabel) {
      fields.add(DataTypes.createStructField("label", DataTypes.DoubleType, false));
    }
    fields.add(DataTypes.createStructField("prediction", DataTypes.DoubleType, false));
    if (withProbability) {
      fields.add(DataTypes.createStructField("probability", DataTypes.DoubleType, false));
    }
    LongAccumulator count = sc.sc().longAccumulator("predictions");
    int partitions = DataLoader.partitions(sc, cfg);
    JavaRDD<Row> rows = in.map(sc, partitions, (file, position, rec) -> {
      double margin = model.margin(rec.nnz, rec.indices, rec.values);
      Object[] v = new Object[3 + (withLabel ? 1 : 0) + (withProbability ? 1 : 0)];
      int k = 0;
      v[k++] = file;
      v[k++] = position;
      if (withLabel) {
        v[k++] = rec.label;
      }
      v[k++] = model.predictFromMargin(margin);
      if (withProbability) {
        v[k++] = model.probabilityFromMargin(margin);
      }
      count.add(1);
      return RowFactory.create(v);
    });
    var writer = spark.createDataFrame(rows, new StructType(fields.toArray(new StructField[0])))
        .write().mode(overwrite ? SaveMode.Overwrite : SaveMode.ErrorIfExists);
    sc.setJobDescription("predict");
    try {
      if (parquet) {
        writer.parquet(output);
      } else {
        writer.option("header", "true").csv(output);
      }
    } finally {
      sc.setJobDescription(null);
    }
    out.printf(Locale.ROOT, "spark-sgd: wrote %d predictions of the %s (%s) to %s (%s)%n", count.value(),
        model.modelType(), input.model, output, parquet ? "parquet" : "csv");
    return ExitCodes.OK;
  }
}
