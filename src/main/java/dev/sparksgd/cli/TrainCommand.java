package dev.sparksgd.cli;

import dev.sparksgd.config.TrainConfig;
import dev.sparksgd.config.TrainOption;
import dev.sparksgd.data.DataLoader;
import dev.sparksgd.data.Dataset;
import dev.sparksgd.eval.Evaluation;
import dev.sparksgd.eval.QualityGate;
import dev.sparksgd.eval.ModelMetrics;
import dev.sparksgd.loss.Loss;
import dev.sparksgd.loss.Losses;
import dev.sparksgd.model.LinearModel;
import dev.sparksgd.model.ModelDirectory;
import dev.sparksgd.model.OutputDirectory;
import dev.sparksgd.report.Redact;
import dev.sparksgd.report.ReportFiles;
import dev.sparksgd.model.ModelReader;
import dev.sparksgd.model.SparkMlModels;
import dev.sparksgd.report.HistoryCsv;
import dev.sparksgd.report.RunReport;
import dev.sparksgd.train.Cancellation;
import dev.sparksgd.train.Checkpoints;
import dev.sparksgd.train.IterationRecord;
import dev.sparksgd.train.StopReason;
import dev.sparksgd.train.TrainResult;
import dev.sparksgd.train.Trainer;
import dev.sparksgd.train.TrainingListener;
import dev.sparksgd.train.WarmStart;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code train}: load, train, evaluate, publish the model directory. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
    versionProvider = Main.Version.class,
    description = {"Trains a linear model (regression, logistic regression or linear SVM) by "
        + "distributed mini-batch SGD and writes a model directory (model.json, history.csv, "
        + "metrics.json, loss.png, report.html, sparkml/).",
        "Defaults come from --config FILE (default conf/sgd.properties, keys = option names "
            + "without dashes); the command line wins."},
    footerHeading = "%nExit codes:%n",
    footer = {"  0 trained, 1 other failure, 2 bad usage or input, 3 quality gate refused the new "
        + "model (not published), 4 diverged (no model written), 5 out of memory, 6 could not write the "
        + "model, a checkpoint or a report (the earlier model untouched), 130 stopped by SIGINT "
        + "(Ctrl-C), 143 stopped by SIGTERM (both: stopped at the iteration boundary, checkpoint written "
        + "with --checkpoint-dir, nothing published; rerun with --resume to continue)"})
public final class TrainCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(TrainCommand.class);
  /** How long a stopped run waits for the tasks of its cancelled job to end before Spark stops. */
  static final long TASKS_END_MILLIS = 5_000;
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

  @Option(names = "--format", paramLabel = "libsvm|csv|parquet",
      description = "Input format; default: csv when the path (or every file in the directory or "
          + "glob) ends in .csv or .csv.gz, parquet likewise for .parquet, else libsvm.")
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

  @Option(names = "--step-size", paramLabel = "X|auto|default", defaultValue = TrainConfig.DEFAULT,
      description = "Learning rate η₀; auto: try rates from large to small on a seeded sample "
          + "and keep the largest whose double still lowers the loss steadily; default: 1/L for "
          + "mini-batch gradient steps of sgd, momentum ((1 - momentum)/L) or nesterov on squared or "
          + "logistic loss, L the curvature of a sampled batch, else 0.1. Default: ${DEFAULT-VALUE}.")
  String stepSize;

  @Option(names = "--lr-schedule", paramLabel = "SCHEDULE", defaultValue = "auto",
      description = "constant: η₀; inverse-sqrt: η₀/√t (MLlib's SimpleUpdater); inverse-time: "
          + "η₀/(1+decay·t); exponential: η₀·decay^t; step: η₀·decay^⌊t/decay-steps⌋; adaptive: "
          + "bold driver (reject a step that raised the loss and halve η, else grow η by 5%%; full "
          + "batch); bb: Barzilai-Borwein, η_t = s·s/s·y "
          + "from the last move s and gradient change y (η₀ for the first step; full batch, optimizer "
          + "sgd), a step above the last 10 accepted objectives rejected and η halved; lbfgs: "
          + "L-BFGS directions (OWL-QN with L1; 10 pairs; full batch, optimizer sgd), η₀ for the first "
          + "step, then 1, halved while a step raises the objective; plateau: η₀, halved after "
          + "2 epochs in a row (of ⌈1/mini-batch-fraction⌉ iterations) whose mean objective is not below "
          + "the lowest so far; auto: lbfgs where it applies, plateau for mini-batches, else "
          + "constant. Default: ${DEFAULT-VALUE}.")
  String lrSchedule;

  @Option(names = "--mini-batch-fraction", paramLabel = "F", defaultValue = "1.0",
      description = "Fraction of rows drawn per iteration, 0 < F <= 1. Default: ${DEFAULT-VALUE}.")
  double miniBatchFraction;

  @Option(names = "--reg-param", paramLabel = "X", defaultValue = "0.0",
      description = "Penalty λ as spark.ml's regParam: λ·(α‖w‖₁ + (1−α)/2·‖w‖²/σ_y), σ_y = the "
          + "label's std for squared loss (intercept not penalized). Default: ${DEFAULT-VALUE}.")
  double regParam;

  @Option(names = "--fit-intercept", arity = "1", paramLabel = "true|false", defaultValue = "true",
      description = "Fit an intercept. Default: ${DEFAULT-VALUE}.")
  boolean fitIntercept;

  @Option(names = "--standardization", arity = "1", paramLabel = "true|false", defaultValue = "true",
      description = "As spark.ml: the penalty acts on the standardized weights (true) or on the raw "
          + "coefficients (false); the optimizer works on standardized features either way. "
          + "Default: ${DEFAULT-VALUE}.")
  boolean standardization;

  @Option(names = "--precondition", arity = "1", paramLabel = "true|false", defaultValue = "true",
      description = "Optimize on standardized features (on the fly; the model is reported in "
          + "original units); false: on the raw features, as MLlib's GradientDescent. "
          + "Default: ${DEFAULT-VALUE}.")
  boolean precondition;

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
      description = "Partitions of the cached data; 0 = one per 64 MB of input, at least Spark's "
          + "default parallelism (the count is logged; give it to get the same model bits on "
          + "another cluster). Default: ${DEFAULT-VALUE}.")
  int numPartitions;

  @Option(names = "--storage-level", paramLabel = "LEVEL", defaultValue = "MEMORY_AND_DISK",
      description = "How the cached blocks are kept: MEMORY_AND_DISK (what does not fit in memory "
          + "goes to local disk), MEMORY_AND_DISK_SER, DISK_ONLY, MEMORY_ONLY or MEMORY_ONLY_SER "
          + "(what does not fit is read again from the input each pass). The model is the same. "
          + "Default: ${DEFAULT-VALUE}.")
  String storageLevel;

  @Option(names = "--feature-precision", paramLabel = "float64|float32", defaultValue = "float64",
      description = "How the cached blocks store feature values: float64 (the values as read), or "
          + "float32 (each value rounded once to the nearest float: half the bytes per pass, and "
          + "the model is the one of the rounded features; labels, weights and every sum stay "
          + "double). Default: ${DEFAULT-VALUE}.")
  String featurePrecision;

  @Option(names = "--validation-fraction", paramLabel = "F", defaultValue = "0.0",
      description = "Fraction of rows held out (seeded) to report RMSE/MAE/R² on; 0 = report on "
          + "the training rows. Also used for early stopping (see validation-interval). "
          + "Default: ${DEFAULT-VALUE}.")
  double validationFraction;

  @Option(names = "--optimizer", paramLabel = "sgd|momentum|nesterov|adagrad|rmsprop|adam",
      defaultValue = "sgd", description = "Update rule. Default: ${DEFAULT-VALUE}.")
  String optimizer;

  @Option(names = "--momentum", paramLabel = "X", defaultValue = "0.9",
      description = "Momentum μ of momentum and nesterov, 0 <= μ < 1. Default: ${DEFAULT-VALUE}.")
  double momentum;

  @Option(names = "--beta1", paramLabel = "X", defaultValue = "0.9",
      description = "Adam's first-moment decay, 0 <= β₁ < 1. Default: ${DEFAULT-VALUE}.")
  double beta1;

  @Option(names = "--beta2", paramLabel = "X", defaultValue = "0.999",
      description = "Adam's second-moment decay, 0 <= β₂ < 1. Default: ${DEFAULT-VALUE}.")
  double beta2;

  @Option(names = "--rho", paramLabel = "X", defaultValue = "0.99",
      description = "RMSprop's decay of the mean squared gradient, 0 <= ρ < 1. Default: ${DEFAULT-VALUE}.")
  double rho;

  @Option(names = "--epsilon", paramLabel = "X", defaultValue = "1e-8",
      description = "ε added to the denominator of adagrad, rmsprop and adam (> 0). Default: ${DEFAULT-VALUE}.")
  double epsilon;

  @Option(names = "--averaging", arity = "1", paramLabel = "true|false", defaultValue = "false",
      description = "Polyak-Ruppert averaging: the model is the mean of the iterates. Default: ${DEFAULT-VALUE}.")
  boolean averaging;

  @Option(names = "--averaging-start", paramLabel = "N", defaultValue = "1",
      description = "First iteration whose iterate enters the average (later keeps the early, "
          + "far-off iterates out). Default: ${DEFAULT-VALUE}.")
  int averagingStart;

  @Option(names = "--decay", paramLabel = "X", defaultValue = "0.99",
      description = "Decay of the inverse-time, exponential and step schedules. Default: ${DEFAULT-VALUE}.")
  double decay;

  @Option(names = "--decay-steps", paramLabel = "N", defaultValue = "100",
      description = "Iterations per decay of the step schedule. Default: ${DEFAULT-VALUE}.")
  int decaySteps;

  @Option(names = "--elastic-net-param", paramLabel = "A", defaultValue = "0.0",
      description = "Elastic-net mixing α as spark.ml: 0 = L2, 1 = L1 (exact zeros by soft-thresholding). "
          + "Default: ${DEFAULT-VALUE}.")
  double elasticNetParam;

  @Option(names = "--update-mode", paramLabel = "gradient|model-averaging", defaultValue = "gradient",
      description = "gradient: sum mini-batch gradients over the partitions; model-averaging: each "
          + "task runs per-example SGD from the broadcast weights and the driver averages the "
          + "weights. Default: ${DEFAULT-VALUE}.")
  String updateMode;

  @Option(names = "--local-steps", paramLabel = "K", defaultValue = "0",
      description = "model-averaging: per-example steps per task and iteration; 0 = one per sampled "
          + "row. Default: ${DEFAULT-VALUE}.")
  int localSteps;

  @Option(names = "--prefetch-mb", paramLabel = "MB", defaultValue = "64",
      description = "Driver memory for training rows held on the driver. When the cached data fits, "
          + "it is fetched once and every iteration runs on the driver's cores without a Spark job; "
          + "else the iterations run as a gang of long-running tasks when every partition has a task "
          + "slot, or mini-batches (fraction < 1) are drawn ahead, so one Spark job serves as many "
          + "iterations as fit. The same model bits either way. 0 = no rows on the driver. "
          + "Default: ${DEFAULT-VALUE}.")
  int prefetchMb;

  @Option(names = "--loss-tol", paramLabel = "X", defaultValue = "0.0",
      description = "Stop when the loss changed by less than X (relative) over the last patience iterations; "
          + "0 = off. Default: ${DEFAULT-VALUE}.")
  double lossTol;

  @Option(names = "--patience", paramLabel = "N", defaultValue = "5",
      description = "Iterations for loss-tol, and validation evaluations without improvement for "
          + "early stopping. Default: ${DEFAULT-VALUE}.")
  int patience;

  @Option(names = "--grad-tol", paramLabel = "X", defaultValue = "0.0",
      description = "Stop when the gradient norm (optimizer space) is below X; 0 = off. Default: ${DEFAULT-VALUE}.")
  double gradTol;

  @Option(names = "--validation-interval", paramLabel = "N", defaultValue = "10",
      description = "With a validation fraction: evaluate the holdout loss every N iterations, stop "
          + "after patience evaluations without improvement and keep the best weights; 0 = no "
          + "early stopping. Default: ${DEFAULT-VALUE}.")
  int validationInterval;

  @Option(names = "--max-time", paramLabel = "DURATION", defaultValue = "0",
      description = "Stop cleanly after this long (e.g. 90s, 30m, 2h) with the best model so far; "
          + "0 = no limit. Default: ${DEFAULT-VALUE}.")
  String maxTime;
  @Option(names = "--bad-records", paramLabel = "fail|skip", defaultValue = "fail",
      description = "A bad input record stops the run (fail) or is counted, reported and left out "
          + "(skip). Default: ${DEFAULT-VALUE}.")
  String badRecords;

  @Option(names = "--max-bad-records", paramLabel = "N", defaultValue = "100",
      description = "In skip mode: fail once more than N records were skipped. "
          + "Default: ${DEFAULT-VALUE}.")
  long maxBadRecords;

  @Option(names = "--baseline-model", paramLabel = "DIR",
      description = "Quality gate: a model directory to compare with on the same rows (holdout, or "
          + "training rows without one); the new model is published only if it is not worse by more "
          + "than --max-regression, else exit code 3.")
  String baselineModel;

  @Option(names = "--max-regression", paramLabel = "X", defaultValue = "0.0",
      description = "Quality gate: largest relative worsening of the metric (RMSE for squared loss) "
          + "that still publishes, e.g. 0.05 = 5%%. Default: ${DEFAULT-VALUE}.")
  double maxRegression;

  @Option(names = "--verbose",
      description = "Spark's own INFO logging, and Spark's lines about tasks failing on bad records.")
  boolean verbose;
  @Option(names = "--loss", paramLabel = "squared|huber|logistic|hinge", defaultValue = "squared",
      description = "squared and huber (spark.ml's scale-invariant form) fit a regression; logistic "
          + "and hinge a binary classifier on labels 0/1 or -1/+1. Default: ${DEFAULT-VALUE}.")
  String loss;

  @Option(names = "--huber-delta", paramLabel = "X", defaultValue = "1.35",
      description = "Huber threshold on residual/scale, > 1 (spark.ml's epsilon). Default: ${DEFAULT-VALUE}.")
  double huberDelta;

  @Option(names = "--weight-col", paramLabel = "NAME",
      description = "CSV or Parquet column of instance weights (>= 0) that multiply each row's loss; "
          + "default: none, every row weighs 1.")
  String weightCol;

  @Option(names = "--features-col", paramLabel = "NAME", defaultValue = "features",
      description = "Parquet: the Spark ML Vector column of features; without such a column the "
          + "numeric columns other than label and weight are the features. Default: ${DEFAULT-VALUE}.")
  String featuresCol;

  @Option(names = "--csv-delimiter", paramLabel = "CHAR", defaultValue = ",",
      description = "CSV field delimiter: one character (; or |), or tab. Fields may be quoted "
          + "(RFC 4180); a quoted field must end on its line. Default: ${DEFAULT-VALUE}.")
  String csvDelimiter;

  @Option(names = "--missing", paramLabel = "fail|mean|median|zero", defaultValue = "fail",
      description = "What an empty CSV cell or a null Parquet value of a feature column becomes: "
          + "fail refuses it with its file and line; mean or median (within 0.1% of rank, as "
          + "spark.ml's Imputer) of the column's training rows, or zero. The values are stored in "
          + "the model; predict and evaluate fill the same way. Labels and weights are never filled. "
          + "Default: ${DEFAULT-VALUE}.")
  String missing;

  @Option(names = "--missing-indicators", arity = "1", paramLabel = "true|false", defaultValue = "false",
      description = "One more feature per column that had a missing value: 1 where it was missing, "
          + "else 0 (when missing values are filled: mean, median or zero). Default: ${DEFAULT-VALUE}.")
  boolean missingIndicators;

  @Option(names = "--categorical-cols", paramLabel = "A,B,…|auto", defaultValue = "",
      description = "CSV or Parquet columns whose values are categories (any text; string columns "
          + "in Parquet), encoded into features as the encoding below says; the other feature "
          + "columns stay numbers. auto: every string column of a Parquet input, every CSV column "
          + "(label and weight aside) with a non-empty cell that is not a finite number, found by "
          + "a pass over all rows. Default: none.")
  String categoricalCols;

  @Option(names = "--encoding", paramLabel = "hash|one-hot", defaultValue = "hash",
      description = "How the categorical columns become features. hash: spark.ml FeatureHasher's "
          + "function, so the model's indices are FeatureHasher's: MurmurHash3 (x86, 32 bits, "
          + "seed 42) of \"column=value\" for a category (value 1), of the column name for a "
          + "number (its value), modulo the number of hashed features; colliding features add up. "
          + "one-hot: the numbers stay features, then per categorical column one 0/1 feature per "
          + "kept level (the most frequent in the training rows, ties by value; counted in a "
          + "statistics pass and stored in the model) and one for any other, unseen or missing "
          + "level, as spark.ml's StringIndexer (frequencyDesc, handleInvalid keep) and "
          + "OneHotEncoder (dropLast false). Default: ${DEFAULT-VALUE}.")
  String encoding;

  @Option(names = "--hash-bits", paramLabel = "B", defaultValue = "18",
      description = "--encoding hash: 2^B features, B in 1..28. Default: ${DEFAULT-VALUE}.")
  int hashBits;

  @Option(names = "--max-levels", paramLabel = "K", defaultValue = "100",
      description = "--encoding one-hot: the K most frequent levels of each categorical column get "
          + "a feature each, the rest share one. Default: ${DEFAULT-VALUE}.")
  int maxLevels;

  @Option(names = "--init-model", paramLabel = "DIR",
      description = "Start from this model (a spark-sgd model directory or a Spark ML model "
          + "directory) instead of zero; same features and a compatible loss.")
  String initModel;

  @Option(names = "--checkpoint-dir", paramLabel = "DIR",
      description = "Write a checkpoint (weights, optimizer, schedule and stopping-rule state, "
          + "iteration, history) here every --checkpoint-interval iterations and when the run runs "
          + "out of iterations or time or is stopped by SIGTERM or SIGINT, atomically, on any Hadoop "
          + "filesystem; outside --output.")
  String checkpointDir;

  @Option(names = "--checkpoint-interval", paramLabel = "K", defaultValue = "10",
      description = "Iterations between checkpoints. Default: ${DEFAULT-VALUE}.")
  int checkpointInterval;

  @Option(names = "--resume", description = "Continue from the newest checkpoint in --checkpoint-dir "
      + "(refused if it was made from other data or options; starts at iteration 0 if there is none).")
  boolean resume;

  private final ConfigFileDefaults defaults;
  private final PrintStream out;
  /** The last iteration this run finished, -1 before the first (for the line of a stopped run). */
  private int iterationsDone = -1;

  TrainCommand(ConfigFileDefaults defaults, PrintStream out) {
    this.defaults = defaults;
    this.out = out;
  }

  TrainConfig toConfig() {
    if (defaults != null) {
      defaults.check(spec);
    }
    TrainConfig.Builder b = TrainConfig.builder();
    for (TrainOption o : TrainConfig.OPTIONS) {
      // every option of TrainConfig is a picocli option of the same name (OptionRangeTest)
      o.set(b, spec.findOption(o.flag()).getValue());
    }
    return b.build();
  }

  @Override
  public Integer call() throws Exception {
    long start = System.currentTimeMillis();
    TrainConfig cfg = toConfig(); // every option is checked before Spark starts
    if (verbose) {
      BadRecordLogFilter.setEnabled(false);
      OutOfMemory.setVerbose(true);
      Configurator.setRootLevel(Level.INFO);
    }
    SparkSession spark = Spark.session("spark-sgd train");
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    iterationsDone = -1;
    try (StopSignals stop = StopSignals.install(() -> Cancellation.cancel(sc), System.err)) {
      Cancellation.enter(sc, "spark-sgd train");
      try {
        return train(cfg, sc, stop, start);
      } catch (Exception e) {
        if (!stop.requested()) {
          throw e;
        }
        LOG.debug("stopped by {}", stop.signalName(), e); // most likely: the stop cancelled a job
        return stopped(stop, sc, cfg);
      } finally {
        Cancellation.leave(sc);
      }
    }
  }

  /**
   * The end of a run a signal stopped: one line saying where its progress is kept, and the exit
   * code of the signal.
   */
  private int stopped(StopSignals stop, JavaSparkContext sc, TrainConfig cfg) throws InterruptedException {
    Cancellation.awaitRunningTasks(sc, TASKS_END_MILLIS);
    Checkpoints.Saved ck = cfg.checkpointDir == null ? null
        : Checkpoints.newestIn(sc.hadoopConfiguration(), cfg.checkpointDir);
    int n = iterationsDone >= 0 ? iterationsDone : ck != null ? ck.iteration() : 0;
    String kept = ck != null ? "checkpoint " + Redact.path(ck.path()) + "; rerun with --resume to continue"
        : cfg.checkpointDir == null ? "no checkpoint (give --checkpoint-dir to keep progress)"
        : "no checkpoint (none before the first iteration ends)";
    System.err.printf(Locale.ROOT, "spark-sgd: stopped by %s after iteration %d; %s%n", stop.signalName(), n, kept);
    return stop.exitCode();
  }

  private int train(TrainConfig cfg, JavaSparkContext sc, StopSignals stop, long start) throws Exception {
    OutputDirectory.checkWritable(sc.hadoopConfiguration(), cfg.outputPath, cfg.overwrite);
    Checkpoints.preflight(sc.hadoopConfiguration(), cfg);
    LinearModel baseline = cfg.baselineModel == null ? null
        : ModelDirectory.read(sc.hadoopConfiguration(), cfg.baselineModel, "--baseline-model");
    out.printf(Locale.ROOT, "spark-sgd: training on %s with Spark %s, master %s%n", Redact.path(cfg.dataPath),
        sc.version(), sc.master());

    LinearModel init = cfg.initModel == null ? null
        : ModelReader.read(sc.hadoopConfiguration(), cfg.initModel, "--init-model");
    Dataset data = DataLoader.load(sc, cfg);
    long loadMillis = System.currentTimeMillis() - start;
    out.printf(Locale.ROOT, "spark-sgd: %s input, %d training rows, %d holdout rows, %d features, "
        + "%d partitions (loaded in %.1f s)%n", data.format.cliName(), data.trainRows, data.holdoutRows,
        data.numFeatures,
        data.numPartitions(), loadMillis / 1000.0);
    if (data.rejected().count() > 0) {
      out.printf(Locale.ROOT, "spark-sgd: skipped %d bad record(s) (--bad-records skip); the first: %s%n",
          data.rejected().count(), Redact.text(data.rejected().samples().get(0).describe()));
    }
    try {
      Loss loss = Losses.byName(cfg.loss.cliName(), cfg.huberDelta);
      Trainer trainer = new Trainer(cfg, loss);
      if (init != null) {
        data = WarmStart.apply(trainer, init, data, loss, cfg.initModel);
      }
      ProgressPrinter progress = new ProgressPrinter(out);
      TrainResult result = trainer.train(sc, data, new TrainingListener() {
        @Override
        public void onIteration(IterationRecord r, int maxIter) {
          iterationsDone = r.iteration();
          progress.onIteration(r, maxIter);
        }

        @Override
        public void onMessage(String line) {
          out.println(line);
        }

        @Override
        public boolean stopRequested() {
          return stop.requested();
        }
      });
      progress.finish();
      if (result.stopReason() == StopReason.INTERRUPTED) {
        iterationsDone = result.iterations();
        return stopped(stop, sc, cfg);
      }
      if (result.stopReason() == StopReason.DIVERGED) {
        IterationRecord last = result.history().get(result.history().size() - 1);
        System.err.printf(Locale.ROOT, "spark-sgd: error: training diverged at iteration %d (loss %s); "
            + "try a smaller --step-size (now %s) or --lr-schedule adaptive; no model was written%n",
            last.iteration(), last.objective(),
            Double.isNaN(result.chosenStepSize()) ? String.valueOf(cfg.stepSize)
                : (cfg.stepSizeAuto ? TrainConfig.AUTO : TrainConfig.DEFAULT) + ": " + result.chosenStepSize());
        return ExitCodes.DIVERGED;
      }
      if (stop.requested()) { // training ended on its own just as the signal came
        return stopped(stop, sc, cfg);
      }
      Map<String, Object> options = cfg.toOptionMap();
      options.put("format", data.format.cliName());
      if (!Double.isNaN(result.chosenStepSize())) {
        options.put("chosen-step-size", result.chosenStepSize());
      }
      if (!Double.isNaN(result.hingeSmoothing())) {
        options.put("hinge-smoothing", result.hingeSmoothing());
      }
      double scale = WarmStart.huberScale(loss, result.params(), data.numFeatures);
      LinearModel model = new LinearModel(result.coefficients(), result.intercept(), loss.name(),
          data.featureNames, data.stats.mean(), data.stats.std(), options,
          result.iterations(), result.stopReason().label(), data.labelEncoding, cfg.huberDelta, scale)
          .withFeatureScale(Trainer.featureScale(data, cfg))
          .withInputs(MissingFills.toModel(data.missing(), cfg.missing.cliName(), data), MissingFills.hashing(data),
              MissingFills.oneHot(data));
      Evaluation eval = Evaluation.of(sc, data, model, model.lossFunction());
      QualityGate gate = null;
      if (baseline != null) {
        QualityGate.checkCompatible(baseline, data.numFeatures, data.featureNames, cfg.baselineModel);
        gate = QualityGate.compare(loss.name(), eval,
            Evaluation.of(sc, data, baseline, baseline.lossFunction()), cfg.maxRegression);
        if (!gate.passed()) {
          System.err.println("spark-sgd: quality gate refused the new model: " + gate.describe()
              + " (--max-regression " + cfg.maxRegression + "); nothing was published");
          return ExitCodes.QUALITY_GATE;
        }
      }
      Map<String, Object> mlMetrics = ModelMetrics.of(data.blocks, eval.hasHoldout(), model);
      RunReport.RunInfo info = new RunReport.RunInfo(sc.sc().applicationId(), sc.version(), sc.master(),
          Redact.path(cfg.dataPath), Redact.path(cfg.outputPath), data.trainRows, data.holdoutRows,
          data.numPartitions(), data.cachedBytes, loadMillis, System.currentTimeMillis() - start);
      Map<String, Object> metrics = RunReport.metricsMap(info, model, result, eval, mlMetrics);
      ReportFiles.addBadRecords(metrics, cfg.badRecords.cliName(), cfg.maxBadRecords, data.rejected());
      metrics.put("storageLevel", cfg.storageLevel.cliName());
      metrics.put("featurePrecision", cfg.featurePrecision.cliName());
      long[] cacheUse = data.cacheUse();
      // At the end of the run: what stayed in memory and what went to (or was read from) disk.
      Map<String, Object> cache = new java.util.LinkedHashMap<>();
      cache.put("memoryBytes", cacheUse[0]);
      cache.put("diskBytes", cacheUse[1]);
      cache.put("storageMemoryBytes", data.storageMemory());
      metrics.put("cache", cache);
      if (gate != null) {
        metrics.put("qualityGate", gate.toMap(Redact.path(cfg.baselineModel)));
      }
      Map<String, byte[]> files = ReportFiles.build(model, result, eval, metrics);
      if (stop.requested()) {
        return stopped(stop, sc, cfg);
      }
      // Once begun, the publish finishes (about a second; a second signal still ends the process
      // at once, and the directory appears whole or not at all) and the run ends as a success.
      Cancellation.shielded(sc, () -> {
        OutputDirectory.publishBytes(sc.hadoopConfiguration(), cfg.outputPath, cfg.overwrite, files,
            dir -> SparkMlModels.write(model, new org.apache.hadoop.fs.Path(dir, "sparkml").toString()));
        return null;
      });
      RunReport.printSummary(out, info, result, eval, mlMetrics);
      if (gate != null) {
        out.println("  quality gate   passed: " + gate.describe());
      }
      out.println("  model          " + Redact.path(cfg.outputPath) + " (" + String.join(", ", files.keySet())
          + ", sparkml/)");
      return ExitCodes.OK;
    } finally {
      data.release();
    }
  }
}
