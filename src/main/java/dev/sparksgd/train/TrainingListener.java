package dev.sparksgd.train;

/** Told about each iteration as it ends (the CLI prints progress from it). */
@FunctionalInterface
public interface TrainingListener {
  void onIteration(IterationRecord record, int maxIter);

  /** A line for the user about the run (e.g. the step sizes --step-size auto tried). */
  default void onMessage(String line) {
  }

  /**
   * Whether the operator asked the run to stop (the CLI: SIGTERM or SIGINT). The loop asks at
   * every iteration boundary and then stops there, as {@link StopReason#INTERRUPTED}, with the
   * checkpoint of that iteration; an iteration whose Spark job fails while this is true (the stop
   * cancelled it, see {@link Cancellation}) is dropped and the run stops at the boundary before it.
   */
  default boolean stopRequested() {
    return false;
  }

  TrainingListener NONE = (r, m) -> { };
}
