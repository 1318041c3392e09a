package dev.sparksgd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparksgd.train.IterationRecord;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProgressPrinterTest {
  private long now;
  private final ByteArrayOutputStream buf = new ByteArrayOutputStream();
  private final ProgressPrinter p = new ProgressPrinter(new PrintStream(buf, true, StandardCharsets.UTF_8), () -> now);

  private static IterationRecord rec(int t) {
    return new IterationRecord(t, 1.0 / t, 1.0 / t, 0.1, 0.01, 0.1, 3, 100);
  }

  private List<String> lines() {
    return buf.toString(StandardCharsets.UTF_8).lines().toList();
  }

  /** 1000 iterations of 1 ms: about 4 lines a second, the first and the last always. */
  @Test
  void fastRunsAreThrottledKeepingFirstAndLast() {
    for (int t = 1; t <= 1000; t++) {
      now += 1_000_000L;
      p.onIteration(rec(t), 5000);
    }
    assertTrue(lines().get(lines().size() - 1).startsWith("iter 751/5000 "), "the last is held back");
    p.finish();
    List<String> out = lines();
    List<String> iters = out.stream().filter(l -> l.startsWith("iter ")).toList();
    assertTrue(iters.get(0).startsWith("iter 1/5000 "), iters.get(0));
    assertTrue(iters.get(iters.size() - 1).startsWith("iter 1000/5000 "), "the stop line: " + iters);
    // 1 s of iterations at t = 1..1000 ms: 1, 251, 501, 751, and the held-back 1000.
    assertEquals(5, iters.size(), String.join("\n", out));
    assertEquals("(5 of 1000 iteration lines shown, at most 4 a second; history.csv has all of them)",
        out.get(out.size() - 1));
  }

  @Test
  void slowRunsPrintEveryIterationAndNoNote() {
    for (int t = 1; t <= 5; t++) {
      now += 300_000_000L;
      p.onIteration(rec(t), 10);
    }
    p.finish();
    assertEquals(5, lines().size(), String.join("\n", lines()));
  }

  @Test
  void theMaxIterLineIsPrintedAtOnce() {
    p.onIteration(rec(1), 2);
    p.onIteration(rec(2), 2);
    assertEquals(2, lines().size());
    p.finish();
    assertEquals(2, lines().size(), "nothing held back, nothing left out");
  }

  @Test
  void lineHasEveryField() {
    IterationRecord r = new IterationRecord(17, 0.00477988, 0.005, 0.1, 0.001012, 0.01012, 17, 1588);
    assertEquals("iter 17/1000  loss 0.00477988  step-size 0.1000  step 0.001012  grad 0.01012  rows 1588  "
        + "17 ms  elapsed 5.2 s", ProgressPrinter.line(r, 1000, 5_200_000_000L));
  }
}
