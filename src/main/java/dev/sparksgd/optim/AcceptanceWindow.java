package dev.sparksgd.optim;

import java.io.Serializable;

/**
 * Non-monotone acceptance (Grippo, Lampariello and Lucidi 1986; Raydan's global BB 1997; SpaRSA):
 * a step is kept when its objective does not exceed the largest of the last {@link #SIZE} kept
 * ones. Unlike a strict decrease, it lets a step through whose rise is rounding (near the optimum
 * the objective cannot tell nearby points apart while the gradient still can) and lets a long step
 * rise a little before it pays off; it cannot diverge, as the window's maximum never grows.
 */
final class AcceptanceWindow implements Serializable {
  private static final long serialVersionUID = 1L;
  /** Kept objectives a new one is compared against (Raydan's M = 10). */
  static final int SIZE = 10;

  /** The last kept objectives, oldest first (at most SIZE). */
  private double[] kept = new double[0];

  /**
   * @param previous the objective where the step started (the last kept point)
   * @param next the objective it reached; NaN counts as a rise
   * @return whether to keep the step (it then joins the window)
   */
  boolean accept(double previous, double next) {
    if (kept.length == 0) {
      kept = new double[] {previous};
    }
    double reference = Double.NEGATIVE_INFINITY;
    for (double a : kept) {
      reference = Math.max(reference, a);
    }
    if (!(next <= reference)) {
      return false;
    }
    int keep = Math.min(kept.length, SIZE - 1);
    double[] grown = new double[keep + 1];
    System.arraycopy(kept, kept.length - keep, grown, 0, keep);
    grown[keep] = next;
    kept = grown;
    return true;
  }

  /** The kept objectives (empty before the first judgement). */
  double[] state() {
    return kept.clone();
  }

  void restore(double[] state, String name) {
    if (state.length > SIZE) {
      throw new IllegalArgumentException(name + " schedule state holds " + state.length + " accepted objectives, "
          + "at most " + SIZE);
    }
    kept = state.clone();
  }
}
