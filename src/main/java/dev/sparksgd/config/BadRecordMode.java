package dev.sparksgd.config;


/** What a bad input record does: stop the run ({@code fail}) or be counted and left out ({@code skip}). */
public enum BadRecordMode {
  FAIL("fail"), SKIP("skip");

  private final String cliName;

  BadRecordMode(String cliName) {
    this.cliName = cliName;
  }

  public String cliName() {
    return cliName;
  }

  public static BadRecordMode parse(String s) {
    return CliNames.parse(values(), BadRecordMode::cliName, "--bad-records", s);
  }
}
