package dev.sparksgd.bench;

import static dev.sparksgd.bench.BenchOptions.FULL_BATCH;
import static dev.sparksgd.bench.BenchOptions.MEMORY;
import static dev.sparksgd.bench.BenchOptions.MINI_BATCH;
import static dev.sparksgd.bench.BenchOptions.PRECISION;
import static dev.sparksgd.bench.BenchOptions.PRECISION_BYTES;
import static dev.sparksgd.bench.BenchOptions.ROOFLINE;
import static dev.sparksgd.bench.BenchOptions.SMALL_DATA;
import static dev.sparksgd.bench.BenchOptions.TIME_TO_ACCURACY;

import dev.sparksgd.config.FeaturePrecision;
import dev.sparksgd.config.LrSchedule;
import dev.sparksgd.config.OptimizerKind;
import dev.sparksgd.config.TrainConfig;
import dev.sparksgd.data.Block;
import dev.sparksgd.data.DataLoader;
import dev.sparksgd.data.Dataset;
import dev.sparksgd.data.FeatureStats;
import dev.sparksgd.data.Generator;
import dev.sparksgd.data.OrderedReduce;
import dev.sparksgd.loss.SquaredLoss;
import dev.sparksgd.train.IterationRecord;
import dev.sparksgd.train.TrainResult;
import dev.sparksgd.train.Trainer;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.IntFunction;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.regression.LinearRegression;
import org.apache.spark.ml.regression.LinearRegressionModel;
import org.apache.spark.mllib.linalg.Vector;
import org.apache.spark.mllib.linalg.Vectors;
import org.apache.spark.mllib.optimization.GradientDescent;
import org.apache.spark.mllib.optimization.LeastSquaresGradient;
import org.apache.spark.mllib.optimization.SimpleUpdater;
import org.apache.spark.mllib.regression.LabeledPoint;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.RDDInfo;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

/**
 * Runs the benchmark for each requested row count: generates the data once per contender inside
 * this application, caches each contender's own representation, and measures the figures with the
 * contenders alternating so that drift of the machine hits all of them.
 */
public final class Benchmark {
  public static final String OURS = "spark-sgd";
  public static final String MLLIB = "mllib-sgd";
  public static final String SPARK_ML = "spark.ml-lbfgs";
  /** Ours on blocks of 4-byte feature values (--feature-precision float32); OURS is float64. */
  public static final String OURS_FLOAT32 = "spark-sgd-float32";
  public static final String ROOFLINE_PER_CORE = "roofline/cores";
  public static final String ROOFLINE_ONE = "roofline-1-thread";
  public static final String ROOFLINE_ALL = "roofline-all-cores";
  /**
   * Ours with --prefetch-mb 0, the iterations off the driver (the small-data figure's other contender):
   * a gang of long-running tasks when every partition has a task slot, else a Spark job per
   * iteration; the figure's mode says which.
   */
  public static final String OURS_JOBS = "spark-sgd-jobs";
  /** spark.ml's Pipeline(Imputer, FeatureHasher, LogisticRegression) (the click-through figure). */
  public static final String SPARK_ML_PIPELINE = "spark.ml-pipeline";
  /** Ours in full-batch iterations at the defaults (lbfgs), the click-through figure's third contender. */
  public static final String OURS_FULL_BATCH = "spark-sgd-full-batch";

  private final SparkSession spark;
  private final JavaSparkContext sc;
  private final BenchOptions o;
  private final PrintStream log;

  public Benchmark(SparkSession spark, BenchOptions options, PrintStream log) {
    this.spark = spark;
    this.sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    this.o = options;
    this.log = log;
  }

  /** The measurements of one row count. */
  public static final class SizeRun {
    public final long rows;
    public final int features;
    public final int sparseNnz;
    public final int partitions;
    public final int cores;
    public final List<Figure> figures = new ArrayList<>();
    public final Map<String, Object> info = new LinkedHashMap<>();
    /** The label of a run whose data is not the generated regression rows, else null. */
    private final String label;

    SizeRun(long rows, int features, int sparseNnz, int partitions, int cores) {
      this(rows, features, sparseNnz, partitions, cores, null);
    }

    SizeRun(long rows, int features, int sparseNnz, int partitions, int cores, String label) {
      this.rows = rows;
      this.features = features;
      this.sparseNnz = sparseNnz;
      this.partitions = partitions;
      this.cores = cores;
      this.label = label;
    }

    public Figure find(String figure, String contender) {
      for (Figure f : figures) {
        if (f.figure.equals(figure) && f.contender.equals(contender)) {
          return f;
        }
      }
      return null;
    }

    public String label() {
      if (label != null) {
        return label;
      }
      return String.format(Locale.ROOT, "%d x %d %s", rows, features,
          sparseNnz > 0 ? "sparse (" + sparseNnz + " nnz/row)" : "dense");
    }
  }

  public List<SizeRun> run() {
    List<SizeRun> runs = new ArrayList<>();
    // The click-through figure has data of its own; the others share the generated regression rows.
    if (o.figures().stream().anyMatch(f -> !f.equals(BenchOptions.CTR))) {
      for (int d : o.features()) {
        for (long n : o.rows()) {
          runs.add(runSize(n, d));
        }
      }
    }
    if (o.wants(BenchOptions.CTR)) {
      for (long n : o.rows()) {
        runs.addAll(new CtrBenchmark(spark, o, this).run(n));
      }
    }
    return runs;
  }

  private SizeRun runSize(long n, int features) {
    int parts = o.numPartitions() > 0 ? o.numPartitions() : sc.defaultParallelism();
    Generator gen = new Generator(o.seed(), features, o.sparseNnz(), BenchOptions.NOISE, 0.0);
    int d = gen.numFeatures();
    SizeRun run = new SizeRun(n, d, gen.isDense() ? 0 : gen.nnzPerRow(), parts, sc.defaultParallelism());
    say("%s, %d partitions, master %s", run.label(), parts, sc.master());
    boolean needMllib = o.wants(FULL_BATCH) || o.wants(MINI_BATCH) || o.wants(TIME_TO_ACCURACY) || o.wants(MEMORY)
        || (o.wants(PRECISION) && gen.isDense());
    boolean needFrame = o.wants(TIME_TO_ACCURACY) || o.wants(MEMORY);

    long t = System.nanoTime();
    Dataset ours = DataLoader.fromGenerator(sc, gen, n, parts);
    run.info.put("oursCacheMillis", millisSince(t));
    JavaRDD<Tuple2<Object, Vector>> pairs = null;
    org.apache.spark.sql.Dataset<Row> frame = null;
    Set<Integer> frameRdds = new HashSet<>();
    try {
      if (needMllib) {
        t = System.nanoTime();
        pairs = ContenderData.mllibPairs(sc, gen, n, parts).persist(StorageLevel.MEMORY_AND_DISK());
        pairs.setName("mllib (label, features) pairs");
        describe("bench: cache MLlib's RDD[(Double, Vector)]");
        pairs.count();
        run.info.put("mllibCacheMillis", millisSince(t));
      }
      if (needFrame) {
        t = System.nanoTime();
        Set<Integer> before = cachedRddIds();
        frame = ContenderData.dataFrame(spark, gen, n, parts).persist(StorageLevel.MEMORY_AND_DISK());
        describe("bench: cache spark.ml's DataFrame");
        frame.count();
        frameRdds.addAll(cachedRddIds());
        frameRdds.removeAll(before);
        run.info.put("sparkMlCacheMillis", millisSince(t));
      }
      describe(null);
      say("cached: ours %.1f s%s%s", ms(run.info.get("oursCacheMillis")) / 1000,
          pairs == null ? "" : String.format(Locale.ROOT, ", MLlib %.1f s", ms(run.info.get("mllibCacheMillis")) / 1000),
          frame == null ? "" : String.format(Locale.ROOT, ", spark.ml %.1f s", ms(run.info.get("sparkMlCacheMillis")) / 1000));

      double mllibStep = o.mllibStepSize() > 0 ? o.mllibStepSize() : autoStep(ours.stats, d, ours.trainRows);
      run.info.put("mllibStepSize", mllibStep);
      if (o.wants(MEMORY)) {
        memory(run, ours, pairs, frameRdds, gen, n, parts);
      }
      if (o.wants(FULL_BATCH)) {
        iterations(run, FULL_BATCH, ours, pairs, 1.0, mllibStep);
      }
      if (o.wants(MINI_BATCH)) {
        double fraction = Math.min(1.0, (double) o.batchRows() / n);
        run.info.put("miniBatchFraction", fraction);
        iterations(run, MINI_BATCH, ours, pairs, fraction, mllibStep);
      }
      if (o.wants(PRECISION)) {
        precision(run, ours, pairs, mllibStep, gen, n, parts);
      }
      if (o.wants(ROOFLINE)) {
        roofline(run, gen, n);
      }
      if (o.wants(SMALL_DATA)) {
        smallData(run, ours, mllibStep);
      }
      if (o.wants(TIME_TO_ACCURACY)) {
        timeToAccuracy(run, ours, pairs, frame, mllibStep, gen.isDense());
      }
    } finally {
      describe(null);
      ours.release();
      if (pairs != null) {
        pairs.unpersist(true);
      }
      if (frame != null) {
        frame.unpersist(true);
      }
    }
    ratios(run);
    return run;
  }

  /**
   * MLlib's SimpleUpdater has no standardization: its step must suit the raw features. 0.8 over
   * the mean second moment of the features is the step our standardized runs use, carried over.
   */
  static double autoStep(FeatureStats stats, int d, long rows) {
    double[] mean = stats.mean();
    double[] std = stats.std();
    double m2 = 0;
    for (int j = 0; j < d; j++) {
      double var = rows > 1 ? std[j] * std[j] * (rows - 1) / rows : 0.0;
      m2 += var + mean[j] * mean[j];
    }
    m2 /= d;
    return m2 > 0 ? 0.8 / m2 : 0.8;
  }

  // ---- memory -------------------------------------------------------------------------------

  private void memory(SizeRun run, Dataset ours, JavaRDD<Tuple2<Object, Vector>> pairs,
      Set<Integer> frameRdds, Generator gen, long n, int parts) {
    long rawDense = 8L * n * (gen.numFeatures() + 1);
    long rawValues = 8L * n * (gen.nnzPerRow() + 1);
    Figure f = bytes(run, OURS, storedBytes(Set.of(ours.blocks.id())))
        .with("vsRawDense", (double) storedBytes(Set.of(ours.blocks.id())) / rawDense)
        .with("vsRawValues", (double) storedBytes(Set.of(ours.blocks.id())) / rawValues)
        .with("blockArrayBytes", ours.cachedBytes);
    say("memory: ours %s", human(f.median()));
    if (pairs != null) {
      bytes(run, MLLIB, storedBytes(Set.of(pairs.id()))).with("representation", "RDD[(Double, Vector)]");
    }
    // MLlib's RDD[LabeledPoint], cached only for this measurement.
    JavaRDD<LabeledPoint> points = ContenderData.labeledPoints(sc, gen, n, parts).persist(StorageLevel.MEMORY_AND_DISK());
    describe("bench: cache MLlib's RDD[LabeledPoint] (memory figure)");
    points.count();
    describe(null);
    bytes(run, "mllib-labeledpoint", storedBytes(Set.of(points.id()))).with("representation", "RDD[LabeledPoint]");
    points.unpersist(true);
    if (!frameRdds.isEmpty()) {
      bytes(run, SPARK_ML, storedBytes(frameRdds)).with("representation", "cached DataFrame (label, features)");
    }
    bytes(run, "raw 8*N*(D+1)", rawDense);
    if (!gen.isDense()) {
      bytes(run, "raw 8*N*(K+1)", rawValues).with("note", "values and labels only, no indices");
    }
  }

  private Figure bytes(SizeRun run, String contender, long bytes) {
    Figure f = new Figure(MEMORY, contender, "bytes", new double[] {bytes});
    run.figures.add(f);
    return f;
  }

  Set<Integer> cachedRddIds() {
    Set<Integer> ids = new HashSet<>();
    for (RDDInfo i : sc.sc().getRDDStorageInfo()) {
      ids.add(i.id());
    }
    return ids;
  }

  /** Memory plus disk bytes Spark's storage reports for these cached RDDs. */
  /**
   * The cached bytes of the RDDs {@code ids} as the block manager master knows them. A task's
   * report of a block it cached can reach the master after the job that cached it has ended (seen
   * on Spark 4 under load), so this reads until two reads a little apart agree on a non-zero size,
   * for at most 30 s.
   */
  long storedBytes(Set<Integer> ids) {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
    long last = storedBytesNow(ids);
    while (System.nanoTime() < deadline) {
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      long now = storedBytesNow(ids);
      if (now > 0 && now == last) {
        return now;
      }
      last = now;
    }
    return last;
  }

  private long storedBytesNow(Set<Integer> ids) {
    long b = 0;
    for (RDDInfo i : sc.sc().getRDDStorageInfo()) {
      if (ids.contains(i.id())) {
        b += i.memSize() + i.diskSize();
      }
    }
    return b;
  }

  // ---- iteration times ----------------------------------------------------------------------

  /**
   * Per-iteration wall time of ours and of MLlib's runMiniBatchSGD, alternating: {@code
   * warmUpRounds} untimed calls of each, then {@code rounds} rounds in which each contender runs a few iterations. Each
   * iteration's time is the gap between successive end-of-iteration stamps on the driver.
   */
  private void iterations(SizeRun run, String figure, Dataset ours, JavaRDD<Tuple2<Object, Vector>> pairs,
      double fraction, double step) {
    int timed = fraction < 1.0 ? o.miniBatchIterations() : o.iterations();
    int perRound = (timed + o.rounds() - 1) / o.rounds();
    int warmUp = Math.max(3, perRound);
    say("%s: %d warm-up rounds of %d iterations, then %d rounds of %d iterations each (fraction %.6g)",
        figure, o.warmUpRounds(), warmUp, o.rounds(), perRound, fraction);
    IntFunction<IterRun> oursRun = k -> oursIterations(ours, fraction, step, k, TrainConfig.DEFAULT_PREFETCH_MB);
    IntFunction<IterRun> mllibRun = k -> mllibIterations(pairs, ours.numFeatures, fraction, step, k);
    for (int w = 0; w < o.warmUpRounds(); w++) {
      oursRun.apply(warmUp);
      mllibRun.apply(warmUp);
    }
    double[] a = new double[0];
    double[] b = new double[0];
    IterRun lastOurs = null;
    IterRun lastMllib = null;
    // Full batch: the gaps between iterations of a call are the samples. Mini-batches: each call's
    // mean is one sample, so work done once per call (ours draws the call's mini-batches ahead in
    // one job) is spread over the iterations it serves, not left out of the median.
    boolean perCall = fraction < 1.0;
    for (int r = 0; r < o.rounds(); r++) {
      lastOurs = oursRun.apply(perRound);
      // Full batch: the gaps between iterations of a call, as for MLlib (whose first iteration has no
      // earlier stamp); our first gap, from the call's start, would also time the trainer's set-up.
      a = Samples.concat(a, perCall ? new double[] {Samples.mean(lastOurs.millis)}
          : Arrays.copyOfRange(lastOurs.millis, Math.min(1, lastOurs.millis.length), lastOurs.millis.length));
      lastMllib = mllibRun.apply(perRound);
      b = Samples.concat(b, perCall ? new double[] {Samples.mean(lastMllib.millis)} : lastMllib.millis);
    }
    Figure fo = new Figure(figure, OURS, "ms", a).with("rowsPerIteration", lastOurs.rows).with("mode", lastOurs.mode);
    Figure fm = new Figure(figure, MLLIB, "ms", b);
    if (perCall) {
      fo.with("sampleKind", "mean of each call of " + perRound + " iterations");
      fm.with("sampleKind", "mean of each call of " + perRound + " iterations");
    }
    if (fraction >= 1.0) {
      // Same start, step, schedule and data: the weights must agree (a check that we ran the same math).
      double diff = 0;
      for (int j = 0; j < lastOurs.weights.length; j++) {
        diff = Math.max(diff, Math.abs(lastOurs.weights[j] - lastMllib.weights[j]));
      }
      fo.with("maxWeightDifferenceVsMllib", diff);
    }
    // Where each contender's cache was after its timed calls: the iteration times include reading
    // from disk whatever did not fit in memory.
    long[] oursCache = ours.cacheUse();
    long[] mllibCache = Dataset.cacheUse(pairs);
    fo.with("cacheMemoryBytes", oursCache[0]).with("cacheDiskBytes", oursCache[1]);
    fm.with("cacheMemoryBytes", mllibCache[0]).with("cacheDiskBytes", mllibCache[1]);
    run.figures.add(fo);
    run.figures.add(fm);
    say("%s: ours median %.1f ms, MLlib median %.1f ms", figure, fo.median(), fm.median());
    if (oursCache[1] + mllibCache[1] > 0) {
      say("%s: cached on disk: ours %s of %s, MLlib %s of %s", figure, human(oursCache[1]),
          human(oursCache[0] + oursCache[1]), human(mllibCache[1]), human(mllibCache[0] + mllibCache[1]));
    }
  }

  /**
   * Our full-batch iteration on the driver's threads (--prefetch-mb at its largest, so the rows are
   * fetched once) against --prefetch-mb 0 (a gang, or a Spark job per iteration), alternating as
   * {@link #iterations} does; each call's first gap, which holds the set-up (and the fetch), is not
   * a sample. Skipped when the cached blocks exceed the largest budget.
   */
  private void smallData(SizeRun run, Dataset ours, double step) {
    int budget = TrainConfig.MAX_PREFETCH_MB;
    if (ours.cachedBytes > budget * 1024L * 1024L) {
      run.info.put(SMALL_DATA, "skipped: " + human(ours.cachedBytes) + " of cached blocks exceed --prefetch-mb " + budget);
      say("%s: skipped (%s of cached blocks exceed --prefetch-mb %d)", SMALL_DATA, human(ours.cachedBytes), budget);
      return;
    }
    int perRound = (o.iterations() + o.rounds() - 1) / o.rounds();
    int warmUp = Math.max(3, perRound);
    IntFunction<IterRun> driver = k -> oursIterations(ours, 1.0, step, k, budget);
    IntFunction<IterRun> jobs = k -> oursIterations(ours, 1.0, step, k, 0);
    for (int w = 0; w < o.warmUpRounds(); w++) {
      driver.apply(warmUp);
      jobs.apply(warmUp);
    }
    double[] a = new double[0];
    double[] b = new double[0];
    IterRun lastDriver = null;
    IterRun lastJobs = null;
    for (int r = 0; r < o.rounds(); r++) {
      lastDriver = driver.apply(perRound);
      a = Samples.concat(a, Arrays.copyOfRange(lastDriver.millis, Math.min(1, lastDriver.millis.length),
          lastDriver.millis.length));
      lastJobs = jobs.apply(perRound);
      b = Samples.concat(b, Arrays.copyOfRange(lastJobs.millis, Math.min(1, lastJobs.millis.length),
          lastJobs.millis.length));
    }
    boolean same = Arrays.equals(lastDriver.weights, lastJobs.weights);
    run.figures.add(new Figure(SMALL_DATA, OURS, "ms", a).with("mode", "driver threads, --prefetch-mb " + budget)
        .with("cachedBytes", ours.cachedBytes).with("sameWeightsAsJobs", same));
    run.figures.add(new Figure(SMALL_DATA, OURS_JOBS, "ms", b).with("mode", lastJobs.mode + ", --prefetch-mb 0"));
    say("%s: driver median %.2f ms, --prefetch-mb 0 (%s) median %.2f ms (%.1f x); same weights: %s", SMALL_DATA,
        Samples.median(a), lastJobs.mode, Samples.median(b), Samples.median(b) / Samples.median(a), same);
  }

  /** {@code mode}: where our iterations ran ({@link TrainResult#iterationMode}; MLlib: Spark jobs). */
  private record IterRun(double[] millis, double[] weights, long rows, String mode) {
  }

  private TrainConfig.Builder oursBase() {
    return TrainConfig.builder().dataPath("(generated)").outputPath("(none)").seed(o.seed())
        .minStepSize(0).tol(0);
  }

  private IterRun oursIterations(Dataset ours, double fraction, double step, int k, int prefetchMb) {
    // MLlib's update: inverse-sqrt schedule, no intercept, optimized on the raw features.
    TrainConfig cfg = oursBase().maxIter(k).miniBatchFraction(fraction).stepSize(step).prefetchMb(prefetchMb)
        .lrSchedule(LrSchedule.INVERSE_SQRT).fitIntercept(false).standardization(false).precondition(false)
        .build();
    long[] stamps = new long[k + 1];
    int[] count = {1};
    long[] rows = {0};
    stamps[0] = System.nanoTime();
    TrainResult r = new Trainer(cfg, SquaredLoss.INSTANCE).train(sc, ours, (rec, max) -> {
      if (count[0] < stamps.length) {
        stamps[count[0]++] = System.nanoTime();
      }
      rows[0] += rec.batchRows();
    });
    return new IterRun(Samples.intervalsMillis(stamps, count[0]), r.coefficients(), rows[0] / Math.max(1, count[0] - 1),
        r.iterationMode());
  }

  private IterRun mllibIterations(JavaRDD<Tuple2<Object, Vector>> pairs, int d, double fraction, double step, int k) {
    TimingUpdater u = new TimingUpdater(new SimpleUpdater());
    describe("bench: MLlib runMiniBatchSGD, " + k + " iterations");
    Tuple2<Vector, double[]> r = GradientDescent.runMiniBatchSGD(pairs.rdd(), new LeastSquaresGradient(), u,
        step, k, 0.0, fraction, Vectors.zeros(d), 0.0);
    describe(null);
    long[] s = u.stamps();
    return new IterRun(Samples.intervalsMillis(s, s.length), r._1().toArray(), 0, "Spark jobs");
  }

  // ---- precision ----------------------------------------------------------------------------

  /**
   * The same rows cached again with 4-byte feature values: the cached bytes of both, then
   * full-batch iterations of float64, float32 (and MLlib where cached) alternating, as in
   * {@link #iterations}. The float32 blocks are dropped afterwards.
   */
  private void precision(SizeRun run, Dataset ours, JavaRDD<Tuple2<Object, Vector>> pairs, double step,
      Generator gen, long n, int parts) {
    long t = System.nanoTime();
    Dataset ours32 = DataLoader.fromGenerator(sc, gen, n, parts, FeaturePrecision.FLOAT32);
    run.info.put("oursFloat32CacheMillis", millisSince(t));
    try {
      long rawDense = 8L * n * (gen.numFeatures() + 1);
      long rawValues = 8L * n * (gen.nnzPerRow() + 1);
      long b64 = storedBytes(Set.of(ours.blocks.id()));
      long b32 = storedBytes(Set.of(ours32.blocks.id()));
      for (Object[] c : new Object[][] {{OURS, b64, ours}, {OURS_FLOAT32, b32, ours32}}) {
        long b = (Long) c[1];
        Figure f = new Figure(PRECISION_BYTES, (String) c[0], "bytes", new double[] {b})
            .with("vsRawDense", (double) b / rawDense).with("blockArrayBytes", ((Dataset) c[2]).cachedBytes);
        if (!gen.isDense()) {
          f.with("vsRawValues", (double) b / rawValues);
        }
        run.figures.add(f);
      }
      run.figures.add(new Figure(PRECISION_BYTES, "raw 8*N*(D+1)", "bytes", new double[] {rawDense}));
      if (!gen.isDense()) {
        run.figures.add(new Figure(PRECISION_BYTES, "raw 8*N*(K+1)", "bytes", new double[] {rawValues}));
      }
      say("precision: cached float64 %s, float32 %s (%.3f x)", human(b64), human(b32), (double) b32 / b64);

      int perRound = (o.iterations() + o.rounds() - 1) / o.rounds();
      int warmUp = Math.max(3, perRound);
      List<String> names = new ArrayList<>(List.of(OURS, OURS_FLOAT32));
      List<IntFunction<IterRun>> calls = new ArrayList<>(List.of(
          k -> oursIterations(ours, 1.0, step, k, TrainConfig.DEFAULT_PREFETCH_MB),
          k -> oursIterations(ours32, 1.0, step, k, TrainConfig.DEFAULT_PREFETCH_MB)));
      if (pairs != null) {
        names.add(MLLIB);
        calls.add(k -> mllibIterations(pairs, ours.numFeatures, 1.0, step, k));
      }
      for (int w = 0; w < o.warmUpRounds(); w++) {
        for (IntFunction<IterRun> c : calls) {
          c.apply(warmUp);
        }
      }
      double[][] samples = new double[calls.size()][0];
      IterRun[] last = new IterRun[calls.size()];
      for (int r = 0; r < o.rounds(); r++) {
        for (int c = 0; c < calls.size(); c++) {
          last[c] = calls.get(c).apply(perRound);
          double[] ms = last[c].millis;
          // Ours: the gaps between iterations (the first, from the call's start, times the set-up).
          samples[c] = Samples.concat(samples[c], names.get(c).equals(MLLIB) ? ms
              : Arrays.copyOfRange(ms, Math.min(1, ms.length), ms.length));
        }
      }
      double diff = 0;
      double scale = 0;
      for (int j = 0; j < last[0].weights.length; j++) {
        diff = Math.max(diff, Math.abs(last[0].weights[j] - last[1].weights[j]));
        scale = Math.max(scale, Math.abs(last[0].weights[j]));
      }
      for (int c = 0; c < calls.size(); c++) {
        Figure f = new Figure(PRECISION, names.get(c), "ms", samples[c]).with("mode", last[c].mode);
        if (names.get(c).equals(OURS_FLOAT32)) {
          f.with("maxWeightDifferenceVsFloat64", diff).with("maxAbsWeightFloat64", scale);
        }
        run.figures.add(f);
      }
      say("precision: full-batch median float64 %.1f ms, float32 %.1f ms%s", Samples.median(samples[0]),
          Samples.median(samples[1]), pairs == null ? ""
              : String.format(Locale.ROOT, ", MLlib %.1f ms", Samples.median(samples[2])));
    } finally {
      ours32.release();
    }
  }

  // ---- roofline -----------------------------------------------------------------------------

  private void roofline(SizeRun run, Generator gen, long n) {
    say("roofline: building one plain array of the rows on the driver");
    Roofline roof = Roofline.build(gen, n);
    if (roof == null) {
      run.info.put("roofline", "skipped: the rows do not fit one Java array");
      say("roofline: skipped (more than 2^31 values)");
      return;
    }
    double[] coef = gen.weights();
    for (int j = 0; j < coef.length; j++) {
      coef[j] *= 0.5;
    }
    int times = Math.max(o.iterations(), 10);
    double[] ms = roof.time(coef, 0.1, 2, times);
    double[] perCore = ms.clone();
    for (int i = 0; i < perCore.length; i++) {
      perCore[i] /= run.cores;
    }
    run.figures.add(new Figure(FULL_BATCH, ROOFLINE_ONE, "ms", ms));
    run.figures.add(new Figure(FULL_BATCH, ROOFLINE_PER_CORE, "ms", perCore).with("cores", run.cores));
    say("roofline: one thread %.1f ms per pass, ÷ %d cores = %.1f ms", Samples.median(ms), run.cores,
        Samples.median(perCore));
    if (run.cores > 1) {
      double[] all = roof.timeParallel(coef, 0.1, run.cores, 2, times);
      run.figures.add(new Figure(FULL_BATCH, ROOFLINE_ALL, "ms", all).with("threads", run.cores));
      say("roofline: %d threads on equal row ranges %.1f ms per pass (%.2f x one thread)", run.cores,
          Samples.median(all), Samples.median(ms) / Samples.median(all));
    }
  }

  // ---- time to accuracy ---------------------------------------------------------------------

  private void timeToAccuracy(SizeRun run, Dataset ours, JavaRDD<Tuple2<Object, Vector>> pairs,
      org.apache.spark.sql.Dataset<Row> frame, double mllibStep, boolean dense) {
    int d = ours.numFeatures;
    long t = System.nanoTime();
    describe("bench: optimum with intercept");
    LeastSquares.Solution withB = LeastSquares.solve(ours.blocks, d, dense, true);
    describe("bench: optimum without intercept");
    LeastSquares.Solution noB = LeastSquares.solve(ours.blocks, d, dense, false);
    describe(null);
    Map<String, Object> opt = new LinkedHashMap<>();
    opt.put("method", withB.method());
    opt.put("loss", withB.loss());
    opt.put("lossWithoutIntercept", noB.loss());
    opt.put("passes", withB.passes() + noB.passes());
    opt.put("relativeResidual", withB.relativeResidual());
    opt.put("relativeResidualWithoutIntercept", noB.relativeResidual());
    opt.put("millis", millisSince(t));
    run.info.put("optimum", opt);
    double target = withB.loss() * (1 + BenchOptions.ACCURACY);
    double targetNoB = noB.loss() * (1 + BenchOptions.ACCURACY);
    say("optimum: loss %.9g (%s, %d passes, %.0f ms); target %.9g", withB.loss(), withB.method(),
        withB.passes() + noB.passes(), ms(opt.get("millis")), target);

    List<Double> oursMs = new ArrayList<>();
    List<Double> mlMs = new ArrayList<>();
    Map<String, Object> oursInfo = new LinkedHashMap<>();
    Map<String, Object> mlInfo = new LinkedHashMap<>();
    for (int r = 0; r < o.ttaRuns(); r++) {
      oursTta(ours, target, oursMs, oursInfo);
      sparkMlTta(frame, ours, target, mlMs, mlInfo);
    }
    run.figures.add(ttaFigure(OURS, oursMs, oursInfo, target));
    run.figures.add(ttaFigure(SPARK_ML, mlMs, mlInfo, target));
    Map<String, Object> mllibInfo = new LinkedHashMap<>();
    List<Double> mllibMs = new ArrayList<>();
    mllibTta(pairs, ours, d, mllibStep, targetNoB, mllibMs, mllibInfo);
    run.figures.add(ttaFigure(MLLIB, mllibMs, mllibInfo, targetNoB));
  }

  private Figure ttaFigure(String contender, List<Double> ms, Map<String, Object> info, double target) {
    double[] s = ms.stream().mapToDouble(Double::doubleValue).toArray();
    Figure f = new Figure(TIME_TO_ACCURACY, contender, "ms", s);
    f.details.put("targetLoss", target);
    f.details.putAll(info);
    f.details.put("reached", s.length > 0);
    say("time to accuracy: %s %s", contender, s.length > 0
        ? String.format(Locale.ROOT, "median %.0f ms", Samples.median(s)) : "not reached " + info);
    return f;
  }

  private void oursTta(Dataset ours, double target, List<Double> times, Map<String, Object> info) {
    TrainConfig cfg = oursBase().maxIter(1000).stepSize(o.ttaStepSize())
        .lrSchedule(LrSchedule.parse(o.ttaSchedule()))
        .fitIntercept(true).standardization(true).miniBatchFraction(1.0).tol(o.ttaTol())
        .optimizer(OptimizerKind.parse(o.ttaOptimizer())).momentum(o.ttaMomentum()).build();
    long t = System.nanoTime();
    // Our feature statistics come with the cached blocks; redo that pass here so the time counts
    // the standardization work spark.ml's fit includes.
    describe("bench: feature statistics (time to accuracy)");
    long s = System.nanoTime();
    statistics(ours.blocks);
    info.put("statisticsMillis", millisSince(s));
    TrainResult r = new Trainer(cfg, SquaredLoss.INSTANCE).train(sc, ours, dev.sparksgd.train.TrainingListener.NONE);
    double millis = millisSince(t);
    double loss = LeastSquares.loss(ours.blocks, r.coefficients(), r.intercept());
    info.put("settings", "full batch, standardization, optimizer " + o.ttaOptimizer()
        + (o.ttaOptimizer().equals("momentum") || o.ttaOptimizer().equals("nesterov") ? " " + o.ttaMomentum() : "")
        + ", schedule " + o.ttaSchedule() + ", step " + o.ttaStepSize() + ", tol " + o.ttaTol() + ", min-step-size 0");
    info.put("iterations", r.iterations());
    info.put("stopReason", r.stopReason().label());
    info.put("finalLoss", loss);
    int first = 0;
    for (IterationRecord rec : r.history()) {
      if (rec.loss() <= target) {
        first = rec.iteration() - 1; // that loss belongs to the weights the iteration started from
        break;
      }
    }
    info.put("firstIterationWithinTarget", first);
    if (loss <= target) {
      times.add(millis);
    }
  }

  private static FeatureStats statistics(JavaRDD<Block> blocks) {
    return OrderedReduce.reduce(blocks.mapPartitions(it -> {
      FeatureStats.Accumulator s = new FeatureStats.Accumulator();
      while (it.hasNext()) {
        Block b = it.next();
        if (!b.holdout) {
          s.add(b);
        }
      }
      return List.of(s.finish()).iterator();
    }), FeatureStats::merge);
  }

  private void sparkMlTta(org.apache.spark.sql.Dataset<Row> frame, Dataset ours, double target,
      List<Double> times, Map<String, Object> info) {
    LinearRegression lr = new LinearRegression().setSolver("l-bfgs");
    describe("bench: spark.ml LinearRegression l-bfgs");
    long t = System.nanoTime();
    LinearRegressionModel m = lr.fit(frame);
    double millis = millisSince(t);
    describe(null);
    double loss = LeastSquares.loss(ours.blocks, m.coefficients().toArray(), m.intercept());
    info.put("settings", "solver l-bfgs, maxIter " + lr.getMaxIter() + ", tol " + lr.getTol()
        + ", standardization " + lr.getStandardization() + ", fitIntercept " + lr.getFitIntercept());
    info.put("iterations", m.summary().totalIterations());
    info.put("finalLoss", loss);
    if (loss <= target) {
      times.add(millis);
    }
  }

  /**
   * MLlib SGD, capped: its loss history gives the loss of the weights each iteration starts from,
   * and the updater's stamps say when those weights existed. The time is that of the first weights
   * within target, as if MLlib had stopped there.
   */
  private void mllibTta(JavaRDD<Tuple2<Object, Vector>> pairs, Dataset ours, int d, double step,
      double target, List<Double> times, Map<String, Object> info) {
    TimingUpdater u = new TimingUpdater(new SimpleUpdater());
    describe("bench: MLlib SGD (time to accuracy)");
    long t = System.nanoTime();
    Tuple2<Vector, double[]> r = GradientDescent.runMiniBatchSGD(pairs.rdd(), new LeastSquaresGradient(), u,
        step, o.mllibMaxIter(), 0.0, 1.0, Vectors.zeros(d), 0.0);
    describe(null);
    long[] s = u.stamps();
    double[] history = r._2();
    double finalLoss = LeastSquares.loss(ours.blocks, r._1().toArray(), 0.0);
    info.put("settings", "fraction 1.0, SimpleUpdater step " + step + "/sqrt(t), no intercept, at most "
        + o.mllibMaxIter() + " iterations; timed to the first weights within target");
    info.put("finalLoss", finalLoss);
    info.put("iterationsRun", history.length);
    for (int i = 0; i < history.length; i++) {
      if (history[i] <= target) {
        // history[i] is the loss of the weights after i updates, which exist at stamp i.
        times.add((s[i] - t) / 1e6);
        info.put("iterations", i);
        return;
      }
    }
    if (finalLoss <= target) {
      times.add((s[s.length - 1] - t) / 1e6);
      info.put("iterations", history.length);
    }
  }

  // ---- ratios and helpers -------------------------------------------------------------------

  static void ratios(SizeRun run) {
    for (Figure f : run.figures) {
      Figure ours = run.find(f.figure, OURS);
      if (ours != null && ours.samples.length > 0 && f.samples.length > 0 && ours.median() > 0) {
        f.ratio = f.median() / ours.median();
      }
    }
  }

  void describe(String s) {
    sc.setJobDescription(s);
  }

  void say(String fmt, Object... args) {
    log.println("bench: " + String.format(Locale.ROOT, fmt, args));
    log.flush();
  }

  static double millisSince(long t) {
    return (System.nanoTime() - t) / 1e6;
  }

  private static double ms(Object o) {
    return ((Number) o).doubleValue();
  }

  static String human(double bytes) {
    return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
  }
}
