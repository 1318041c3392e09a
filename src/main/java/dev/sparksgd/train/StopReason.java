package dev.sparksgd.train;

/** Why training stopped; {@link #label()} is what model.json and the summary say. */
public enum StopReason {
  MAX_ITER("max-iter"),
  MIN_STEP_SIZE("min-step-size"),
  TOL("tol"),
  DIVERGED("diverged");

  private final String label;

  StopReason(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }
}
