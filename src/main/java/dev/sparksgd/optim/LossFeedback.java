package dev.sparksgd.optim;

/**
 * A schedule that watches the objective: after each step the trainer reports the objective at the
 * point the step started from and at the point it reached, and the schedule says whether to keep
 * the step. On a rejection the trainer puts back the earlier parameters and optimizer state.
 */
public interface LossFeedback {
  /**
   * @param previousLoss the objective where the step started (the last accepted point)
   * @param newLoss the objective where it arrived; NaN or infinite counts as a rise
   * @return true to keep the step, false to reject it
   */
  boolean feedback(double previousLoss, double newLoss);
}
