package dev.sparksgd.train;

/** Told about each iteration as it ends (the CLI prints progress from it). */
@FunctionalInterface
public interface TrainingListener {
  void onIteration(IterationRecord record, int maxIter);

  /** A line for the user about the run (e.g. the step sizes --step-size auto tried). */
  default void onMessage(String line) {
  }

  TrainingListener NONE = (r, m) -> { };
}
