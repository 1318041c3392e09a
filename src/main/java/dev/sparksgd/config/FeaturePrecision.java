package dev.sparksgd.config;


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
    return CliNames.parse(values(), FeaturePrecision::cliName, "--feature-precision", s);
  }
}
