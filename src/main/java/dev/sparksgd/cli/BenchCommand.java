package dev.sparksgd.cli;

import dev.sparksgd.bench.BenchOptions;
import dev.sparksgd.bench.BenchReport;
import dev.sparksgd.bench.Benchmark;
import dev.sparksgd.config.ConfigException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bench}: ours against MLlib's SGD and spark.ml's l-bfgs, in one Spark application. */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
    versionProvider = Main.Version.class,
    description = {"Benchmarks spark-sgd against MLlib GradientDescent.runMiniBatchSGD and spark.ml "
        + "LinearRegression (l-bfgs) on data generated inside this application (seeded, known "
        + "weights, noise 0.1, intercept 0), each contender on its own cached representation, "
        + "alternating contenders. Prints a table and the performance targets; --output writes the same as JSON.",
        "Figures: full-batch and mini-batch iteration time (medians after a warm-up), time to a "
            + "training loss within 1e-4 relative of the optimum (which the benchmark computes), a "
            + "single-thread roofline, cached bytes as Spark's storage reports them, and (small-data) our "
            + "full-batch iteration on the driver's threads against the same off the driver (--prefetch-mb 0)."})
public final class BenchCommand implements Callable<Integer> {
  @Option(names = "--rows", paramLabel = "N", split = ",", defaultValue = "100000",
      description = "Rows; several sizes run one after the other (for the scaling target). Default: ${DEFAULT-VALUE}.")
  List<Long> rows;

  @Option(names = "--features", paramLabel = "D", split = ",", defaultValue = "100",
      description = "Features; several values run each row count at each dimension (the same non-zeros "
          + "per row, for the sparse scaling figure). Default: ${DEFAULT-VALUE}.")
  List<Integer> features;

  @Option(names = "--sparse-nnz", paramLabel = "K", defaultValue = "0",
      description = "Non-zero features per row; 0 = dense. Default: ${DEFAULT-VALUE}.")
  int sparseNnz;

  @Option(names = "--batch-rows", paramLabel = "B", defaultValue = "10000",
      description = "Rows per mini-batch iteration (fraction B/N for both). Default: ${DEFAULT-VALUE}.")
  int batchRows;

  @Option(names = "--output", paramLabel = "FILE.json", description = "Write the results as JSON (replaced if it exists).")
  String output;

  @Option(names = "--iterations", paramLabel = "N", defaultValue = "20",
      description = "Full-batch iterations per contender, spread over --rounds calls after a warm-up call; "
          + "the gaps between iterations within a call are the samples. Default: ${DEFAULT-VALUE}.")
  int iterations;

  @Option(names = "--rounds", paramLabel = "N", defaultValue = "5",
      description = "Alternations of the contenders the timed iterations are spread over. Default: ${DEFAULT-VALUE}.")
  int rounds;

  @Option(names = "--tta-runs", paramLabel = "N", defaultValue = "3",
      description = "Time-to-accuracy runs of ours and of spark.ml (alternating; MLlib runs once). Default: ${DEFAULT-VALUE}.")
  int ttaRuns;

  @Option(names = "--figures", paramLabel = "FIGURE", split = ",",
      defaultValue = "full-batch,mini-batch,time-to-accuracy,roofline,memory,small-data",
      description = "Which figures to measure: full-batch, mini-batch, time-to-accuracy, roofline, "
          + "memory, small-data (iterations on the driver's threads against --prefetch-mb 0), "
          + "and precision (full-batch iterations and cached bytes of --feature-precision "
          + "float32 against float64, and MLlib for dense rows), and ctr (click-through rows as "
          + "generate --kind ctr writes them: time to a holdout log loss within 0.5%% of the best final "
          + "one, ours in mini-batch and in full-batch iterations against spark.ml's Pipeline(Imputer, FeatureHasher, LogisticRegression), at each "
          + "--ctr-hash-bits, with cached bytes; the rows are written as CSV under the driver's "
          + "java.io.tmpdir, so run it with a local master). Default: ${DEFAULT-VALUE}.")
  List<String> figures;

  @Option(names = "--ctr-hash-bits", paramLabel = "B", split = ",", defaultValue = "18,20,22",
      description = "Hash sizes 2^B of the ctr figure, each run at every --rows. Default: ${DEFAULT-VALUE}.")
  List<Integer> ctrHashBits;

  @Option(names = "--ctr-epochs", paramLabel = "N", defaultValue = "8",
      description = "Our largest budget in the ctr figure, in passes over the rows (mini-batches of "
          + "--batch-rows); the smaller budgets halve it down to a quarter pass; also the rounds of the "
          + "iteration figure, one epoch at each hash size in turn. Default: ${DEFAULT-VALUE}.")
  int ctrEpochs;

  @Option(names = "--ctr-max-iter", paramLabel = "N", defaultValue = "100",
      description = "The largest maxIter of spark.ml and of our full-batch iterations in the ctr figure "
          + "(spark.ml's default); the smaller budgets are 1, 2, 4, … below it. Default: ${DEFAULT-VALUE}.")
  int ctrMaxIter;

  @Option(names = "--ctr-ml-max-iter", paramLabel = "N", defaultValue = "0",
      description = "spark.ml's largest maxIter in the ctr figure, below --ctr-max-iter to bound the run at "
          + "large row counts (0: --ctr-max-iter). Its budgets are then 1, 2, 4, … up to N, its warm-up fit "
          + "is on the held-out rows, and if no spark.ml fit reaches the target log loss, the figure "
          + "gives the time of its largest fit as a lower bound (a fit that reaches it runs more "
          + "iterations). Default: ${DEFAULT-VALUE}.")
  int ctrMlMaxIter;

  @Option(names = "--ctr-reg-param", paramLabel = "L", defaultValue = "0",
      description = "L2 penalty of every contender in the ctr figure on the raw weights (ours: "
          + "--reg-param with --standardization false, spark.ml: regParam with standardization false; "
          + "one objective), so that the time to the holdout log loss compares solvers of one "
          + "problem. A penalty on standardized weights would leave a rare hashed feature almost "
          + "unpenalized; with 0 (both contenders' default) spark.ml's L-BFGS fits the rare "
          + "features to the training rows. Default: ${DEFAULT-VALUE}.")
  double ctrRegParam;

  @Option(names = "--num-partitions", paramLabel = "N", defaultValue = "0",
      description = "Partitions of every contender's data; 0 = Spark's default parallelism. Default: ${DEFAULT-VALUE}.")
  int numPartitions;

  @Option(names = "--seed", paramLabel = "N", defaultValue = "42", description = "Seed of the data and mini-batches. Default: ${DEFAULT-VALUE}.")
  long seed;

  @Option(names = "--tta-step-size", paramLabel = "X", defaultValue = "0.8",
      description = "Our step size η₀ for time to accuracy (full batch, standardized). Default: ${DEFAULT-VALUE}.")
  double ttaStepSize;

  @Option(names = "--tta-schedule", paramLabel = "NAME", defaultValue = "bb",
      description = "Our --lr-schedule for time to accuracy (bb: Barzilai-Borwein steps after the first; "
          + "constant: η₀ throughout). Default: ${DEFAULT-VALUE}.")
  String ttaSchedule;

  @Option(names = "--tta-optimizer", paramLabel = "NAME", defaultValue = "sgd",
      description = "Our optimizer for time to accuracy (as train's --optimizer). Default: ${DEFAULT-VALUE}.")
  String ttaOptimizer;

  @Option(names = "--tta-momentum", paramLabel = "X", defaultValue = "0.9",
      description = "Our --momentum for time to accuracy (momentum, nesterov). Default: ${DEFAULT-VALUE}.")
  double ttaMomentum;

  @Option(names = "--warm-up-rounds", paramLabel = "N", defaultValue = "3",
      description = "Untimed calls of each contender, alternating, before the timed rounds of the "
          + "full-batch and mini-batch figures. Default: ${DEFAULT-VALUE}.")
  int warmUpRounds;

  @Option(names = "--mini-batch-iterations", paramLabel = "N", defaultValue = "100",
      description = "Timed mini-batch iterations per contender, spread over --rounds calls; each call's "
          + "mean is one sample. Default: ${DEFAULT-VALUE}.")
  int miniBatchIterations;

  @Option(names = "--tta-tol", paramLabel = "X", defaultValue = "1e-5",
      description = "Our --tol for time to accuracy. Default: ${DEFAULT-VALUE}.")
  double ttaTol;

  @Option(names = "--mllib-step-size", paramLabel = "X", defaultValue = "0",
      description = "MLlib's SGD step (η/√t; ours uses the same in the iteration figures); 0 = 0.8 / the "
          + "features' mean second moment. Default: ${DEFAULT-VALUE}.")
  double mllibStepSize;

  @Option(names = "--mllib-max-iter", paramLabel = "N", defaultValue = "200",
      description = "Cap on MLlib SGD's iterations for time to accuracy. Default: ${DEFAULT-VALUE}.")
  int mllibMaxIter;

  private final PrintStream out;
  private final String[] args;

  BenchCommand(PrintStream out, String[] args) {
    this.out = out;
    this.args = args;
  }

  BenchOptions toOptions() {
    require(!rows.isEmpty(), "--rows needs at least one value");
    for (long n : rows) {
      require(n >= 2, "--rows must be >= 2 (got " + n + ")");
    }
    require(!features.isEmpty(), "--features needs at least one value");
    for (int d : features) {
      require(d >= 1, "--features must be >= 1 (got " + d + ")");
      require(sparseNnz <= d, "--sparse-nnz must be in [0, --features] (got " + sparseNnz + " and " + d + ")");
    }
    require(sparseNnz >= 0, "--sparse-nnz must be >= 0 (got " + sparseNnz + ")");
    require(batchRows >= 1, "--batch-rows must be >= 1 (got " + batchRows + ")");
    require(iterations >= 1, "--iterations must be >= 1 (got " + iterations + ")");
    require(rounds >= 1 && rounds <= iterations, "--rounds must be in [1, --iterations] (got " + rounds + ")");
    require(iterations >= 2 * rounds, "--iterations must be at least 2 x --rounds: a call's first iteration "
        + "is not timed (got " + iterations + " and " + rounds + ")");
    require(ttaRuns >= 1, "--tta-runs must be >= 1 (got " + ttaRuns + ")");
    require(numPartitions >= 0, "--num-partitions must be >= 0 (got " + numPartitions + ")");
    require(Double.isFinite(ttaStepSize) && ttaStepSize > 0, "--tta-step-size must be > 0 (got " + ttaStepSize + ")");
    require(Double.isFinite(ttaTol) && ttaTol >= 0, "--tta-tol must be >= 0 (got " + ttaTol + ")");
    require(Double.isFinite(mllibStepSize) && mllibStepSize >= 0, "--mllib-step-size must be >= 0 (got " + mllibStepSize + ")");
    require(miniBatchIterations >= rounds, "--mini-batch-iterations must be >= --rounds (got "
        + miniBatchIterations + ")");
    require(Double.isFinite(ttaMomentum) && ttaMomentum >= 0 && ttaMomentum < 1,
        "--tta-momentum must be in [0, 1) (got " + ttaMomentum + ")");
    dev.sparksgd.config.OptimizerKind.parse(ttaOptimizer);
    dev.sparksgd.config.LrSchedule.parse(ttaSchedule);
    require(warmUpRounds >= 1, "--warm-up-rounds must be >= 1 (got " + warmUpRounds + ")");
    require(mllibMaxIter >= 1, "--mllib-max-iter must be >= 1 (got " + mllibMaxIter + ")");
    require(!ctrHashBits.isEmpty(), "--ctr-hash-bits needs at least one value");
    for (int b : ctrHashBits) {
      require(b >= 1 && b <= 28, "--ctr-hash-bits must be in 1..28 (got " + b + ")");
    }
    require(ctrEpochs >= 1, "--ctr-epochs must be >= 1 (got " + ctrEpochs + ")");
    require(ctrMaxIter >= 1, "--ctr-max-iter must be >= 1 (got " + ctrMaxIter + ")");
    require(ctrMlMaxIter >= 0, "--ctr-ml-max-iter must be >= 0 (got " + ctrMlMaxIter + ")");
    require(ctrRegParam >= 0 && Double.isFinite(ctrRegParam), "--ctr-reg-param must be >= 0 (got " + ctrRegParam + ")");
    Set<String> f = new LinkedHashSet<>();
    for (String s : figures) {
      String name = s.trim().toLowerCase(Locale.ROOT);
      require(BenchOptions.ALL_FIGURES.contains(name), "--figures: unknown figure '" + s + "' (one of: "
          + String.join(", ", BenchOptions.ALL_FIGURES) + ")");
      f.add(name);
    }
    return new BenchOptions(List.copyOf(rows), List.copyOf(features), sparseNnz, batchRows, iterations, rounds, ttaRuns,
        f, numPartitions, seed, ttaStepSize, ttaTol, mllibStepSize, mllibMaxIter, ttaOptimizer, ttaMomentum,
        miniBatchIterations, ttaSchedule, warmUpRounds, List.copyOf(ctrHashBits), ctrEpochs, ctrMaxIter,
        ctrRegParam, ctrMlMaxIter);
  }

  /** /proc/loadavg's 1, 5 and 15 minute figures, or null where there is none. */
  static String loadAverage() {
    try {
      String[] f = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (java.io.IOException | RuntimeException e) {
      return null;
    }
  }

  /** The CPU's model name from /proc/cpuinfo, or null where there is none. */
  static String cpuModel() {
    try (java.util.stream.Stream<String> lines = java.nio.file.Files.lines(java.nio.file.Path.of("/proc/cpuinfo"))) {
      return lines.filter(l -> l.startsWith("model name")).map(l -> l.substring(l.indexOf(':') + 1).trim())
          .findFirst().orElse(null);
    } catch (java.io.IOException | RuntimeException e) {
      return null;
    }
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new ConfigException(message);
    }
  }

  @Override
  public Integer call() throws Exception {
    BenchOptions o = toOptions(); // every option is checked before Spark starts
    SparkSession spark = Spark.session("spark-sgd bench");
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Path jsonPath = output == null ? null : new Path(output);
    FileSystem fs = jsonPath == null ? null : jsonPath.getFileSystem(sc.hadoopConfiguration());
    String loadBefore = loadAverage();
    List<Benchmark.SizeRun> runs = new Benchmark(spark, o, out).run();
    List<BenchReport.Target> targets = BenchReport.targets(runs);
    BenchReport.printTable(out, runs, targets);
    if (jsonPath != null) {
      Map<String, Object> header = new LinkedHashMap<>();
      header.put("benchmark", "spark-sgd bench");
      header.put("arguments", args);
      Map<String, Object> env = new LinkedHashMap<>();
      env.put("date", java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
      env.put("cpu", cpuModel());
      env.put("javaVersion", System.getProperty("java.version"));
      env.put("availableProcessors", Runtime.getRuntime().availableProcessors());
      env.put("maxHeapBytes", Runtime.getRuntime().maxMemory());
      env.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
      env.put("sparkVersion", sc.version());
      env.put("master", sc.master());
      env.put("defaultParallelism", sc.defaultParallelism());
      // Other work on the machine moves every figure: say how busy it was.
      env.put("loadAverageBefore", loadBefore);
      env.put("loadAverageAfter", loadAverage());
      header.put("environment", env);
      header.put("options", o);
      try (Writer w = new OutputStreamWriter(fs.create(jsonPath, true), StandardCharsets.UTF_8)) {
        w.write(BenchReport.json(header, runs, targets));
      }
      out.println("spark-sgd: wrote " + output);
    }
    return ExitCodes.OK;
  }
}
