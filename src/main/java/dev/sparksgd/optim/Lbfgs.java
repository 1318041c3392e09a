package dev.sparksgd.optim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Limited-memory BFGS (Nocedal 1980; Liu and Nocedal 1989) for full-batch gradient descent, with
 * L1 by OWL-QN (Andrew and Gao 2007): what spark.ml's LogisticRegression, LinearRegression (huber,
 * or squared loss with L1) and LinearSVC run through breeze. The step of an iteration is
 * η·d with d = −H·v, where v is the minimum-norm subgradient of the objective (the smooth gradient
 * when there is no L1) and H the inverse-Hessian estimate of the last {@link #MEMORY} pairs
 * s = w_t − w_{t−1}, y = g_t − g_{t−1} of the smooth gradient (two-loop recursion, initial
 * H₀ = (s·y / y·y)·I from the newest pair). With L1, d is kept in the orthant that −v points to
 * and a weight that would cross zero stops at 0.
 *
 * <p>η is a backtracking line search spread over iterations: 1 after every kept step (the
 * quasi-Newton step), halved each time the trainer reports a step whose objective exceeds the
 * largest of the last 10 kept ones ({@link AcceptanceWindow}; the trainer then puts the last kept
 * point back). Before any curvature is known H₀ = η₀·I, so the
 * first step is a gradient step of η₀. Pairs with s·y ≤ 0 (no curvature seen along s, possible
 * for the hinge) are left out.
 */
public final class Lbfgs implements LearningRate, GradientFeedback, LossFeedback {
  private static final long serialVersionUID = 1L;
  /** Pairs kept (spark.ml's L-BFGS keeps 10). */
  static final int MEMORY = 10;

  /** The line search's step along the direction. */
  private double eta = 1.0;
  /** See {@link #growSteps}. */
  private boolean growingSteps;
  /** H₀'s scale: η₀ until a pair is kept, then s·y / y·y of the newest. */
  private double scale;
  private double[] previousParams;
  private double[] previousGradient;
  /** The kept pairs, oldest first. */
  private final List<double[]> s = new ArrayList<>();
  private final List<double[]> y = new ArrayList<>();
  private final AcceptanceWindow accepted = new AcceptanceWindow();

  public Lbfgs(double eta0) {
    this.scale = eta0;
  }

  @Override
  public double rate(int t) {
    return eta;
  }

  /**
   * After a kept step the next search starts at twice its η (up to 1) instead of 1: for an
   * objective whose curvature changes abruptly (the smoothed hinge), where the quasi-Newton step
   * overshoots again and again.
   */
  public void growSteps() {
    growingSteps = true;
  }

  /** Whether the next step is the full quasi-Newton step (the line search did not shorten it). */
  public boolean fullStep() {
    return eta == 1.0;
  }

  @Override
  public boolean feedback(double previousLoss, double newLoss) {
    if (!accepted.accept(previousLoss, newLoss)) {
      eta *= BoldDriver.SHRINK;
      return false;
    }
    // With growing steps the next search starts at twice the step just kept, up to the
    // quasi-Newton step: where the curvature estimate keeps overshooting (the smoothed hinge's
    // narrow bends) it does not start from 1 again.
    eta = growingSteps ? Math.min(1.0, 2 * eta) : 1.0;
    return true;
  }

  /**
   * Forgets the curvature pairs, the last point and the kept objectives (H₀'s scale stays, the
   * first step's length; the line search shortens it if it overshoots): the objective changed, as
   * between the stages of the hinge's smoothing.
   */
  public void restart() {
    s.clear();
    y.clear();
    previousParams = null;
    previousGradient = null;
    accepted.restore(new double[0], "lbfgs");
    eta = 1.0;
  }

  @Override
  public void observe(double[] params, double[] smoothGradient) {
    if (previousParams != null && previousParams.length == params.length) {
      int n = params.length;
      double[] si = new double[n];
      double[] yi = new double[n];
      double sy = 0;
      double yy = 0;
      for (int i = 0; i < n; i++) {
        si[i] = params[i] - previousParams[i];
        yi[i] = smoothGradient[i] - previousGradient[i];
        sy += si[i] * yi[i];
        yy += yi[i] * yi[i];
      }
      double gamma = sy / yy;
      if (sy > 0 && gamma > 0 && Double.isFinite(gamma)) {
        if (s.size() == MEMORY) {
          s.remove(0);
          y.remove(0);
        }
        s.add(si);
        y.add(yi);
        scale = gamma;
      }
    }
    previousParams = params.clone();
    previousGradient = smoothGradient.clone();
  }

  /**
   * One step from {@code params} (where {@link #observe} saw {@code smoothGradient} last), in place:
   * w ← w + η·d, then the L1 orthant projection.
   *
   * @param smoothGradient the gradient of the loss plus the penalty's smooth part (all of it but L1)
   * @param reg the penalty; its L1 weights ({@link Regularizer#l1Weight}) decide the orthants
   */
  public void step(double[] params, double[] smoothGradient, Regularizer reg, int numWeights, double eta) {
    int n = params.length;
    double[] v = new double[n];
    reg.stationarity(params, numWeights, smoothGradient, v);
    double[] d = direction(v);
    double descent = 0;
    for (int i = 0; i < n; i++) {
      if (i < numWeights && reg.l1Weight(i) > 0 && d[i] * v[i] >= 0) {
        d[i] = 0.0; // OWL-QN: keep d in the orthant of −v
      }
      descent += d[i] * v[i];
    }
    if (!(descent < 0)) {
      // The estimate gave no descent direction (it cannot for a positive-definite H, but the
      // orthant projection can zero it): a gradient step scaled as H₀.
      for (int i = 0; i < n; i++) {
        d[i] = -scale * v[i];
      }
    }
    for (int i = 0; i < n; i++) {
      double w = params[i] + eta * d[i];
      if (i < numWeights && reg.l1Weight(i) > 0) {
        double orthant = params[i] != 0.0 ? Math.signum(params[i]) : -Math.signum(v[i]);
        if (Math.signum(w) != orthant) {
          w = 0.0;
        }
      }
      params[i] = w;
    }
  }

  /** −H·v by the two-loop recursion. */
  private double[] direction(double[] v) {
    int n = v.length;
    int k = s.size();
    double[] q = v.clone();
    double[] alpha = new double[k];
    double[] rho = new double[k];
    for (int j = k - 1; j >= 0; j--) {
      rho[j] = 1.0 / dot(y.get(j), s.get(j));
      alpha[j] = rho[j] * dot(s.get(j), q);
      axpy(-alpha[j], y.get(j), q);
    }
    for (int i = 0; i < n; i++) {
      q[i] *= scale;
    }
    for (int j = 0; j < k; j++) {
      double beta = rho[j] * dot(y.get(j), q);
      axpy(alpha[j] - beta, s.get(j), q);
    }
    for (int i = 0; i < n; i++) {
      q[i] = -q[i];
    }
    return q;
  }

  private static double dot(double[] a, double[] b) {
    double r = 0;
    for (int i = 0; i < a.length; i++) {
      r += a[i] * b[i];
    }
    return r;
  }

  private static void axpy(double a, double[] x, double[] into) {
    for (int i = 0; i < x.length; i++) {
      into[i] += a * x[i];
    }
  }

  @Override
  public Map<String, double[]> state() {
    Map<String, double[]> m = new LinkedHashMap<>();
    m.put("eta", new double[] {eta});
    m.put("scale", new double[] {scale});
    if (previousParams != null) {
      m.put("previousParams", previousParams.clone());
      m.put("previousGradient", previousGradient.clone());
      m.put("s", flatten(s));
      m.put("y", flatten(y));
    }
    double[] a = accepted.state();
    if (a.length > 0) {
      m.put("accepted", a);
    }
    return m;
  }

  private static double[] flatten(List<double[]> rows) {
    int n = rows.isEmpty() ? 0 : rows.get(0).length;
    double[] out = new double[rows.size() * n];
    for (int j = 0; j < rows.size(); j++) {
      System.arraycopy(rows.get(j), 0, out, j * n, n);
    }
    return out;
  }

  @Override
  public void restoreState(Map<String, double[]> state) {
    OptimState.checkKeys(state, "lbfgs", "eta", "scale", "previousParams", "previousGradient", "s", "y",
        "accepted");
    double[] e = state.get("eta");
    double[] sc = state.get("scale");
    if (e == null || e.length != 1 || !(e[0] > 0) || !Double.isFinite(e[0])
        || sc == null || sc.length != 1 || !(sc[0] > 0) || !Double.isFinite(sc[0])) {
      throw new IllegalArgumentException("lbfgs schedule state needs eta and scale = [positive finite number]");
    }
    double[] p = state.get("previousParams");
    double[] g = state.get("previousGradient");
    double[] fs = state.getOrDefault("s", new double[0]);
    double[] fy = state.getOrDefault("y", new double[0]);
    int n = p == null ? 0 : p.length;
    if ((p == null) != (g == null) || (p != null && g.length != n) || fs.length != fy.length
        || (n == 0 ? fs.length != 0 : fs.length % n != 0 || fs.length / n > MEMORY)) {
      throw new IllegalArgumentException("lbfgs schedule state needs previousParams and previousGradient of one "
          + "length n (or neither) and s, y of k·n entries, k <= " + MEMORY);
    }
    accepted.restore(state.getOrDefault("accepted", new double[0]), "lbfgs");
    eta = e[0];
    scale = sc[0];
    previousParams = p == null ? null : p.clone();
    previousGradient = g == null ? null : g.clone();
    s.clear();
    y.clear();
    for (int j = 0; n > 0 && j < fs.length / n; j++) {
      s.add(java.util.Arrays.copyOfRange(fs, j * n, (j + 1) * n));
      y.add(java.util.Arrays.copyOfRange(fy, j * n, (j + 1) * n));
    }
  }
}
