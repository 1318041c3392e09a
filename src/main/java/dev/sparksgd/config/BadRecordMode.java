package dev.sparksgd.config;

import java.util.Locale;

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
    String k = s.trim().toLowerCase(Locale.ROOT);
    for (BadRecordMode v : values()) {
      if (v.cliName.equals(k)) {
        return v;
      }
    }
    throw new ConfigException("--bad-records must be fail or skip (got '" + s + "')");
  }
}
