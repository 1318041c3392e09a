package dev.sparksgd.optim;

/**
 * A schedule that watches the objective of every iteration without judging its step: after each
 * step the trainer reports the objective where the step started (for a mini-batch, over that
 * batch), and the schedule may set later rates from what it saw.
 */
public interface ObjectiveFeedback {
  void observe(double objective);
}
