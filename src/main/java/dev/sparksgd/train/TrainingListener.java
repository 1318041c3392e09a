package dev.sparksgd.train;

/** Told about each iteration as it ends (the CLI prints progress from it). */
@FunctionalInterface
public interface TrainingListener {
  void onIteration(IterationRecord record, int maxIter);

  TrainingListener NONE = (r, m) -> { };
}
