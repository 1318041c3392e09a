package dev.sparksgd.train;

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
import java.util.Map;
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
  /** Checkpoint key of the objective the divergence rule compares against. */
  private static final String FIRST_OBJECTIVE = "firstObjective";

  private final TrainConfig cfg;
  private final Loss loss;

  public Trainer(TrainConfig cfg, Loss loss) {
    this.cfg = cfg;
    this.loss = loss;
  }

  public TrainResult train(JavaSparkContext sc, Dataset data, TrainingListener listener) {
    long start = System.nanoTime();
    int d = data.numFeatures;
    Scaling scaling = new Scaling(data.stats, d, cfg.standardization, cfg.fitIntercept);
    LearningRate rate = cfg.lrSchedule == LrSchedule.INVERSE_SQRT
        ? LearningRate.inverseSqrt(cfg.stepSize) : LearningRate.constant(cfg.stepSize);
    Optimizer optimizer = new Sgd();
    Regularizer regularizer = Regularizer.l2(cfg.regParam);
    int failAt = sc.getConf().getInt(FAIL_TASK_AT_ITERATION, -1);

    double[] params = new double[d + 1];
    List<IterationRecord> history = new ArrayList<>();
    StopReason reason = StopReason.MAX_ITER;
    double firstLoss = Double.NaN;
    int t = 0;
    Checkpoints checkpoints = Checkpoints.open(sc.hadoopConfiguration(), cfg, data);
    Checkpoint from = checkpoints.resumed();
    if (from != null) {
      LOG.info("resuming after iteration {} from {}", from.iteration(), cfg.checkpointDir);
      t = from.iteration();
      params = from.params();
      optimizer.restoreState(from.optimizerState());
      history.addAll(from.history());
      firstLoss = from.loopState().get(FIRST_OBJECTIVE)[0];
    }
    while (t < cfg.maxIter) {
      // The schedules here are pure functions of t: they have no state beyond t to save.
      checkpoints.afterIteration(t, params, optimizer, Map.of(), Map.of(FIRST_OBJECTIVE, new double[] {firstLoss}), history);
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
      double[] g = scaling.gradient(Arrays.copyOf(acc, d), acc[d], weightSum, cfg.fitIntercept);
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
    if (reason == StopReason.MAX_ITER) {
      checkpoints.afterIteration(t, params, optimizer, Map.of(), Map.of(FIRST_OBJECTIVE, new double[] {firstLoss}), history);
    }
    double[] raw = scaling.toRaw(params);
    return new TrainResult(Arrays.copyOf(raw, d), raw[d], params, t, reason, history,
        millisSince(start));
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
