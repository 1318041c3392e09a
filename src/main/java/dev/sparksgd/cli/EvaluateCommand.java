package dev.sparksgd.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.sparksgd.config.ConfigException;
import dev.sparksgd.config.DataFormat;
import dev.sparksgd.config.LossType;
import dev.sparksgd.config.TrainConfig;
import dev.sparksgd.data.DataLoader;
import dev.sparksgd.data.Dataset;
import dev.sparksgd.eval.ModelMetrics;
import dev.sparksgd.model.LinearModel;
import dev.sparksgd.model.ModelReader;
import dev.sparksgd.model.OutputDirectory;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code evaluate}: a model's metrics on labelled data, by Spark MLlib's metrics classes. */
@Command(name = "evaluate", mixinStandardHelpOptions = true, sortOptions = false,
    versionProvider = Main.Version.class,
    description = {"Prints (and with --output writes) as JSON the metrics of --model on --data: "
        + "RMSE, MSE, MAE, R², explained variance for a regression; log loss (logistic), accuracy, "
        + "precision, recall, F1 of the positive class and the areas under the ROC and PR curves "
        + "for a classifier. Computed by Spark MLlib's RegressionMetrics, MulticlassMetrics and "
        + "BinaryClassificationMetrics; --weight-col weights the rows."})
public final class EvaluateCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  @Mixin
  InputOptions input;

  @Option(names = "--output", paramLabel = "FILE",
      description = "Also write the JSON to this file (any Hadoop path).")
  String output;

  @Option(names = "--overwrite", description = "Replace --output if it exists.")
  boolean overwrite;

  private final PrintStream out;

  EvaluateCommand(PrintStream out) {
    this.out = out;
  }

  @Override
  public Integer call() throws Exception {
    TrainConfig cfg = input.toConfig();
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(Spark.session("spark-sgd evaluate").sparkContext());
    Path outPath = output == null ? null : new Path(output);
    if (outPath != null && outPath.getFileSystem(sc.hadoopConfiguration()).exists(outPath) && !overwrite) {
      throw new ConfigException("--output " + output + " already exists; give --overwrite to replace it");
    }
    LinearModel model = ModelReader.read(sc.hadoopConfiguration(), input.model, "--model");
    // The model's loss decides how labels are checked (0/1 or -1/+1 for a classifier).
    cfg = input.forModel(cfg, model).toBuilder().loss(LossType.parse(model.loss)).buildForInput();
    Dataset data = DataLoader.load(sc, cfg, model.inputColumns(), MissingFills.toData(model.missing),
        MissingFills.encoder(model));
    try {
      checkFeatures(data, cfg.dataPath, model);
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("model", input.model);
      m.put("data", cfg.dataPath);
      m.put("modelType", model.modelType());
      m.put("loss", model.loss);
      if (model.isClassifier()) {
        m.put("labelEncoding", data.labelEncoding);
      }
      m.putAll(ModelMetrics.of(data.blocks, false, model));
      String json = JSON.writeValueAsString(m) + "\n";
      if (outPath != null) {
        OutputDirectory.publishFile(sc.hadoopConfiguration(), output, overwrite,
            json.getBytes(StandardCharsets.UTF_8), "the evaluation report");
      }
      out.print(json);
      return ExitCodes.OK;
    } finally {
      data.release();
    }
  }

  private static void checkFeatures(Dataset data, String path, LinearModel model) {
    if (data.featureNames != null && model.featureNames != null
        && !Arrays.equals(data.featureNames, model.featureNames)) {
      throw new ConfigException("--data " + path + ": the feature columns are " + String.join(",", data.featureNames)
          + "; the model was trained on " + String.join(",", model.featureNames));
    }
    if (data.format == DataFormat.LIBSVM ? data.numFeatures > model.numFeatures()
        : data.numFeatures != model.numFeatures()) {
      throw new ConfigException("--data " + path + " has " + data.numFeatures + " features; the model has "
          + model.numFeatures());
    }
  }
}
