package dev.sparksgd.optim;

import java.util.Map;

/**
 * The Barzilai–Borwein step (1988), for full-batch gradient descent: with s = w_t − w_{t−1} and
 * y = g_t − g_{t−1} (g the smooth gradient), η_t = s·s / s·y, the step for which a secant of the
 * gradient matches; on a quadratic it is the inverse of a Rayleigh quotient of the Hessian, so it
 * adapts to the curvature without tuning (η₀ serves the first iteration only). Steps are not
 * monotone in the objective, yet converge on strongly convex quadratics; with an L1 penalty the
 * proximal step follows as usual (SpaRSA, Wright et al. 2009). When s·y ≤ 0 or the quotient is not
 * finite (no curvature seen, e.g. no move), η stays what it was.
 */
public final class BarzilaiBorwein implements LearningRate, GradientFeedback {
  private static final long serialVersionUID = 1L;

  private double eta;
  private double[] previousParams;
  private double[] previousGradient;

  public BarzilaiBorwein(double eta0) {
    this.eta = eta0;
  }

  @Override
  public double rate(int t) {
    return eta;
  }

  @Override
  public void observe(double[] params, double[] smoothGradient) {
    if (previousParams != null && previousParams.length == params.length) {
      double ss = 0;
      double sy = 0;
      for (int i = 0; i < params.length; i++) {
        double s = params[i] - previousParams[i];
        ss += s * s;
        sy += s * (smoothGradient[i] - previousGradient[i]);
      }
      double next = ss / sy;
      if (sy > 0 && next > 0 && Double.isFinite(next)) {
        eta = next;
      }
    }
    previousParams = params.clone();
    previousGradient = smoothGradient.clone();
  }

  @Override
  public Map<String, double[]> state() {
    if (previousParams == null) {
      return Map.of("eta", new double[] {eta});
    }
    return Map.of("eta", new double[] {eta}, "previousParams", previousParams.clone(),
        "previousGradient", previousGradient.clone());
  }

  @Override
  public void restoreState(Map<String, double[]> state) {
    OptimState.checkKeys(state, "bb", "eta", "previousParams", "previousGradient");
    double[] e = state.get("eta");
    if (e == null || e.length != 1 || !(e[0] > 0) || !Double.isFinite(e[0])) {
      throw new IllegalArgumentException("bb schedule state needs eta = [positive finite rate]");
    }
    double[] p = state.get("previousParams");
    double[] g = state.get("previousGradient");
    if ((p == null) != (g == null) || (p != null && p.length != g.length)) {
      throw new IllegalArgumentException("bb schedule state needs previousParams and previousGradient "
          + "of one length, or neither");
    }
    eta = e[0];
    previousParams = p == null ? null : p.clone();
    previousGradient = g == null ? null : g.clone();
  }
}
