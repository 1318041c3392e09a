package dev.sparksgd.cli;

import dev.sparksgd.train.IterationRecord;
import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * The progress line of each iteration, throttled for fast runs: the first and the last iteration
 * are always printed, others only when {@link #MIN_INTERVAL_NANOS} has passed since the previous
 * line. The listener cannot know an iteration is the last (the stopping rules run after it), so the
 * last line held back is printed by {@link #finish()}. history.csv keeps every iteration.
 */
final class ProgressPrinter {
  /** At most four lines a second. */
  static final long MIN_INTERVAL_NANOS = 250_000_000L;

  private final PrintStream out;
  private final LongSupplier nanoClock;
  private final long start;
  private long lastPrinted = Long.MIN_VALUE;
  private IterationRecord heldBack;
  private int maxIter;
  private long heldBackElapsed;
  private int printed;
  private int seen;

  ProgressPrinter(PrintStream out) {
    this(out, System::nanoTime);
  }

  ProgressPrinter(PrintStream out, LongSupplier nanoClock) {
    this.out = out;
    this.nanoClock = nanoClock;
    this.start = nanoClock.getAsLong();
  }

  void onIteration(IterationRecord r, int maxIter) {
    long now = nanoClock.getAsLong();
    this.maxIter = maxIter;
    seen++;
    if (printed == 0 || r.iteration() >= maxIter || now - lastPrinted >= MIN_INTERVAL_NANOS) {
      print(r, now - start);
      lastPrinted = now;
      heldBack = null;
    } else {
      heldBack = r;
      heldBackElapsed = now - start;
    }
  }

  /** Prints the last iteration if it was held back; says how many lines were left out. */
  void finish() {
    if (heldBack != null) {
      print(heldBack, heldBackElapsed);
      heldBack = null;
    }
    if (printed < seen) {
      out.printf(Locale.ROOT, "(%d of %d iteration lines shown, at most 4 a second; history.csv has "
          + "all of them)%n", printed, seen);
    }
  }

  private void print(IterationRecord r, long elapsedNanos) {
    printed++;
    out.println(line(r, maxIter, elapsedNanos));
  }

  static String line(IterationRecord r, int maxIter, long elapsedNanos) {
    return String.format(Locale.ROOT,
        "iter %d/%d  loss %.6g  step-size %.4g  step %.4g  grad %.4g  rows %d  %d ms  elapsed %.1f s",
        r.iteration(), maxIter, r.loss(), r.stepSize(), r.stepNorm(), r.gradNorm(), r.batchRows(),
        r.millis(), elapsedNanos / 1e9);
  }
}
