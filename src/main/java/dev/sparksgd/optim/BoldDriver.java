package dev.sparksgd.optim;

import java.util.Map;

/**
 * The "bold driver" schedule (Battiti 1989): after a step whose objective rose, reject it and halve
 * η; after one whose objective did not rise, keep it and grow η by 5%. It recovers from a step
 * size that is far too large in a handful of rejected steps (each halving), and creeps up again
 * while the steps go well.
 */
public final class BoldDriver implements LearningRate, LossFeedback {
  private static final long serialVersionUID = 1L;
  static final double GROW = 1.05;
  static final double SHRINK = 0.5;

  private double eta;

  public BoldDriver(double eta0) {
    this.eta = eta0;
  }

  @Override
  public double rate(int t) {
    return eta;
  }

  @Override
  public boolean feedback(double previousLoss, double newLoss) {
    if (!(newLoss <= previousLoss)) { // NaN counts as a rise
      eta *= SHRINK;
      return false;
    }
    eta *= GROW;
    return true;
  }

  @Override
  public Map<String, double[]> state() {
    return Map.of("eta", new double[] {eta});
  }

  @Override
  public void restoreState(Map<String, double[]> state) {
    OptimState.checkKeys(state, "adaptive", "eta");
    double[] e = state.get("eta");
    if (e == null || e.length != 1 || !(e[0] > 0)) {
      throw new IllegalArgumentException("adaptive schedule state needs eta = [positive rate]");
    }
    eta = e[0];
  }
}
