package dev.sparksgd.bench;

import dev.sparksgd.bench.Benchmark.SizeRun;
import dev.sparksgd.config.CategoricalEncoding;
import dev.sparksgd.config.DataFormat;
import dev.sparksgd.config.LossType;
import dev.sparksgd.config.MissingMode;
import dev.sparksgd.config.TrainConfig;
import dev.sparksgd.data.CtrGenerator;
import dev.sparksgd.data.DataLoader;
import dev.sparksgd.data.Dataset;
import dev.sparksgd.loss.LogisticLoss;
import dev.sparksgd.train.TrainResult;
import dev.sparksgd.train.Trainer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.feature.FeatureHasher;
import org.apache.spark.ml.feature.Imputer;
import org.apache.spark.ml.feature.ImputerModel;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * The click-through figure: {@code generate --kind ctr} rows written as CSV part files, read by
 * ours (hashed, mean-filled, logistic, mini-batch SGD at the documented defaults) and by spark.ml's
 * {@code Pipeline(Imputer, FeatureHasher, LogisticRegression)} from its cached DataFrame of the
 * same rows. Each contender fits at growing budgets (ours: mini-batch iterations, spark.ml:
 * {@code maxIter}), alternating, each fit from scratch and timed; one scorer computes every
 * model's log loss on the same held-out rows (numbers filled with the model's own fill values,
 * FeatureHasher's vectors, then the model's weights). A contender's time to the target is the
 * time of its first fit within {@link BenchOptions#CTR_TOLERANCE} of the better final log loss.
 */
final class CtrBenchmark {
  private final SparkSession spark;
  private final JavaSparkContext sc;
  private final BenchOptions o;
  private final Benchmark bench;

  CtrBenchmark(SparkSession spark, BenchOptions o, Benchmark bench) {
    this.spark = spark;
    this.sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    this.o = o;
    this.bench = bench;
  }

  private static String[] numeric() {
    String[] s = new String[CtrGenerator.NUMERIC];
    for (int j = 0; j < s.length; j++) {
      s[j] = CtrGenerator.numericName(j);
    }
    return s;
  }

  private static String[] categorical() {
    String[] s = new String[CtrGenerator.CATEGORICAL];
    for (int k = 0; k < s.length; k++) {
      s[k] = CtrGenerator.categoricalName(k);
    }
    return s;
  }

  /** spark.ml's numeric columns as read; its Imputer writes the filled values under the plain names. */
  private static String raw(String column) {
    return column + "_raw";
  }

  /** One row count at every hash size of {@code --ctr-hash-bits}. */
  List<SizeRun> run(long n) {
    int parts = o.numPartitions() > 0 ? o.numPartitions() : sc.defaultParallelism();
    long holdoutRows = Math.max(1000, n / 10);
    Path dir;
    try {
      dir = Files.createTempDirectory("spark-sgd-bench-ctr");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<SizeRun> runs = new ArrayList<>();
    List<Subject> subjects = new ArrayList<>();
    org.apache.spark.sql.Dataset<Row> train = null;
    org.apache.spark.sql.Dataset<Row> holdout = null;
    try {
      CtrGenerator gen = new CtrGenerator(o.seed());
      String trainDir = dir.resolve("train").toUri().toString();
      String holdoutDir = dir.resolve("holdout").toUri().toString();
      long t = System.nanoTime();
      bench.describe("bench: generate the click rows");
      CtrGenerator.write(sc, gen, 0, n, parts, trainDir);
      CtrGenerator.write(sc, gen, n, n + holdoutRows, parts, holdoutDir);
      double writeMillis = Benchmark.millisSince(t);
      bench.say("ctr: %d training and %d held-out click rows as CSV in %s (%.1f s)", n, holdoutRows, dir,
          writeMillis / 1000);
      t = System.nanoTime();
      Set<Integer> before = bench.cachedRddIds();
      bench.describe("bench: cache spark.ml's DataFrame of the click rows");
      train = read(trainDir).persist(StorageLevel.MEMORY_AND_DISK());
      train.count();
      Set<Integer> frameRdds = bench.cachedRddIds();
      frameRdds.removeAll(before);
      double frameMillis = Benchmark.millisSince(t);
      holdout = read(holdoutDir).persist(StorageLevel.MEMORY_AND_DISK());
      holdout.count();
      bench.describe(null);
      for (int bits : o.ctrHashBits()) {
        SizeRun run = new SizeRun(n, 1 << bits, CtrGenerator.NUMERIC + CtrGenerator.CATEGORICAL, parts,
            sc.defaultParallelism(), String.format(Locale.ROOT, "%d click rows x 2^%d hashed", n, bits));
        run.info.put("kind", "ctr");
        run.info.put("hashBits", bits);
        run.info.put("holdoutRows", holdoutRows);
        run.info.put("csvWriteMillis", writeMillis);
        run.info.put("sparkMlCacheMillis", frameMillis);
        subjects.add(runHashSize(run, bits, trainDir, train, holdout, frameRdds, parts));
        runs.add(run);
      }
      iterationRounds(subjects);
      for (SizeRun run : runs) {
        Benchmark.ratios(run);
      }
    } finally {
      bench.describe(null);
      for (Subject s : subjects) {
        s.ours.release();
      }
      if (train != null) {
        train.unpersist(true);
      }
      if (holdout != null) {
        holdout.unpersist(true);
      }
      delete(dir);
    }
    return runs;
  }

  private org.apache.spark.sql.Dataset<Row> read(String dir) {
    List<StructField> fields = new ArrayList<>();
    fields.add(DataTypes.createStructField("label", DataTypes.DoubleType, false));
    for (String c : numeric()) {
      fields.add(DataTypes.createStructField(raw(c), DataTypes.DoubleType, true));
    }
    for (String c : categorical()) {
      fields.add(DataTypes.createStructField(c, DataTypes.StringType, true));
    }
    return spark.read().option("header", "true").schema(DataTypes.createStructType(fields)).csv(dir);
  }

  /** One fit: its wall time and the holdout log loss of its model. */
  record Fit(int budget, double millis, double holdoutLogLoss) {
  }

  /**
   * A hash size's cached blocks and mini-batch settings, kept after its fits to the target for the
   * iteration rounds ({@link #iterationRounds}).
   */
  private record Subject(SizeRun run, TrainConfig.Builder base, Dataset ours, int perEpoch, long batchRows) {
  }

  /**
   * Our mini-batch iteration at every hash size, in {@code --ctr-epochs} rounds; each round fits
   * one epoch's iterations at each size in turn (from scratch), and the times between successive
   * iterations of all rounds are the figure's samples. Alternating the sizes every epoch exposes
   * them alike to a machine whose speed changes for seconds at a time (other tenants of a VM's
   * host), so their ratio compares the sizes, not the stretches they happened to run in.
   */
  private void iterationRounds(List<Subject> subjects) {
    if (subjects.isEmpty()) {
      return;
    }
    int rounds = o.ctrEpochs();
    bench.say("ctr: our mini-batch iteration, %d rounds of one epoch at each hash size in turn", rounds);
    List<List<Double>> gaps = new ArrayList<>();
    for (Subject s : subjects) {
      gaps.add(new ArrayList<>());
    }
    for (int r = 0; r < rounds; r++) {
      for (int k = 0; k < subjects.size(); k++) {
        Subject s = subjects.get(k);
        iterations(s.base(), s.ours(), s.perEpoch() + 1, gaps.get(k));
      }
    }
    for (int k = 0; k < subjects.size(); k++) {
      Subject s = subjects.get(k);
      double[] g = gaps.get(k).stream().mapToDouble(Double::doubleValue).toArray();
      if (g.length > 0) {
        s.run().figures.add(new Figure(BenchOptions.CTR_ITERATION, Benchmark.OURS, "ms", g)
            .with("rowsPerIteration", s.batchRows())
            .with("rounds", rounds)
            .with("msPerThousandRows", Samples.median(g) * 1000 / s.batchRows()));
      }
    }
  }

  /** A fit of k mini-batch iterations, timed only: the times between successive iterations into gaps. */
  private void iterations(TrainConfig.Builder base, Dataset ours, int k, List<Double> gaps) {
    long[] stamps = new long[k];
    int[] count = {0};
    bench.describe("bench: ours, " + k + " mini-batch iterations (click rows, iteration rounds)");
    new Trainer(base.maxIter(k).build(), LogisticLoss.INSTANCE).train(sc, ours, (rec, max) -> {
      if (count[0] < stamps.length) {
        stamps[count[0]++] = System.nanoTime();
      }
    });
    bench.describe(null);
    for (double g : Samples.intervalsMillis(stamps, count[0])) {
      gaps.add(g);
    }
  }

  private Subject runHashSize(SizeRun run, int bits, String trainDir, org.apache.spark.sql.Dataset<Row> train,
      org.apache.spark.sql.Dataset<Row> holdout, Set<Integer> frameRdds, int parts) {
    long n = run.rows;
    double fraction = Math.min(1.0, (double) o.batchRows() / n);
    TrainConfig.Builder base = TrainConfig.builder().dataPath(trainDir).format(DataFormat.CSV).outputPath("(none)")
        .seed(o.seed()).loss(LossType.LOGISTIC).categoricalCols(String.join(",", categorical()))
        .encoding(CategoricalEncoding.HASH).hashBits(bits).missing(MissingMode.MEAN).numPartitions(parts)
        .miniBatchFraction(fraction).regParam(o.ctrRegParam()).standardization(false);
    long t = System.nanoTime();
    bench.describe("bench: our load of the click rows (parse, fill, hash, cache)");
    Dataset ours = DataLoader.load(sc, base.build());
    bench.describe(null);
    run.info.put("oursLoadMillis", Benchmark.millisSince(t));
    boolean kept = false;
    try {
      double[] fills = new double[CtrGenerator.NUMERIC];
      List<String> names = Arrays.asList(ours.hashing().numericNames());
      String[] numeric = numeric();
      for (int j = 0; j < numeric.length; j++) {
        fills[j] = ours.missing().fill()[names.indexOf(numeric[j])];
      }
      long perEpoch = Math.max(1, (long) Math.ceil(1.0 / fraction));
      // Mini-batch fits are cheap beside spark.ml's: a finer grid (×√2) places the time to the target
      // closer to where the iterations reach it.
      List<Integer> oursBudgets = budgets((int) Math.max(1, perEpoch / 4), (int) (o.ctrEpochs() * perEpoch),
          Math.sqrt(2));
      List<Integer> fullBudgets = budgets(1, o.ctrMaxIter());
      List<Integer> mlBudgets = budgets(1, o.ctrMlLargestMaxIter());
      TrainConfig.Builder full = base.build().toBuilder().miniBatchFraction(1.0);
      bench.say("ctr 2^%d: ours %s mini-batch iterations of %.0f rows and %s full-batch iterations, spark.ml "
          + "maxIter %s", bits, oursBudgets, fraction * n, fullBudgets, mlBudgets);
      // One untimed fit of each at its smallest budget first: class loading, code generation and the
      // JIT would otherwise count in whichever fit comes first.
      oursFit(base, ours, holdout, fills, oursBudgets.get(0), bits);
      oursFit(full, ours, holdout, fills, fullBudgets.get(0), bits);
      // A bounded spark.ml (--ctr-ml-max-iter) warms up on the held-out rows, a tenth as many: at
      // millions of rows each of its fits takes minutes, even at maxIter 1.
      sparkMl(o.ctrMlBounded() ? holdout : train, holdout, bits, mlBudgets.get(0));
      List<List<Fit>> oursFits = new ArrayList<>();
      List<List<Fit>> fullFits = new ArrayList<>();
      List<List<Fit>> mlFits = new ArrayList<>();
      for (int r = 0; r < o.ttaRuns(); r++) {
        List<Fit> a = new ArrayList<>();
        List<Fit> c = new ArrayList<>();
        List<Fit> b = new ArrayList<>();
        int most = Math.max(oursBudgets.size(), Math.max(fullBudgets.size(), mlBudgets.size()));
        for (int i = 0; i < most; i++) {
          if (i < oursBudgets.size()) {
            a.add(oursFit(base, ours, holdout, fills, oursBudgets.get(i), bits));
          }
          if (i < fullBudgets.size()) {
            c.add(oursFit(full, ours, holdout, fills, fullBudgets.get(i), bits));
          }
          if (i < mlBudgets.size()) {
            b.add(sparkMl(train, holdout, bits, mlBudgets.get(i)));
          }
        }
        oursFits.add(a);
        fullFits.add(c);
        mlFits.add(b);
        bench.say("ctr 2^%d run %d: ours %s; ours full batch %s; spark.ml %s", bits, r + 1, describe(a),
            describe(c), describe(b));
      }
      double oursFinal = finalLoss(oursFits);
      double fullFinal = finalLoss(fullFits);
      double mlFinal = finalLoss(mlFits);
      double target = Math.min(Math.min(oursFinal, fullFinal), mlFinal) * (1 + BenchOptions.CTR_TOLERANCE);
      run.info.put("targetLogLoss", target);
      String penalty = ", --reg-param " + o.ctrRegParam() + " --standardization false";
      run.figures.add(timeTo(BenchOptions.CTR, Benchmark.OURS, oursFits, target, oursFinal,
          "logistic, hashed (2^" + bits + "), --missing mean, mini-batch fraction " + fraction + penalty
              + ", defaults otherwise; budgets in iterations"));
      run.figures.add(timeTo(BenchOptions.CTR, Benchmark.OURS_FULL_BATCH, fullFits, target, fullFinal,
          "logistic, hashed (2^" + bits + "), --missing mean, full batch" + penalty
              + ", defaults otherwise (lbfgs); budgets = --max-iter"));
      Figure ml = timeTo(BenchOptions.CTR, Benchmark.SPARK_ML_PIPELINE, mlFits, target, mlFinal,
          "Pipeline(Imputer mean, FeatureHasher 2^" + bits + ", LogisticRegression regParam " + o.ctrRegParam()
              + " standardization false, defaults otherwise); budgets = maxIter"
              + (o.ctrMlBounded() ? " up to " + o.ctrMlLargestMaxIter() + " (--ctr-ml-max-iter)" : ""));
      if (ml.samples.length == 0) { // not reached: its time to the target is at least its largest fit's
        ml = lowerBound(ml, mlFits, o.ctrMlLargestMaxIter());
        bench.say("ctr: %s not within the target by maxIter %d: its time to the target is at least %.0f ms",
            ml.contender, o.ctrMlLargestMaxIter(), ml.median());
      }
      run.figures.add(ml);
      long oursBytes = bench.storedBytes(Set.of(ours.blocks.id()));
      run.figures.add(new Figure(BenchOptions.CTR_MEMORY, Benchmark.OURS, "bytes", new double[] {oursBytes})
          .with("representation", "hashed, filled blocks"));
      run.figures.add(new Figure(BenchOptions.CTR_MEMORY, Benchmark.SPARK_ML_PIPELINE, "bytes",
          new double[] {bench.storedBytes(new HashSet<>(frameRdds))})
          .with("representation", "cached DataFrame of the raw rows (label, 13 doubles, 26 strings)"));
      kept = true;
      return new Subject(run, base, ours, (int) perEpoch, Math.round(fraction * n));
    } finally {
      if (!kept) {
        ours.release();
      }
    }
  }

  /**
   * Our fit of {@code k} iterations (mini-batch or full batch, as {@code base} says) from the
   * cached blocks, and its holdout log loss.
   */
  private Fit oursFit(TrainConfig.Builder base, Dataset ours, org.apache.spark.sql.Dataset<Row> holdout,
      double[] fills, int k, int bits) {
    TrainConfig cfg = base.maxIter(k).build();
    bench.describe("bench: ours, " + k + (cfg.miniBatchFraction < 1 ? " mini-batch" : " full-batch")
        + " iterations (click rows)");
    long s = System.nanoTime();
    TrainResult res = new Trainer(cfg, LogisticLoss.INSTANCE).train(sc, ours, (rec, max) -> { });
    double millis = Benchmark.millisSince(s);
    bench.describe(null);
    return new Fit(k, millis, logLoss(holdout, fills, res.coefficients(), res.intercept(), bits));
  }

  /** b, 2b, 4b, … below {@code last}, then {@code last}. */
  static List<Integer> budgets(int first, int last) {
    return budgets(first, last, 2.0);
  }

  /** b, round(b·r), round(b·r²), … (distinct, ascending) below {@code last}, then {@code last}. */
  static List<Integer> budgets(int first, int last, double r) {
    List<Integer> b = new ArrayList<>();
    for (int i = 0; ; i++) {
      long k = Math.round(Math.max(1, first) * Math.pow(r, i));
      if (k >= last) {
        break;
      }
      if (b.isEmpty() || k > b.get(b.size() - 1)) {
        b.add((int) k);
      }
    }
    b.add(Math.max(1, last));
    return b;
  }

  private Fit sparkMl(org.apache.spark.sql.Dataset<Row> train, org.apache.spark.sql.Dataset<Row> holdout, int bits,
      int maxIter) {
    String[] numeric = numeric();
    String[] rawCols = Arrays.stream(numeric).map(CtrBenchmark::raw).toArray(String[]::new);
    String[] all = Stream.concat(Arrays.stream(numeric), Arrays.stream(categorical())).toArray(String[]::new);
    Pipeline p = new Pipeline().setStages(new PipelineStage[] {
        new Imputer().setInputCols(rawCols).setOutputCols(numeric).setStrategy("mean"),
        new FeatureHasher().setInputCols(all).setOutputCol("features").setNumFeatures(1 << bits),
        new LogisticRegression().setMaxIter(maxIter).setRegParam(o.ctrRegParam()).setStandardization(false)
            .setLabelCol("label")
            .setFeaturesCol("features")});
    bench.describe("bench: spark.ml Pipeline(Imputer, FeatureHasher, LogisticRegression), maxIter " + maxIter);
    long t = System.nanoTime();
    PipelineModel m = p.fit(train);
    double millis = Benchmark.millisSince(t);
    bench.describe(null);
    Row surrogate = ((ImputerModel) m.stages()[0]).surrogateDF().head();
    double[] fills = new double[numeric.length];
    for (int j = 0; j < numeric.length; j++) {
      fills[j] = surrogate.getDouble(surrogate.fieldIndex(rawCols[j]));
    }
    LogisticRegressionModel lr = (LogisticRegressionModel) m.stages()[2];
    return new Fit(maxIter, millis, logLoss(holdout, fills, lr.coefficients().toArray(), lr.intercept(), bits));
  }

  /**
   * The mean log loss on the held-out rows of the model (fill values of I1..I13, weights over
   * FeatureHasher's 2^bits indices of the filled numbers and the categories, intercept).
   */
  private double logLoss(org.apache.spark.sql.Dataset<Row> holdout, double[] fills, double[] w, double b, int bits) {
    String[] numeric = numeric();
    org.apache.spark.sql.Dataset<Row> f = holdout;
    for (int j = 0; j < numeric.length; j++) {
      f = f.withColumn(numeric[j], functions.coalesce(functions.col(raw(numeric[j])), functions.lit(fills[j])));
    }
    String[] all = Stream.concat(Arrays.stream(numeric), Arrays.stream(categorical())).toArray(String[]::new);
    org.apache.spark.sql.Dataset<Row> h = new FeatureHasher().setInputCols(all).setOutputCol("h")
        .setNumFeatures(1 << bits).transform(f).select("label", "h");
    Broadcast<double[]> bw = sc.broadcast(w);
    bench.describe("bench: holdout log loss (click rows)");
    try {
      return h.javaRDD().mapToDouble(row -> {
        double y = row.getDouble(0);
        SparseVector v = ((Vector) row.get(1)).toSparse();
        double[] weights = bw.value();
        double m = b;
        int[] idx = v.indices();
        double[] val = v.values();
        for (int i = 0; i < idx.length; i++) {
          m += weights[idx[i]] * val[i];
        }
        return LogisticLoss.INSTANCE.value(m, y); // the training loss, labels 0/1
      }).mean();
    } finally {
      bench.describe(null);
      bw.destroy();
    }
  }

  /** The median over runs of the last fit's holdout log loss. */
  private static double finalLoss(List<List<Fit>> runs) {
    double[] s = runs.stream().mapToDouble(r -> r.get(r.size() - 1).holdoutLogLoss()).toArray();
    return Samples.median(s);
  }

  private Figure timeTo(String figure, String contender, List<List<Fit>> runs, double target, double finalLoss,
      String settings) {
    List<Double> times = new ArrayList<>();
    List<Object> fits = new ArrayList<>();
    Integer budget = null;
    for (List<Fit> r : runs) {
      for (Fit f : r) {
        if (f.holdoutLogLoss() <= target) {
          times.add(f.millis());
          budget = budget == null ? f.budget() : budget;
          break;
        }
      }
      for (Fit f : r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("budget", f.budget());
        m.put("millis", f.millis());
        m.put("holdoutLogLoss", f.holdoutLogLoss());
        fits.add(m);
      }
    }
    Figure f = new Figure(figure, contender, "ms", times.stream().mapToDouble(Double::doubleValue).toArray());
    f.with("targetLogLoss", target).with("finalLogLoss", finalLoss).with("reached", !times.isEmpty())
        .with("budgetWithinTarget", budget).with("settings", settings).with("fits", fits);
    bench.say("ctr: %s %s", contender, times.isEmpty() ? "did not reach log loss " + target
        : String.format(Locale.ROOT, "median %.0f ms to log loss %.6f (final %.6f)", Samples.median(
            times.stream().mapToDouble(Double::doubleValue).toArray()), target, finalLoss));
    return f;
  }

  /**
   * spark.ml's figure when its budgets stop below --ctr-max-iter and none of its fits reached the
   * target: the time of each run's largest fit, as a lower bound on its time to the target (a fit
   * that reaches it needs a larger maxIter, and a fit's time grows with its maxIter: the same
   * Imputer, hashing and caching, then more iterations). Its ratio to ours is a lower bound too.
   */
  static Figure lowerBound(Figure notReached, List<List<Fit>> runs, int maxIter) {
    double[] largest = runs.stream().mapToDouble(r -> r.get(r.size() - 1).millis()).toArray();
    Figure f = new Figure(notReached.figure, notReached.contender, notReached.unit, largest);
    f.details.putAll(notReached.details);
    return f.with("lowerBound", true).with("notReachedWithinMaxIter", maxIter);
  }

  private static String describe(List<Fit> fits) {
    StringBuilder sb = new StringBuilder();
    for (Fit f : fits) {
      sb.append(sb.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%d: %.5f in %.0f ms", f.budget(),
          f.holdoutLogLoss(), f.millis()));
    }
    return sb.toString();
  }

  private static void delete(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // A temporary directory left behind is not worth failing the benchmark for.
    }
  }
}
