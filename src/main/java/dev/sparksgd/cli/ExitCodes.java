package dev.sparksgd.cli;

/** The documented exit codes (README, --help). */
public final class ExitCodes {
  public static final int OK = 0;
  public static final int FAILURE = 1;
  public static final int BAD_INPUT = 2;
  public static final int QUALITY_GATE = 3;
  public static final int DIVERGED = 4;

  private ExitCodes() {
  }
}
