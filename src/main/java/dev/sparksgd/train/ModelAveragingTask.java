package dev.sparksgd.train;

import dev.sparksgd.data.Block;
import dev.sparksgd.data.IndexSampler;
import dev.sparksgd.data.Seeds;
import dev.sparksgd.data.SharedArray;
import dev.sparksgd.loss.Loss;
import dev.sparksgd.optim.Regularizer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CancellationException;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.Function2;

/**
 * One task of a model-averaging iteration (Zinkevich et al. 2010, parallel SGD): draw the
 * mini-batch by index from (seed, t, p) as GradientTask does, measure the loss there at the
 * shared parameters, then run K per-example SGD steps over the drawn rows (in order, cycling
 * when K exceeds them; K = 0 means one step per row) starting from the shared parameters. The
 * steps are taken in the optimizer's space (standardized features, z_j = (x_j − μ_j)·invStd_j) on
 * the objective ω·ℓ + penalty, the penalty's smooth part in the step and its proximal part
 * after it. A loss's own parameters (huber's scale) take their per-example step with the rest.
 * Result: [Σω·w_final (P entries) | Σ ω·ℓ at the start | Σ ω | rows], P = the parameter count.
 */
final class ModelAveragingTask implements Function2<Integer, Iterator<Block>, Iterator<double[]>> {
  private static final long serialVersionUID = 1L;
  /** Local steps between two checks whether Spark killed the task. */
  private static final int KILL_CHECK_MASK = (1 << 12) - 1;

  private final SharedArray params;
  private final Scaling scaling;
  private final Loss loss;
  private final double fraction;
  private final long seed;
  private final int iteration;
  private final int localSteps;
  private final double eta;
  private final Regularizer penalty;
  private final boolean fitIntercept;

  ModelAveragingTask(SharedArray params, Scaling scaling, Loss loss, double fraction, long seed,
      int iteration, int localSteps, double eta, Regularizer penalty, boolean fitIntercept) {
    this.params = params;
    this.scaling = scaling;
    this.loss = loss;
    this.fraction = fraction;
    this.seed = seed;
    this.iteration = iteration;
    this.localSteps = localSteps;
    this.eta = eta;
    this.penalty = penalty;
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
    Loss bound = loss.bind(raw, d + 1);
    double weightSum = 0;
    double lossSum = 0;
    for (int k = 0; k < n; k++) {
      Block b = kept.get(blockOf[k]);
      int i = rowOf[k];
      double w = b.weight(i);
      weightSum += w;
      lossSum += w * bound.value(b.margin(i, raw, raw[d]), b.labels[i]);
    }
    double[] wz = start.clone();
    Step step = new Step(d, p);
    int steps = localSteps > 0 ? localSteps : n;
    TaskContext tc = TaskContext.get();
    for (int s = 0; s < steps; s++) {
      if ((s & KILL_CHECK_MASK) == 0) {
        // a cancelled job, or a stop on the driver's threads: --local-steps may run for long
        if (tc != null) {
          tc.killTaskIfInterrupted();
        } else if (Thread.currentThread().isInterrupted()) {
          throw new CancellationException("stop requested");
        }
      }
      int k = s % n;
      step.apply(kept.get(blockOf[k]), rowOf[k], wz);
    }
    for (int j = 0; j < p; j++) {
      out[j] = weightSum * wz[j];
    }
    out[p] = lossSum;
    out[p + 1] = weightSum;
    out[p + 2] = n;
    return List.of(out).iterator();
  }

  /** The buffers of one task's per-example steps (allocated once per task). */
  private final class Step {
    private final int d;
    private final double[] coef;
    private final double[] smooth;
    private final double[] proxSteps;
    private final double[] extraGradient;

    Step(int d, int p) {
      this.d = d;
      coef = new double[d];
      smooth = new double[p];
      proxSteps = new double[p];
      java.util.Arrays.fill(proxSteps, eta);
      extraGradient = new double[p - d - 1];
    }

    /**
     * One SGD step on row i in z-space: w ← w − η·(ω·ℓ'·z + ∇penalty), b ← b − η·ω·ℓ',
     * extra ← extra − η·ω·∂ℓ/∂extra, then the penalty's proximal step.
     */
    void apply(Block b, int i, double[] w) {
      double[] invStd = scaling.invStd;
      double[] shift = scaling.shift;
      double offset = w[d];
      for (int j = 0; j < d; j++) {
        coef[j] = w[j] * invStd[j];
        offset -= coef[j] * shift[j];
      }
      double m = b.margin(i, coef, offset);
      // A loss with parameters of its own is bound at their current values, step by step.
      Loss at = extraGradient.length == 0 ? loss : loss.bind(w, d + 1);
      double g = b.weight(i) * at.derivative(m, b.labels[i]);
      if (extraGradient.length > 0) {
        java.util.Arrays.fill(extraGradient, 0.0);
        at.addExtraGradient(m, b.labels[i], b.weight(i), extraGradient, 0);
      }
      double a = eta * g;
      java.util.Arrays.fill(smooth, 0, d, 0.0);
      penalty.addGradient(w, d, smooth);
      // z_j = (x_j − μ_j)·invStd_j: the −μ_j part touches every weight, the x_j part the row's entries.
      for (int j = 0; j < d; j++) {
        w[j] -= eta * smooth[j] - a * shift[j] * invStd[j];
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
      for (int k = 0; k < extraGradient.length; k++) {
        w[d + 1 + k] -= eta * extraGradient[k];
      }
      if (penalty.hasProx()) {
        penalty.prox(w, d, proxSteps);
      }
    }
  }
}
