package dev.sparksgd.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparksgd.config.BadRecordMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The policy and its tally, without Spark (the tally is driven the way tasks and the driver do). */
class BadRecordPolicyTest {
  @TempDir
  Path tmp;

  /** A file of {@code n} lines of "x\n" (2 bytes each): line k starts at byte offset 2(k−1). */
  private String file(String name, int n) throws Exception {
    Path f = tmp.resolve(name);
    Files.writeString(f, "x\n".repeat(n));
    return f.toUri().toString();
  }

  @Test
  void failModeThrowsWithFileAndLine() throws Exception {
    String f = file("a.libsvm", 10);
    BadRecordPolicy p = new BadRecordPolicy(BadRecordMode.FAIL, 100);
    BadRecordException e = assertThrows(BadRecordException.class,
        () -> p.reject(f, 8, "feature index 0 is not >= 1", new BadRecordPolicy.Tally()));
    assertEquals(f + ":5: feature index 0 is not >= 1", e.getMessage());
  }

  @Test
  void skipModeCountsAndResolvesLinesOnTheDriver() throws Exception {
    String f = file("a.libsvm", 10);
    BadRecordPolicy p = new BadRecordPolicy(BadRecordMode.SKIP, 3);
    BadRecordPolicy.Tally t = new BadRecordPolicy.Tally();
    p.reject(f, 2, "bad one", t);
    p.reject(f, 12, "bad two", t);
    assertEquals(2, t.value().count());
    assertEquals(null, t.value().samples().get(0).location(), "tasks do not read the file back");
    RejectedRecords r = p.check(t);
    assertEquals(2, r.count());
    assertEquals(List.of(f + ":2: bad one", f + ":7: bad two"),
        r.samples().stream().map(RejectedRecords.Sample::describe).toList());
  }

  @Test
  void nothingSkippedIsNone() {
    assertSame(RejectedRecords.NONE, new BadRecordPolicy(BadRecordMode.SKIP, 0).check(new BadRecordPolicy.Tally()));
  }

  @Test
  void oneTaskOverTheLimitStopsAtOnce() throws Exception {
    String f = file("a.libsvm", 10);
    BadRecordPolicy p = new BadRecordPolicy(BadRecordMode.SKIP, 2);
    BadRecordPolicy.Tally t = new BadRecordPolicy.Tally();
    p.reject(f, 4, "first", t);
    p.reject(f, 6, "second", t);
    BadRecordException e = assertThrows(BadRecordException.class, () -> p.reject(f, 0, "third", t));
    assertEquals("more than --max-bad-records 2 bad records (at least 3); the first: " + f + ":1: third",
        e.getMessage());
  }

  @Test
  void theTotalOverTheLimitFailsOnTheDriver() throws Exception {
    String a = file("a.libsvm", 4);
    String b = file("b.libsvm", 4);
    BadRecordPolicy p = new BadRecordPolicy(BadRecordMode.SKIP, 2);
    BadRecordPolicy.Tally ta = new BadRecordPolicy.Tally();
    BadRecordPolicy.Tally tb = new BadRecordPolicy.Tally();
    p.reject(b, 2, "in b", tb);
    p.reject(a, 6, "in a", ta);
    p.reject(a, 4, "in a too", ta);
    BadRecordPolicy.Tally total = new BadRecordPolicy.Tally();
    total.merge(tb);
    total.merge(ta);
    BadRecordException e = assertThrows(BadRecordException.class, () -> p.check(total));
    assertEquals("more than --max-bad-records 2 bad records (3); the first: " + a + ":3: in a too",
        e.getMessage());
  }

  /** Tasks finish in any order: the count and the kept samples must not care. */
  @Test
  void mergeKeepsTheFirstSamplesByPositionInAnyOrder() {
    List<RejectedRecords.Sample> all = new ArrayList<>();
    for (int f = 0; f < 3; f++) {
      for (int k = 0; k < 7; k++) {
        all.add(new RejectedRecords.Sample("file:/d/part-" + f, 100L * k, "r" + f + k, null));
      }
    }
    List<RejectedRecords.Sample> expected = all.subList(0, RejectedRecords.SAMPLES);
    Random rnd = new Random(7);
    for (int trial = 0; trial < 20; trial++) {
      List<RejectedRecords.Sample> shuffled = new ArrayList<>(all);
      Collections.shuffle(shuffled, rnd);
      BadRecordPolicy.Tally total = new BadRecordPolicy.Tally();
      for (int i = 0; i < shuffled.size(); i += 4) {
        BadRecordPolicy.Tally task = new BadRecordPolicy.Tally();
        shuffled.subList(i, Math.min(i + 4, shuffled.size())).forEach(task::add);
        total.merge(task);
      }
      assertEquals(all.size(), total.value().count());
      assertEquals(expected, total.value().samples());
    }
  }

  @Test
  void copyAndResetBehaveAsSparkExpects() {
    BadRecordPolicy.Tally t = new BadRecordPolicy.Tally();
    assertTrue(t.isZero());
    t.add(new RejectedRecords.Sample("f", 0, "r", null));
    BadRecordPolicy.Tally c = t.copy();
    assertEquals(1, c.value().count());
    c.reset();
    assertTrue(c.isZero());
    assertEquals(1, t.value().count(), "the copy is independent");
  }

  /**
   * A task registers the tally with itself (where the heartbeat thread reads it) inside
   * AccumulatorV2's readObject, before Tally's own field is read: the reads must not throw then.
   */
  @Test
  void aTallyWhoseFieldIsNotYetReadIsEmpty() throws Exception {
    BadRecordPolicy.Tally t = new BadRecordPolicy.Tally();
    java.lang.reflect.Field f = BadRecordPolicy.Tally.class.getDeclaredField("value");
    f.setAccessible(true);
    f.set(t, null);
    assertTrue(t.isZero());
    assertSame(RejectedRecords.NONE, t.value());
    assertTrue(t.copy().isZero());
  }
}
