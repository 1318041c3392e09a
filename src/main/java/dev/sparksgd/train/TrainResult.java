package dev.sparksgd.train;

import java.util.List;

/**
 * The outcome of a run: weights in original feature units ({@code coefficients}, {@code intercept}),
 * the optimizer-space parameters they came from, and the history. {@code chosenStepSize} is the
 * rate --step-size auto picked, or the one the batch's curvature set when no step size was given
 * (mini-batches; NaN when the step size was given or is the default's 0.1). {@code hingeSmoothing} is the
 * width of the smoothed hinge the last iterations minimized (NaN when the loss ran as it is).
 * {@code iterationMode} says where the iterations' per-partition work was set to run when the run
 * started: {@code "driver threads"}, {@code "gang"} (long-running tasks) or {@code "Spark jobs"}.
 */
public record TrainResult(double[] coefficients, double intercept, double[] params, int iterations,
    StopReason stopReason, List<IterationRecord> history, long millis, double chosenStepSize,
    double hingeSmoothing, String iterationMode) {

  public TrainResult(double[] coefficients, double intercept, double[] params, int iterations,
      StopReason stopReason, List<IterationRecord> history, long millis, double chosenStepSize,
      double hingeSmoothing) {
    this(coefficients, intercept, params, iterations, stopReason, history, millis, chosenStepSize, hingeSmoothing,
        "Spark jobs");
  }

  public TrainResult(double[] coefficients, double intercept, double[] params, int iterations,
      StopReason stopReason, List<IterationRecord> history, long millis, double chosenStepSize) {
    this(coefficients, intercept, params, iterations, stopReason, history, millis, chosenStepSize, Double.NaN);
  }

  public TrainResult(double[] coefficients, double intercept, double[] params, int iterations,
      StopReason stopReason, List<IterationRecord> history, long millis) {
    this(coefficients, intercept, params, iterations, stopReason, history, millis, Double.NaN);
  }
}
