package dev.sparksgd.bench;

import java.util.Arrays;

/** Order statistics of a few timings. */
final class Samples {
  private Samples() {
  }

  static double median(double[] v) {
    if (v.length == 0) {
      return Double.NaN;
    }
    double[] s = v.clone();
    Arrays.sort(s);
    int m = s.length / 2;
    return s.length % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2;
  }

  static double mean(double[] v) {
    return v.length == 0 ? Double.NaN : Arrays.stream(v).sum() / v.length;
  }

  static double min(double[] v) {
    return Arrays.stream(v).min().orElse(Double.NaN);
  }

  static double max(double[] v) {
    return Arrays.stream(v).max().orElse(Double.NaN);
  }

  /** Successive differences of nanosecond stamps, in milliseconds. */
  static double[] intervalsMillis(long[] stamps, int count) {
    double[] out = new double[Math.max(0, count - 1)];
    for (int i = 1; i < count; i++) {
      out[i - 1] = (stamps[i] - stamps[i - 1]) / 1e6;
    }
    return out;
  }

  static double[] concat(double[] a, double[] b) {
    double[] c = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }
}
