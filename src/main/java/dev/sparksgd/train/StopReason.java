package dev.sparksgd.train;

/** Why training stopped; {@link #label()} is what model.json and the summary say. */
public enum StopReason {
  MAX_ITER("max-iter"),
  MIN_STEP_SIZE("min-step-size"),
  TOL("tol"),
  LOSS_TOL("loss-tol"),
  GRAD_TOL("grad-tol"),
  VALIDATION("validation"),
  MAX_TIME("max-time"),
  DIVERGED("diverged"),
  /** The operator asked the run to stop ({@link TrainingListener#stopRequested}); nothing is published. */
  INTERRUPTED("interrupted");

  private final String label;

  StopReason(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }

  /** Whether the run stopped because it converged (step, objective or gradient stopped moving). */
  public boolean converged() {
    return this == MIN_STEP_SIZE || this == TOL || this == LOSS_TOL || this == GRAD_TOL;
  }
}
