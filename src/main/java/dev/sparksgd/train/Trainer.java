package dev.sparksgd.train;

import dev.sparksgd.config.ConfigException;
import dev.sparksgd.config.LrSchedule;
import dev.sparksgd.config.TrainConfig;
import dev.sparksgd.data.Dataset;
import dev.sparksgd.data.OrderedReduce;
import dev.sparksgd.loss.Loss;
import dev.sparksgd.optim.LearningRate;
import dev.sparksgd.optim.Optimizer;
import dev.sparksgd.optim.Regularizer;
import dev.sparksgd.optim.Sgd;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The driver loop: broadcast the weights, sum partial gradients over the sampled mini-batches in
 * partition order, take an optimizer step, apply the stopping rules.
 */
public final class Trainer {
  private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);
  /** Spark conf key of a test hook: the first attempt of partition 0's task fails at this iteration. */
  public static final String FAIL_TASK_AT_ITERATION = "spark.sgd.test.failTaskAtIteration";
  /** A loss above this multiple of the first iteration's loss counts as divergence. */
  static final double DIVERGENCE_FACTOR = 1e6;

  private final TrainConfig cfg;
  private final Loss loss;
  /** Warm start in original units [β, c, extra…], or null to start from zero. */
  private double[] start;

  public Trainer(TrainConfig cfg, Loss loss) {
    this.cfg = cfg;
    this.loss = loss;
  }

  /**
   * Starts from a model instead of zero: coefficients and intercept in original feature units,
   * and the loss's extra parameters in optimizer space (null = the loss's defaults).
   */
  public Trainer startFrom(double[] coefficients, double intercept, double[] extraParams) {
    int d = coefficients.length;
    double[] extra = extraParams != null ? extraParams : loss.initialExtraParams();
    start = new double[d + 1 + extra.length];
    System.arraycopy(coefficients, 0, start, 0, d);
    start[d] = cfg.fitIntercept ? intercept : 0.0;
    System.arraycopy(extra, 0, start, d + 1, extra.length);
    return this;
  }

  /** The first iterate: zero weights and the loss's starting extras, or the warm start. */
  private double[] initialParams(Scaling scaling, int d) {
    if (start != null) {
      if (start.length != d + 1 + loss.numExtraParams()) {
        throw new IllegalArgumentException("warm start has " + (start.length - 1 - loss.numExtraParams())
            + " features, the data " + d);
      }
      return scaling.fromRaw(start);
    }
    double[] params = new double[d + 1 + loss.numExtraParams()];
    double[] extra = loss.initialExtraParams();
    System.arraycopy(extra, 0, params, d + 1, extra.length);
    return params;
  }

  public TrainResult train(JavaSparkContext sc, Dataset data, TrainingListener listener) {
    long start = System.nanoTime();
    int d = data.numFeatures;
    if (loss.isClassification() && !data.hasBothClasses()) {
      throw new ConfigException("--data " + cfg.dataPath + ": the training rows hold only one class; "
          + "--loss " + loss.name() + " needs both (labels 0/1 or -1/+1)");
    }
    Scaling scaling = new Scaling(data.stats, d, cfg.standardization, cfg.fitIntercept);
    LearningRate rate = cfg.lrSchedule == LrSchedule.INVERSE_SQRT
        ? LearningRate.inverseSqrt(cfg.stepSize) : LearningRate.constant(cfg.stepSize);
    Optimizer optimizer = new Sgd();
    Regularizer regularizer = Regularizer.l2(cfg.regParam);
    int failAt = sc.getConf().getInt(FAIL_TASK_AT_ITERATION, -1);

    double[] params = initialParams(scaling, d);
    List<IterationRecord> history = new ArrayList<>();
    StopReason reason = StopReason.MAX_ITER;
    double firstLoss = Double.NaN;
    int t = 0;
    while (t < cfg.maxIter) {
      t++;
      long iterStart = System.nanoTime();
      double[] raw = scaling.toRaw(params);
      Broadcast<double[]> bc = sc.broadcast(raw);
      double[] acc;
      sc.setJobDescription("iteration " + t + ": gradient");
      try {
        JavaRDD<double[]> partials = data.blocks.mapPartitionsWithIndex(
            new GradientTask(bc, d, loss, cfg.miniBatchFraction, cfg.seed, t, failAt), false);
        acc = OrderedReduce.reduce(partials, Trainer::addInPlace);
      } finally {
        sc.setJobDescription(null);
        bc.destroy();
      }
      double weightSum = acc[d + 2];
      long rows = (long) acc[d + 3];
      double eta = rate.rate(t);
      if (weightSum <= 0) {
        LOG.warn("iteration {}: the mini-batch is empty (fraction {} too small?); weights unchanged",
            t, cfg.miniBatchFraction);
        IterationRecord r = new IterationRecord(t, Double.NaN, Double.NaN, eta, 0.0, Double.NaN,
            millisSince(iterStart), 0);
        history.add(r);
        listener.onIteration(r, cfg.maxIter);
        continue;
      }
      double[] g = withExtraGradient(scaling.gradient(Arrays.copyOf(acc, d), acc[d], weightSum,
          cfg.fitIntercept), acc, d, weightSum);
      double batchLoss = acc[d + 1] / weightSum;
      double objective = batchLoss + regularizer.value(params, d);
      regularizer.addGradient(params, d, g);
      double[] before = params.clone();
      optimizer.step(params, g, eta);
      double stepNorm = distance(before, params);
      IterationRecord r = new IterationRecord(t, batchLoss, objective, eta, stepNorm, norm(g),
          millisSince(iterStart), rows);
      history.add(r);
      listener.onIteration(r, cfg.maxIter);

      if (Double.isNaN(firstLoss)) {
        firstLoss = objective;
      }
      if (!Double.isFinite(objective) || !allFinite(params)
          || (firstLoss > 0 && objective > DIVERGENCE_FACTOR * firstLoss)) {
        reason = StopReason.DIVERGED;
        break;
      }
      if (stepNorm < cfg.minStepSize) {
        reason = StopReason.MIN_STEP_SIZE;
        break;
      }
      if (stepNorm < cfg.tol * Math.max(norm(params), 1.0)) {
        reason = StopReason.TOL;
        break;
      }
    }
    double[] raw = scaling.toRaw(params);
    return new TrainResult(Arrays.copyOf(raw, d), raw[d], params, t, reason, history,
        millisSince(start));
  }

  /** Appends the mean gradient of the loss's extra parameters (summed after the row count). */
  static double[] withExtraGradient(double[] g, double[] acc, int d, double weightSum) {
    int k = acc.length - GradientTask.width(d);
    if (k == 0) {
      return g;
    }
    double[] out = Arrays.copyOf(g, d + 1 + k);
    for (int i = 0; i < k; i++) {
      out[d + 1 + i] = acc[GradientTask.width(d) + i] / weightSum;
    }
    return out;
  }

  static double[] addInPlace(double[] into, double[] other) {
    for (int i = 0; i < into.length; i++) {
      into[i] += other[i];
    }
    return into;
  }

  static double norm(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x * x;
    }
    return Math.sqrt(s);
  }

  static double distance(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      double x = a[i] - b[i];
      s += x * x;
    }
    return Math.sqrt(s);
  }

  private static boolean allFinite(double[] v) {
    for (double x : v) {
      if (!Double.isFinite(x)) {
        return false;
      }
    }
    return true;
  }

  private static long millisSince(long nanoStart) {
    return (System.nanoTime() - nanoStart) / 1_000_000L;
  }
}
