package dev.sparksgd.config;

import java.util.Locale;

/**
 * How the cached blocks store feature values ({@code --feature-precision}): 8-byte doubles (the
 * values as parsed) or 4-byte floats (each value rounded to the nearest float once, when cached;
 * half the bytes per pass). Labels, weights and every sum stay double either way.
 */
public enum FeaturePrecision {
  FLOAT64("float64", 8), FLOAT32("float32", 4);

  private final String cliName;
  private final int bytes;

  FeaturePrecision(String cliName, int bytes) {
    this.cliName = cliName;
    this.bytes = bytes;
  }

  public String cliName() {
    return cliName;
  }

  /** Bytes of one cached feature value. */
  public int bytes() {
    return bytes;
  }

  public static FeaturePrecision parse(String s) {
    String k = s == null ? "" : s.trim().toLowerCase(Locale.ROOT);
    for (FeaturePrecision v : values()) {
      if (v.cliName.equals(k)) {
        return v;
      }
    }
    throw new ConfigException("--feature-precision must be float64 or float32 (got '" + s + "')");
  }
}
