package dev.sparksgd.bench;

import java.util.List;
import java.util.Set;

/** The options of one {@code bench} run, already checked by the command. */
public record BenchOptions(List<Long> rows, List<Integer> features, int sparseNnz, int batchRows,
    int iterations, int rounds, int ttaRuns, Set<String> figures, int numPartitions, long seed,
    double ttaStepSize, double ttaTol, double mllibStepSize, int mllibMaxIter, String ttaOptimizer,
    double ttaMomentum, int miniBatchIterations, String ttaSchedule, int warmUpRounds, List<Integer> ctrHashBits,
    int ctrEpochs, int ctrMaxIter, double ctrRegParam, int ctrMlMaxIter) {

  public static final String FULL_BATCH = "full-batch";
  public static final String MINI_BATCH = "mini-batch";
  public static final String TIME_TO_ACCURACY = "time-to-accuracy";
  public static final String ROOFLINE = "roofline";
  public static final String MEMORY = "memory";
  /** Full-batch iteration time of float32 and float64 blocks (and MLlib's, for dense rows). */
  public static final String PRECISION = "precision";
  /** Cached bytes of float32 and float64 blocks (measured with {@link #PRECISION}). */
  public static final String PRECISION_BYTES = "precision-bytes";
  /** Full-batch iterations of ours on the driver's threads against the same with --prefetch-mb 0. */
  public static final String SMALL_DATA = "small-data";
  /**
   * Click-through rows ({@code generate --kind ctr}): time to a holdout log loss of ours (hashed,
   * logistic, mini-batch SGD) and of spark.ml's Pipeline(Imputer, FeatureHasher, LogisticRegression).
   */
  public static final String CTR = "ctr";
  /** Our mini-batch iteration on the click rows (measured with {@link #CTR}). */
  public static final String CTR_ITERATION = "ctr-iteration";
  /** Cached bytes of the click rows, ours and spark.ml's (measured with {@link #CTR}). */
  public static final String CTR_MEMORY = "ctr-memory";
  /** The target log loss of the click figure: this much above the better final one (0.5%). */
  public static final double CTR_TOLERANCE = 0.005;
  public static final List<String> ALL_FIGURES = List.of(FULL_BATCH, MINI_BATCH, TIME_TO_ACCURACY,
      ROOFLINE, MEMORY, SMALL_DATA, PRECISION, CTR);
  /** Noise of the generated labels (standard deviation), as the targets fix it. */
  public static final double NOISE = 0.1;
  /** Relative distance to the optimal training loss that counts as "accurate". */
  public static final double ACCURACY = 1e-4;

  /** spark.ml's largest maxIter in the ctr figure: --ctr-ml-max-iter, or --ctr-max-iter when 0. */
  public int ctrMlLargestMaxIter() {
    return ctrMlMaxIter > 0 ? Math.min(ctrMlMaxIter, ctrMaxIter) : ctrMaxIter;
  }

  /** Whether spark.ml's budgets in the ctr figure stop below --ctr-max-iter (its final fit is then not converged). */
  public boolean ctrMlBounded() {
    return ctrMlLargestMaxIter() < ctrMaxIter;
  }

  public boolean wants(String figure) {
    return figures.contains(figure);
  }

}
