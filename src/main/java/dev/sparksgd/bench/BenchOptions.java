package dev.sparksgd.bench;

import java.util.List;
import java.util.Set;

/** The options of one {@code bench} run, already checked by the command. */
public record BenchOptions(List<Long> rows, List<Integer> features, int sparseNnz, int batchRows,
    int iterations, int rounds, int ttaRuns, Set<String> figures, int numPartitions, long seed,
    double ttaStepSize, double ttaTol, double mllibStepSize, int mllibMaxIter, String ttaOptimizer,
    double ttaMomentum, int miniBatchIterations, String ttaSchedule, int warmUpRounds) {

  public static final String FULL_BATCH = "full-batch";
  public static final String MINI_BATCH = "mini-batch";
  public static final String TIME_TO_ACCURACY = "time-to-accuracy";
  public static final String ROOFLINE = "roofline";
  public static final String MEMORY = "memory";
  public static final List<String> ALL_FIGURES = List.of(FULL_BATCH, MINI_BATCH, TIME_TO_ACCURACY,
      ROOFLINE, MEMORY);
  /** Noise of the generated labels (standard deviation), as the targets fix it. */
  public static final double NOISE = 0.1;
  /** Relative distance to the optimal training loss that counts as "accurate". */
  public static final double ACCURACY = 1e-4;

  public boolean wants(String figure) {
    return figures.contains(figure);
  }

}
