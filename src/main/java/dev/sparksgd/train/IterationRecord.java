package dev.sparksgd.train;

/**
 * One iteration as history.csv records it. {@code loss} is the mean loss over the iteration's
 * mini-batch at the weights the iteration started from; {@code objective} adds the penalty.
 */
public record IterationRecord(int iteration, double loss, double objective, double stepSize,
    double stepNorm, double gradNorm, long millis, long batchRows) {
}
