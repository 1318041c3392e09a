package dev.sparksgd.train;

import java.util.List;

/**
 * The outcome of a run: weights in original feature units ({@code coefficients}, {@code intercept}),
 * the optimizer-space parameters they came from, and the history.
 */
public record TrainResult(double[] coefficients, double intercept, double[] params, int iterations,
    StopReason stopReason, List<IterationRecord> history, long millis) {
}
