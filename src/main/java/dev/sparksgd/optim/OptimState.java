package dev.sparksgd.optim;

import java.util.Arrays;
import java.util.Map;
import java.util.Set;

/** Helpers for optimizers' lazily sized state arrays and their state()/restoreState() maps. */
final class OptimState {
  private OptimState() {
  }

  /** The array, created on first use; the parameter count never changes within a run. */
  static double[] ensure(double[] a, int n) {
    if (a == null) {
      return new double[n];
    }
    if (a.length != n) {
      throw new IllegalArgumentException("state holds " + a.length + " entries, parameters have " + n);
    }
    return a;
  }

  /** Entry i, 0 before the first step. */
  static double at(double[] a, int i) {
    return a == null || i >= a.length ? 0.0 : a[i];
  }

  /** {key: copy of a}, or an empty map before the first step. */
  static Map<String, double[]> of(String key, double[] a) {
    return a == null ? Map.of() : Map.of(key, a.clone());
  }

  /** A copy of state[key] (null when absent: no step had been taken). */
  static double[] take(Map<String, double[]> state, String name, String key) {
    double[] a = state.get(key);
    return a == null ? null : a.clone();
  }

  static void checkKeys(Map<String, double[]> state, String name, String... allowed) {
    Set<String> ok = Set.of(allowed);
    for (String k : state.keySet()) {
      if (!ok.contains(k)) {
        throw new IllegalArgumentException(name + " state has no entry '" + k + "' (expected "
            + Arrays.toString(allowed) + ")");
      }
    }
  }

  /** Restores a one-array state: checks the keys and returns a copy (or null). */
  static double[] restoreOne(Map<String, double[]> state, String name, String key) {
    checkKeys(state, name, key);
    return take(state, name, key);
  }
}
