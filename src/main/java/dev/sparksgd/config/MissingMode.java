package dev.sparksgd.config;


/**
 * What a missing feature value (an empty CSV cell, a null Parquet value) becomes: refused with its
 * location ({@code fail}), or the column's mean or median over the training rows, or zero.
 */
public enum MissingMode {
  FAIL("fail"), MEAN("mean"), MEDIAN("median"), ZERO("zero");

  private final String cliName;

  MissingMode(String cliName) {
    this.cliName = cliName;
  }

  public String cliName() {
    return cliName;
  }

  public static MissingMode parse(String s) {
    return CliNames.parse(values(), MissingMode::cliName, "--missing", s);
  }
}
