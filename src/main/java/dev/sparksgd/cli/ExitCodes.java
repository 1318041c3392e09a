package dev.sparksgd.cli;

/** The documented exit codes (README, --help). */
public final class ExitCodes {
  public static final int OK = 0;
  public static final int FAILURE = 1;
  public static final int BAD_INPUT = 2;
  public static final int QUALITY_GATE = 3;
  public static final int DIVERGED = 4;
  /** The driver or a task ran out of memory (or the heap is below Spark's minimum). */
  public static final int OUT_OF_MEMORY = 5;
  /**
   * Something could not be written (the model directory, a checkpoint, a report): a full disk, a
   * lost mount, a permission. The earlier model is untouched and no temporary file is left.
   */
  public static final int OUTPUT_FAILED = 6;
  /** Stopped by SIGINT (Ctrl-C): 128 + 2, as shells report it. */
  public static final int SIGINT = 130;
  /** Stopped by SIGTERM (a scheduler's timeout or eviction): 128 + 15, as shells report it. */
  public static final int SIGTERM = 143;

  private ExitCodes() {
  }
}
