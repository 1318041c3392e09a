package dev.sparksgd.train;

import dev.sparksgd.data.Block;
import dev.sparksgd.data.IndexSampler;
import dev.sparksgd.data.Seeds;
import dev.sparksgd.loss.Loss;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.broadcast.Broadcast;

/**
 * One task of a model-averaging iteration (Zinkevich et al. 2010, parallel SGD): draw the
 * mini-batch by index from (seed, t, p) as GradientTask does, measure the loss there at the
 * broadcast parameters, then run K per-example SGD steps over the drawn rows (in order, cycling
 * when K exceeds them; K = 0 means one step per row) starting from the broadcast parameters. The
 * steps are taken in the optimizer's space (standardized features, z_j = (x_j − μ_j)·invStd_j) on
 * the objective ω·ℓ + penalty, with the penalty's L1 part as a soft-threshold after each step.
 * Result: [Σω·w_final (P entries) | Σ ω·ℓ at the start | Σ ω | rows], P = the parameter count.
 */
final class ModelAveragingTask implements Function2<Integer, Iterator<Block>, Iterator<double[]>> {
  private static final long serialVersionUID = 1L;
  /** Local steps between two checks whether Spark killed the task. */
  private static final int KILL_CHECK_MASK = (1 << 12) - 1;

  private final Broadcast<double[]> params;
  private final Scaling scaling;
  private final Loss loss;
  private final double fraction;
  private final long seed;
  private final int iteration;
  private final int localSteps;
  private final double eta;
  private final double l1;
  private final double l2;
  private final boolean fitIntercept;

  ModelAveragingTask(Broadcast<double[]> params, Scaling scaling, Loss loss, double fraction, long seed,
      int iteration, int localSteps, double eta, double l1, double l2, boolean fitIntercept) {
    this.params = params;
    this.scaling = scaling;
    this.loss = loss;
    this.fraction = fraction;
    this.seed = seed;
    this.iteration = iteration;
    this.localSteps = localSteps;
    this.eta = eta;
    this.l1 = l1;
    this.l2 = l2;
    this.fitIntercept = fitIntercept;
  }

  @Override
  public Iterator<double[]> call(Integer partition, Iterator<Block> blocks) {
    double[] start = params.value();
    int d = scaling.numFeatures;
    int p = start.length;
    List<Block> kept = new ArrayList<>();
    int[] blockOf = new int[16];
    int[] rowOf = new int[16];
    int n = 0;
    IndexSampler sampler = new IndexSampler(fraction, Seeds.derive(seed, iteration, partition));
    long base = 0;
    while (blocks.hasNext()) {
      Block b = blocks.next();
      if (b.holdout) {
        continue;
      }
      kept.add(b);
      long end = base + b.numRows;
      while (sampler.peek() < end) {
        if (n == blockOf.length) {
          blockOf = java.util.Arrays.copyOf(blockOf, n * 2);
          rowOf = java.util.Arrays.copyOf(rowOf, n * 2);
        }
        blockOf[n] = kept.size() - 1;
        rowOf[n] = (int) (sampler.peek() - base);
        n++;
        sampler.advance();
      }
      base = end;
    }
    double[] out = new double[p + 3];
    if (n == 0) {
      return List.of(out).iterator();
    }
    double[] raw = scaling.toRaw(start);
    double weightSum = 0;
    double lossSum = 0;
    for (int k = 0; k < n; k++) {
      Block b = kept.get(blockOf[k]);
      int i = rowOf[k];
      double w = b.weight(i);
      weightSum += w;
      lossSum += w * loss.value(b.margin(i, raw, raw[d]), b.labels[i]);
    }
    double[] wz = start.clone();
    double[] coef = new double[d];
    int steps = localSteps > 0 ? localSteps : n;
    TaskContext tc = TaskContext.get();
    for (int s = 0; s < steps; s++) {
      if ((s & KILL_CHECK_MASK) == 0 && tc != null) {
        tc.killTaskIfInterrupted(); // a cancelled job (a stop): --local-steps may run for long
      }
      int k = s % n;
      step(kept.get(blockOf[k]), rowOf[k], wz, coef, d);
    }
    for (int j = 0; j < p; j++) {
      out[j] = weightSum * wz[j];
    }
    out[p] = lossSum;
    out[p + 1] = weightSum;
    out[p + 2] = n;
    return List.of(out).iterator();
  }

  /** One SGD step on row i in z-space: w ← w − η·(ω·ℓ'·z + l2·w), b ← b − η·ω·ℓ', then L1 prox. */
  private void step(Block b, int i, double[] w, double[] coef, int d) {
    double[] invStd = scaling.invStd;
    double[] shift = scaling.shift;
    double offset = w[d];
    for (int j = 0; j < d; j++) {
      coef[j] = w[j] * invStd[j];
      offset -= coef[j] * shift[j];
    }
    double m = b.margin(i, coef, offset);
    double g = b.weight(i) * loss.derivative(m, b.labels[i]);
    double a = eta * g;
    // z_j = (x_j − μ_j)·invStd_j: the −μ_j part touches every weight, the x_j part the row's entries.
    for (int j = 0; j < d; j++) {
      w[j] -= eta * l2 * w[j] - a * shift[j] * invStd[j];
    }
    if (b.isSparse()) {
      for (int k = b.rowPtr[i]; k < b.rowPtr[i + 1]; k++) {
        int j = b.colIdx[k];
        w[j] -= a * b.values.get(k) * invStd[j];
      }
    } else {
      int off = i * b.numCols;
      for (int j = 0; j < b.numCols; j++) {
        w[j] -= a * b.values.get(off + j) * invStd[j];
      }
    }
    if (fitIntercept) {
      w[d] -= a;
    }
    if (l1 > 0) {
      double t = eta * l1;
      for (int j = 0; j < d; j++) {
        w[j] = w[j] > t ? w[j] - t : w[j] < -t ? w[j] + t : 0.0;
      }
    }
  }
}
