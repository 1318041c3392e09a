package dev.sparksgd.train;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Helpers for a checkpoint's loop state: a flat map of named arrays, in which the state of the
 * loop's parts (the stopping rules, the adaptive schedule's last accepted point) sits under a
 * prefix of its own.
 */
final class LoopState {
  private LoopState() {
  }

  /** Checks that a checkpoint fits the run resuming from it before anything is restored. */
  static void check(Checkpoint c, int numParams, String optimizerName) {
    if (c.params().length != numParams) {
      throw new IllegalArgumentException("it holds " + c.params().length + " parameters, this run has "
          + numParams);
    }
    if (!c.optimizer().equals(optimizerName)) {
      throw new IllegalArgumentException("it was made by optimizer " + c.optimizer() + ", this run uses "
          + optimizerName);
    }
  }

  static double single(Checkpoint c, String key) {
    return single(c.loopState(), key);
  }

  /** The one number under key; a missing or longer entry is an IllegalArgumentException. */
  static double single(Map<String, double[]> state, String key) {
    double[] v = state.get(key);
    if (v == null || v.length != 1) {
      throw new IllegalArgumentException("its loop state needs " + key + " = [one number]");
    }
    return v[0];
  }

  /** The entries under prefix, with the prefix taken off. */
  static Map<String, double[]> prefixed(Map<String, double[]> state, String prefix) {
    Map<String, double[]> m = new LinkedHashMap<>();
    state.forEach((k, v) -> {
      if (k.startsWith(prefix)) {
        m.put(k.substring(prefix.length()), v);
      }
    });
    return m;
  }

  static void putPrefixed(Map<String, double[]> into, String prefix, Map<String, double[]> part) {
    part.forEach((k, v) -> into.put(prefix + k, v));
  }
}
