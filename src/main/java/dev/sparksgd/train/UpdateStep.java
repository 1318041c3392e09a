package dev.sparksgd.train;

import dev.sparksgd.optim.Optimizer;
import dev.sparksgd.optim.Regularizer;

/**
 * The seeds' "new parameters" step, shared by the trainer and the step-size probes: add the
 * penalty's smooth gradient, let the optimizer step, apply the penalty's proximal step with the
 * optimizer's effective per-coordinate steps, and tell the optimizer where it ended up.
 */
final class UpdateStep {
  private UpdateStep() {
  }

  /**
   * @param lossGradient the mean loss gradient at params (optimizer space); the penalty's gradient
   *     is added to it in place
   */
  static void apply(Optimizer optimizer, Regularizer reg, int numWeights, double[] params,
      double[] lossGradient, double eta) {
    reg.addGradient(params, numWeights, lossGradient);
    optimizer.step(params, lossGradient, eta);
    if (reg.hasProx()) {
      double[] steps = new double[params.length];
      optimizer.effectiveSteps(eta, steps);
      reg.prox(params, numWeights, steps);
    }
    optimizer.afterStep(params);
  }
}
