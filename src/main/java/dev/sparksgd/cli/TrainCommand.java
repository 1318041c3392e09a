package dev.sparksgd.cli;

import dev.sparksgd.config.DataFormat;
import dev.sparksgd.config.LrSchedule;
import dev.sparksgd.config.TrainConfig;
import dev.sparksgd.data.DataLoader;
import dev.sparksgd.data.Dataset;
import dev.sparksgd.eval.Evaluation;
import dev.sparksgd.loss.Loss;
import dev.sparksgd.loss.SquaredLoss;
import dev.sparksgd.model.LinearModel;
import dev.sparksgd.model.OutputDirectory;
import dev.sparksgd.report.HistoryCsv;
import dev.sparksgd.report.RunReport;
import dev.sparksgd.train.Checkpoints;
import dev.sparksgd.train.IterationRecord;
import dev.sparksgd.train.StopReason;
import dev.sparksgd.train.TrainResult;
import dev.sparksgd.train.Trainer;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code train}: load, train, evaluate, publish the model directory. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
    versionProvider = Main.Version.class,
    description = {"Trains a linear regression by distributed mini-batch SGD and writes a model "
        + "directory (model.json, history.csv, metrics.json).",
        "Defaults come from --config FILE (default conf/sgd.properties, keys = option names "
            + "without dashes); the command line wins."},
    footerHeading = "%nExit codes:%n",
    footer = {"  0 trained, 1 other failure, 2 bad usage or input, 4 diverged (no model written)"})
public final class TrainCommand implements Callable<Integer> {
  picocli.CommandLine.Model.CommandSpec spec;

  /** Picocli hands over the spec when the CommandLine is built: the file's defaults go in here. */
  @Spec
  void spec(picocli.CommandLine.Model.CommandSpec s) {
    spec = s;
    if (defaults != null) {
      s.defaultValueProvider(defaults);
    }
  }

  @Option(names = "--data", required = true, paramLabel = "PATH",
      description = "Input: a file, directory or glob on any Hadoop filesystem.")
  String data;

  @Option(names = "--output", required = true, paramLabel = "DIR",
      description = "Model directory to write (published atomically when training succeeds).")
  String output;

  @Option(names = "--overwrite", description = "Replace --output if it exists.")
  boolean overwrite;

  @Option(names = "--config", paramLabel = "FILE",
      description = "Properties file of option defaults (default: ${DEFAULT-VALUE} if present).",
      defaultValue = ConfigFileDefaults.DEFAULT_FILE)
  String config;

  @Option(names = "--format", paramLabel = "libsvm|csv",
      description = "Input format; default: csv when the path (or every file in the directory or "
          + "glob) ends in .csv or .csv.gz, else libsvm.")
  String format;

  @Option(names = "--label-col", paramLabel = "NAME", defaultValue = "label",
      description = "CSV label column (a header row is required). Default: ${DEFAULT-VALUE}.")
  String labelCol;

  @Option(names = "--num-features", paramLabel = "N", defaultValue = "0",
      description = "LIBSVM feature count; 0 = infer from the data. Default: ${DEFAULT-VALUE}.")
  int numFeatures;

  @Option(names = "--max-iter", paramLabel = "N", defaultValue = "1000",
      description = "Maximum iterations. Default: ${DEFAULT-VALUE}.")
  int maxIter;

  @Option(names = "--step-size", paramLabel = "X", defaultValue = "0.1",
      description = "Learning rate η₀. Default: ${DEFAULT-VALUE}.")
  double stepSize;

  @Option(names = "--lr-schedule", paramLabel = "constant|inverse-sqrt", defaultValue = "constant",
      description = "η_t = η₀ (constant) or η₀/√t (inverse-sqrt, MLlib's SimpleUpdater). "
          + "Default: ${DEFAULT-VALUE}.")
  String lrSchedule;

  @Option(names = "--mini-batch-fraction", paramLabel = "F", defaultValue = "1.0",
      description = "Fraction of rows drawn per iteration, 0 < F <= 1. Default: ${DEFAULT-VALUE}.")
  double miniBatchFraction;

  @Option(names = "--reg-param", paramLabel = "X", defaultValue = "0.0",
      description = "L2 penalty λ (½λ‖w‖², intercept not penalized). Default: ${DEFAULT-VALUE}.")
  double regParam;

  @Option(names = "--fit-intercept", arity = "1", paramLabel = "true|false", defaultValue = "true",
      description = "Fit an intercept. Default: ${DEFAULT-VALUE}.")
  boolean fitIntercept;

  @Option(names = "--standardization", arity = "1", paramLabel = "true|false", defaultValue = "true",
      description = "Optimize on standardized features (on the fly; the model is reported in "
          + "original units). Default: ${DEFAULT-VALUE}.")
  boolean standardization;

  @Option(names = "--tol", paramLabel = "X", defaultValue = "1e-6",
      description = "Stop when ‖w_t − w_t−1‖ < tol·max(‖w_t‖, 1). Default: ${DEFAULT-VALUE}.")
  double tol;

  @Option(names = "--min-step-size", paramLabel = "X", defaultValue = "0.001",
      description = "Stop when the step taken ‖w_t − w_t−1‖ (optimizer space) is below X. "
          + "Default: ${DEFAULT-VALUE}.")
  double minStepSize;

  @Option(names = "--seed", paramLabel = "N", defaultValue = "42",
      description = "Seed of every random choice (mini-batches, holdout). Default: ${DEFAULT-VALUE}.")
  long seed;

  @Option(names = "--num-partitions", paramLabel = "N", defaultValue = "0",
      description = "Partitions of the cached data; 0 = Spark's default parallelism. "
          + "Default: ${DEFAULT-VALUE}.")
  int numPartitions;

  @Option(names = "--validation-fraction", paramLabel = "F", defaultValue = "0.0",
      description = "Fraction of rows held out (seeded) to report RMSE/MAE/R² on; 0 = report on "
          + "the training rows. Default: ${DEFAULT-VALUE}.")
  double validationFraction;

  @Option(names = "--checkpoint-dir", paramLabel = "DIR",
      description = "Write a checkpoint (weights, optimizer state, iteration, history) here every "
          + "--checkpoint-interval iterations, atomically, on any Hadoop filesystem.")
  String checkpointDir;

  @Option(names = "--checkpoint-interval", paramLabel = "K", defaultValue = "10",
      description = "Iterations between checkpoints. Default: ${DEFAULT-VALUE}.")
  int checkpointInterval;

  @Option(names = "--resume", description = "Continue from the newest checkpoint in --checkpoint-dir "
      + "(refused if it was made from other data or options; starts at iteration 0 if there is none).")
  boolean resume;

  private final ConfigFileDefaults defaults;
  private final PrintStream out;

  TrainCommand(ConfigFileDefaults defaults, PrintStream out) {
    this.defaults = defaults;
    this.out = out;
  }

  TrainConfig toConfig() {
    if (defaults != null) {
      defaults.check(spec);
    }
    return TrainConfig.builder()
        .dataPath(data)
        .outputPath(output)
        .overwrite(overwrite)
        .format(format == null || format.isBlank() ? null : DataFormat.parse(format))
        .labelCol(labelCol)
        .numFeatures(numFeatures)
        .maxIter(maxIter)
        .stepSize(stepSize)
        .lrSchedule(LrSchedule.parse(lrSchedule))
        .miniBatchFraction(miniBatchFraction)
        .regParam(regParam)
        .fitIntercept(fitIntercept)
        .standardization(standardization)
        .tol(tol)
        .minStepSize(minStepSize)
        .seed(seed)
        .numPartitions(numPartitions)
        .validationFraction(validationFraction)
        .checkpointDir(checkpointDir)
        .checkpointInterval(checkpointInterval)
        .resume(resume)
        .build();
  }

  @Override
  public Integer call() throws Exception {
    long start = System.currentTimeMillis();
    TrainConfig cfg = toConfig(); // every option is checked before Spark starts
    SparkSession spark = Spark.session("spark-sgd train");
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    OutputDirectory.checkWritable(sc.hadoopConfiguration(), cfg.outputPath, cfg.overwrite);
    Checkpoints.preflight(sc.hadoopConfiguration(), cfg);
    out.printf(Locale.ROOT, "spark-sgd: training on %s with Spark %s, master %s%n", cfg.dataPath,
        sc.version(), sc.master());

    Dataset data = DataLoader.load(sc, cfg);
    long loadMillis = System.currentTimeMillis() - start;
    out.printf(Locale.ROOT, "spark-sgd: %s input, %d training rows, %d holdout rows, %d features, "
        + "%d partitions (loaded in %.1f s)%n", data.format.cliName(), data.trainRows, data.holdoutRows,
        data.numFeatures,
        data.numPartitions(), loadMillis / 1000.0);
    try {
      Loss loss = SquaredLoss.INSTANCE;
      TrainResult result = new Trainer(cfg, loss).train(sc, data, this::progress);
      if (result.stopReason() == StopReason.DIVERGED) {
        IterationRecord last = result.history().get(result.history().size() - 1);
        System.err.printf(Locale.ROOT, "spark-sgd: error: training diverged at iteration %d (loss %s); "
            + "try a smaller --step-size (now %s); no model was written%n", last.iteration(),
            last.objective(), cfg.stepSize);
        return ExitCodes.DIVERGED;
      }
      Map<String, Object> options = cfg.toOptionMap();
      options.put("format", data.format.cliName());
      LinearModel model = new LinearModel(result.coefficients(), result.intercept(), loss.name(),
          data.featureNames, data.stats.mean(), data.stats.std(), options,
          result.iterations(), result.stopReason().label());
      Evaluation eval = Evaluation.of(sc, data, model, loss);
      RunReport.RunInfo info = new RunReport.RunInfo(sc.sc().applicationId(), sc.version(), sc.master(),
          cfg.dataPath, cfg.outputPath, data.trainRows, data.holdoutRows, data.numPartitions(),
          data.cachedBytes, loadMillis, System.currentTimeMillis() - start);
      Map<String, String> files = new LinkedHashMap<>();
      files.put("model.json", model.toJson());
      files.put("history.csv", HistoryCsv.render(result.history()));
      files.put("metrics.json", RunReport.metricsJson(info, model, result, eval));
      OutputDirectory.publish(sc.hadoopConfiguration(), cfg.outputPath, cfg.overwrite, files);
      RunReport.printSummary(out, info, result, eval);
      out.println("  model          " + cfg.outputPath + " (model.json, history.csv, metrics.json)");
      return ExitCodes.OK;
    } finally {
      data.release();
    }
  }

  private void progress(IterationRecord r, int maxIter) {
    out.printf(Locale.ROOT, "iter %d/%d  loss %.6g  step-size %.4g  step %.4g  grad %.4g  rows %d  %d ms%n",
        r.iteration(), maxIter, r.loss(), r.stepSize(), r.stepNorm(), r.gradNorm(), r.batchRows(),
        r.millis());
  }
}
