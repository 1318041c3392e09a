package dev.sparksgd.train;

import dev.sparksgd.config.TrainConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Decides after each iteration whether training goes on, and why it stops. The rules, in the
 * order they are checked: diverged, min-step-size, tol, grad-tol, loss-tol, validation, max-time;
 * max-iter is the loop's own bound. Validation early stopping also keeps the best weights seen.
 */
final class StoppingRules {
  /** An objective above this multiple of the first iteration's counts as divergence. */
  static final double DIVERGENCE_FACTOR = 1e6;

  private final double minStepSize;
  private final double tol;
  private final double gradTol;
  private final double lossTol;
  private final int patience;
  private final int validationInterval;
  private final long maxTimeMillis;

  private double firstObjective = Double.NaN;
  /** Objectives of the last patience+1 accepted iterations, as a ring. */
  private final double[] window;
  private int seen;

  private double bestValidation = Double.POSITIVE_INFINITY;
  private double[] bestParams;
  private int bestIteration;
  private int evaluationsWithoutImprovement;
  private int lastEvaluated = -1;

  StoppingRules(TrainConfig cfg, boolean validationOn) {
    this(cfg.minStepSize, cfg.tol, cfg.gradTol, cfg.lossTol, cfg.patience,
        validationOn ? cfg.validationInterval : 0, cfg.maxTimeMillis);
  }

  StoppingRules(double minStepSize, double tol, double gradTol, double lossTol, int patience,
      int validationInterval, long maxTimeMillis) {
    this.minStepSize = minStepSize;
    this.tol = tol;
    this.gradTol = gradTol;
    this.lossTol = lossTol;
    this.patience = patience;
    this.validationInterval = validationInterval;
    this.maxTimeMillis = maxTimeMillis;
    this.window = new double[patience + 1];
  }

  /**
   * The rules on an accepted step: the objective at the point the step started from, the norm of
   * the step, the norm of the new parameters and the (sub)gradient norm at the starting point.
   *
   * @return why to stop, or null to go on
   */
  StopReason afterStep(double objective, double[] newParams, double stepNorm, double paramNorm,
      double gradNorm) {
    return afterStep(objective, allFinite(newParams), stepNorm, paramNorm, gradNorm);
  }

  /** As above, told whether the new parameters are all finite instead of reading them. */
  StopReason afterStep(double objective, boolean paramsFinite, double stepNorm, double paramNorm,
      double gradNorm) {
    if (Double.isNaN(firstObjective)) {
      firstObjective = objective;
    }
    if (!Double.isFinite(objective) || !paramsFinite
        || (firstObjective > 0 && objective > DIVERGENCE_FACTOR * firstObjective)) {
      return StopReason.DIVERGED;
    }
    if (stepNorm < minStepSize) {
      return StopReason.MIN_STEP_SIZE;
    }
    if (stepNorm < tol * Math.max(paramNorm, 1.0)) {
      return StopReason.TOL;
    }
    if (gradNorm < gradTol) {
      return StopReason.GRAD_TOL;
    }
    window[seen % window.length] = objective;
    seen++;
    if (lossTol > 0 && seen > patience) {
      double old = window[(seen - 1 - patience) % window.length];
      double change = Math.abs(old - objective) / Math.max(Math.abs(old), Double.MIN_NORMAL);
      if (change < lossTol) {
        return StopReason.LOSS_TOL;
      }
    }
    return null;
  }

  /**
   * Whether the objective moved by less than {@code change} (absolute) over the last
   * {@code patience} iterations.
   */
  boolean settled(double change) {
    if (seen <= patience) {
      return false;
    }
    double old = window[(seen - 1 - patience) % window.length];
    return Math.abs(old - window[(seen - 1) % window.length]) < change;
  }

  /** Forgets the objectives seen (not the first one): the objective changed, as in a new stage. */
  void restartConvergence() {
    seen = 0;
  }

  boolean validationOn() {
    return validationInterval > 0;
  }

  /** Whether the holdout is evaluated after iteration t. */
  boolean validationDue(int t) {
    return validationInterval > 0 && t % validationInterval == 0 && t != lastEvaluated;
  }

  boolean evaluatedAt(int t) {
    return t == lastEvaluated;
  }

  /**
   * Records the holdout loss of the model after iteration t; keeps the model if it is the best so
   * far. Any decrease counts as an improvement.
   *
   * @return {@link StopReason#VALIDATION} after {@code patience} evaluations without improvement
   */
  StopReason onValidation(int t, double loss, double[] modelParams) {
    lastEvaluated = t;
    if (loss < bestValidation) {
      bestValidation = loss;
      bestParams = modelParams.clone();
      bestIteration = t;
      evaluationsWithoutImprovement = 0;
      return null;
    }
    evaluationsWithoutImprovement++;
    return evaluationsWithoutImprovement >= patience ? StopReason.VALIDATION : null;
  }

  boolean outOfTime(long elapsedMillis) {
    return maxTimeMillis > 0 && elapsedMillis >= maxTimeMillis;
  }

  /** The best model seen by validation, or null when there was none. */
  double[] bestParams() {
    return bestParams;
  }

  int bestIteration() {
    return bestIteration;
  }

  double bestValidationLoss() {
    return bestValidation;
  }

  /**
   * What the rules remember between iterations (the first objective, the loss-tol window, the
   * best validation model and the patience count), as a checkpoint saves it. Max-time's clock is
   * the trainer's, not part of this.
   */
  Map<String, double[]> state() {
    Map<String, double[]> s = new LinkedHashMap<>();
    s.put("firstObjective", new double[] {firstObjective});
    s.put("window", window.clone());
    s.put("seen", new double[] {seen});
    s.put("bestValidation", new double[] {bestValidation});
    if (bestParams != null) {
      s.put("bestParams", bestParams.clone());
    }
    s.put("bestIteration", new double[] {bestIteration});
    s.put("evaluationsWithoutImprovement", new double[] {evaluationsWithoutImprovement});
    s.put("lastEvaluated", new double[] {lastEvaluated});
    return s;
  }

  /** Restores what {@link #state()} returned; throws IllegalArgumentException on a mismatch. */
  void restoreState(Map<String, double[]> state) {
    Set<String> known = Set.of("firstObjective", "window", "seen", "bestValidation",
        "bestParams", "bestIteration", "evaluationsWithoutImprovement", "lastEvaluated");
    for (String k : state.keySet()) {
      if (!known.contains(k)) {
        throw new IllegalArgumentException("stopping rules state has no entry '" + k + "'");
      }
    }
    double[] w = state.get("window");
    if (w == null || w.length != window.length) {
      throw new IllegalArgumentException("stopping rules state needs a window of " + window.length
          + " objectives (patience + 1)");
    }
    firstObjective = one(state, "firstObjective");
    System.arraycopy(w, 0, window, 0, w.length);
    seen = count(state, "seen");
    bestValidation = one(state, "bestValidation");
    double[] best = state.get("bestParams");
    bestParams = best == null ? null : best.clone();
    bestIteration = count(state, "bestIteration");
    evaluationsWithoutImprovement = count(state, "evaluationsWithoutImprovement");
    double last = one(state, "lastEvaluated");
    if (!(last >= -1) || last != Math.rint(last) || last > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("stopping rules state: lastEvaluated " + last);
    }
    lastEvaluated = (int) last;
  }

  private static double one(Map<String, double[]> state, String key) {
    double[] v = state.get(key);
    if (v == null || v.length != 1) {
      throw new IllegalArgumentException("stopping rules state needs " + key + " = [one number]");
    }
    return v[0];
  }

  private static int count(Map<String, double[]> state, String key) {
    double v = one(state, key);
    if (!(v >= 0) || v != Math.rint(v) || v > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("stopping rules state: " + key + " " + v + " is not a count");
    }
    return (int) v;
  }

  static boolean allFinite(double[] v) {
    for (double x : v) {
      if (!Double.isFinite(x)) {
        return false;
      }
    }
    return true;
  }
}
