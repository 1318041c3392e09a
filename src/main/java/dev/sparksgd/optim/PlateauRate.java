package dev.sparksgd.optim;

import java.util.Map;

/**
 * A constant rate halved after {@link #PATIENCE} epochs in a row whose objective was not below the
 * best epoch's: the iterations are grouped into epochs of {@code epochLength} (one pass over the
 * rows in mini-batches), an epoch's objective is the mean of its batches' objectives, and when
 * {@link #PATIENCE} epochs in a row stay at or above the lowest epoch objective so far, η is
 * halved (and the count starts again).
 *
 * <p>A constant rate takes mini-batch SGD to a neighbourhood of the optimum whose size grows with
 * η (the batches' gradients are noisy), where the objective stops falling; halving η there shrinks
 * the neighbourhood, and the steps with it, until the step-size stopping rules fire (the "reduce
 * on plateau" rule). Epoch means are over every row, and one epoch above the best is not enough:
 * the noise of an epoch's mean is of the order of the progress of an epoch while still far off,
 * and halving then would stall the run short of the optimum. A rate far too large makes the
 * epochs' objective rise, and is halved until it is not.
 */
public final class PlateauRate implements LearningRate, ObjectiveFeedback {
  private static final long serialVersionUID = 1L;
  static final double SHRINK = 0.5;
  /** Epochs in a row without a new lowest objective before η is halved. */
  static final int PATIENCE = 2;

  private final int epochLength;
  private double eta;
  private double sum;
  private int count;
  /** The lowest mean objective of a full epoch; +∞ before the first. */
  private double best = Double.POSITIVE_INFINITY;
  /** Epochs since the last new lowest objective or halving. */
  private int stale;

  /** @param epochLength iterations per epoch (>= 1) */
  public PlateauRate(double eta0, int epochLength) {
    if (epochLength < 1) {
      throw new IllegalArgumentException("epoch length must be >= 1: " + epochLength);
    }
    this.eta = eta0;
    this.epochLength = epochLength;
  }

  /** Iterations per epoch for batches of this fraction of the rows: ⌈1/fraction⌉. */
  public static int epochLength(double miniBatchFraction) {
    return (int) Math.min(Integer.MAX_VALUE, Math.ceil(1.0 / miniBatchFraction - 1e-9));
  }

  @Override
  public double rate(int t) {
    return eta;
  }

  @Override
  public void observe(double objective) {
    sum += objective;
    count++;
    if (count < epochLength) {
      return;
    }
    double mean = sum / count;
    if (mean < best) {
      best = mean;
      stale = 0;
    } else if (++stale >= PATIENCE) { // NaN (a diverging epoch) counts as no fall
      eta *= SHRINK;
      stale = 0;
    }
    sum = 0;
    count = 0;
  }

  @Override
  public Map<String, double[]> state() {
    return Map.of("eta", new double[] {eta}, "epoch", new double[] {sum, count, best, stale});
  }

  @Override
  public void restoreState(Map<String, double[]> state) {
    OptimState.checkKeys(state, "plateau", "eta", "epoch");
    double[] e = state.get("eta");
    double[] epoch = state.get("epoch");
    if (e == null || e.length != 1 || !(e[0] > 0)) {
      throw new IllegalArgumentException("plateau schedule state needs eta = [positive rate]");
    }
    if (epoch == null || epoch.length != 4 || !counter(epoch[1], epochLength) || !counter(epoch[3], PATIENCE)) {
      throw new IllegalArgumentException("plateau schedule state needs epoch = [objective sum, iterations "
          + "in [0, " + epochLength + "), lowest epoch objective, epochs without one in [0, " + PATIENCE + ")]");
    }
    eta = e[0];
    sum = epoch[0];
    count = (int) epoch[1];
    best = epoch[2];
    stale = (int) epoch[3];
  }

  private static boolean counter(double v, int bound) {
    return v >= 0 && v < bound && v == Math.rint(v);
  }
}
