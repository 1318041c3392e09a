package dev.sparksgd.optim;

/**
 * A schedule that watches the iterates: before the step of each iteration the trainer reports
 * where it is and the smooth gradient there (loss plus the penalty's smooth part, optimizer space),
 * and the schedule may set the rate of that step from what it saw.
 */
public interface GradientFeedback {
  /**
   * @param params the parameters the step starts from (not kept: the schedule copies what it needs)
   * @param smoothGradient the gradient of the objective's smooth part at {@code params}
   */
  void observe(double[] params, double[] smoothGradient);
}
