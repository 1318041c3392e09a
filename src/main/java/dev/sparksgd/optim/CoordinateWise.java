package dev.sparksgd.optim;

/**
 * An optimizer whose step treats every coordinate on its own, with per-coordinate state in arrays
 * as long as the parameters: the dense step is {@link #stepAt} for each coordinate in turn, so an
 * update that touches only some coordinates ({@link LazyUpdate}) does the same arithmetic.
 */
interface CoordinateWise {
  /** The per-coordinate state arrays (velocity, accumulators), created for n parameters on first use. */
  double[][] stateArrays(int n);

  /** Coordinate i's step with gradient g (its state arrays exist). */
  void stepAt(double[] params, int i, double g, double eta);

  /** Coordinate i's entry of {@link Optimizer#effectiveSteps}. */
  double effectiveStepAt(int i, double eta);
}
