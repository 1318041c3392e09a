package dev.sparksgd.optim;

import java.util.Map;

/**
 * The Barzilai–Borwein step (1988), for full-batch gradient descent: with s = w_t − w_{t−1} and
 * y = g_t − g_{t−1} (g the smooth gradient), η_t = s·s / s·y, the step for which a secant of the
 * gradient matches; on a quadratic it is the inverse of a Rayleigh quotient of the Hessian, so it
 * adapts to the curvature without tuning (η₀ serves the first iteration only). With an L1 penalty
 * the proximal step follows as usual (SpaRSA, Wright et al. 2009). When s·y ≤ 0 or the quotient is
 * not finite (no curvature seen, e.g. no move), η stays what it was.
 *
 * <p>BB steps need not lower the objective at every step, and on a non-quadratic objective
 * (huber's scale, the hinge's kinks, logistic loss far from its optimum) nothing bounds them. The
 * safeguard is the bold driver's, made non-monotone as in Raydan's global BB (1997) and SpaRSA: a
 * step is kept when its objective does not exceed the largest of the last {@link #WINDOW} accepted
 * ones; otherwise the trainer puts the last accepted point back and η halves, and the secant
 * takes over again after the next kept step.
 */
public final class BarzilaiBorwein implements LearningRate, GradientFeedback, LossFeedback {
  private static final long serialVersionUID = 1L;
  /** Accepted objectives a new one is compared against (Raydan's M = 10). */
  static final int WINDOW = AcceptanceWindow.SIZE;

  private double eta;
  private double[] previousParams;
  private double[] previousGradient;
  private final AcceptanceWindow accepted = new AcceptanceWindow();

  public BarzilaiBorwein(double eta0) {
    this.eta = eta0;
  }

  @Override
  public boolean feedback(double previousLoss, double newLoss) {
    if (!accepted.accept(previousLoss, newLoss)) {
      eta *= BoldDriver.SHRINK;
      return false;
    }
    return true;
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
    Map<String, double[]> m = new java.util.LinkedHashMap<>();
    m.put("eta", new double[] {eta});
    if (previousParams != null) {
      m.put("previousParams", previousParams.clone());
      m.put("previousGradient", previousGradient.clone());
    }
    double[] a = accepted.state();
    if (a.length > 0) {
      m.put("accepted", a);
    }
    return m;
  }

  @Override
  public void restoreState(Map<String, double[]> state) {
    OptimState.checkKeys(state, "bb", "eta", "previousParams", "previousGradient", "accepted");
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
    accepted.restore(state.getOrDefault("accepted", new double[0]), "bb");
    eta = e[0];
    previousParams = p == null ? null : p.clone();
    previousGradient = g == null ? null : g.clone();
  }
}
