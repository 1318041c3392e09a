package dev.sparksgd.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sparksgd.testing.TestData;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Resuming runs whose loop keeps state beyond the parameters: each is trained once for N
 * iterations, and once cut after k (--max-iter k with a checkpoint, then --resume with --max-iter
 * N). The two models and histories must agree bit for bit. Each case also checks that the state in
 * question was really in play after the cut (else the comparison would prove nothing).
 */
class StatefulResumeTest {
  @TempDir
  static Path tmp;
  static Path data;

  private static final String[] BASE = {"--mini-batch-fraction", "0.3", "--min-step-size", "0", "--tol", "0",
      "--seed", "5", "--num-partitions", "3"};

  @BeforeAll
  static void writeData() throws IOException {
    data = tmp.resolve("data.libsvm");
    TestData.write(data, 11, 1500, 5, 0.5, 2.0);
  }

  /** The uninterrupted and the resumed run's model directories, the checkpoint, the resumed stdout. */
  private record Pair(Path whole, Path resumed, JsonNode checkpoint, String resumedOut) {
  }

  private static TestData.Run run(Path out, String[] opts, String... extra) {
    List<String> args = new ArrayList<>(List.of("train", "--data", data.toString(), "--output", out.toString()));
    args.addAll(Arrays.asList(BASE));
    args.addAll(Arrays.asList(opts));
    args.addAll(Arrays.asList(extra));
    TestData.Run r = TestData.cli(args.toArray(new String[0]));
    assertEquals(0, r.exitCode(), r.err());
    return r;
  }

  /** Runs N iterations whole and cut after k, and asserts that the two results are the same bits. */
  private static Pair wholeAndResumed(String name, int n, int k, String... opts) throws IOException {
    Path whole = tmp.resolve(name + "-whole");
    run(whole, opts, "--max-iter", String.valueOf(n));
    Path ck = tmp.resolve(name + "-ck");
    run(tmp.resolve(name + "-cut"), opts, "--max-iter", String.valueOf(k), "--checkpoint-dir", ck.toString(),
        "--checkpoint-interval", "4");
    String file = String.format("checkpoint-%09d.json", k);
    assertEquals(List.of(file), TestData.fileNames(ck));
    JsonNode checkpoint = TestData.json(ck.resolve(file));
    Path resumed = tmp.resolve(name + "-resumed");
    TestData.Run r = run(resumed, opts, "--max-iter", String.valueOf(n), "--checkpoint-dir", ck.toString(),
        "--checkpoint-interval", "4", "--resume");
    assertFalse(r.out().contains("iter " + k + "/"), "resumed after iteration " + k + ":\n" + r.out());

    assertArrayEquals(TestData.modelBits(whole), TestData.modelBits(resumed), name + ": weights and intercept");
    assertEquals(TestData.historyWithoutMillis(whole), TestData.historyWithoutMillis(resumed), name + ": history");
    JsonNode a = TestData.json(whole.resolve("model.json"));
    JsonNode b = TestData.json(resumed.resolve("model.json"));
    assertEquals(a.get("iterations"), b.get("iterations"));
    assertEquals(a.get("stopReason"), b.get("stopReason"));
    return new Pair(whole, resumed, checkpoint, r.out());
  }

  private static JsonNode state(Pair p, String part) {
    return p.checkpoint.get(part);
  }

  /** The history.csv column of that name, as numbers. */
  private static double[] column(Path model, String name) throws IOException {
    List<String> rows = java.nio.file.Files.readAllLines(model.resolve("history.csv"));
    int c = Arrays.asList(rows.get(0).split(",")).indexOf(name);
    assertTrue(c >= 0, "history.csv has a column " + name + ": " + rows.get(0));
    return rows.stream().skip(1).mapToDouble(l -> Double.parseDouble(l.split(",")[c])).toArray();
  }

  /** The bold driver's η (history.csv) both grew and shrank after iteration k. */
  private static void assertAcceptedAndRejectedAfter(Path model, int k) throws IOException {
    double[] rates = column(model, "step_size");
    Set<Boolean> grew = new HashSet<>();
    for (int i = k + 1; i < rates.length; i++) { // rates[i] is iteration i + 1's
      grew.add(rates[i] > rates[i - 1]);
    }
    assertEquals(Set.of(true, false), grew, "steps accepted and rejected after the cut: " + Arrays.toString(rates));
  }

  @Test
  void adam() throws Exception {
    Pair p = wholeAndResumed("adam", 24, 10, "--optimizer", "adam", "--step-size", "0.05");
    JsonNode s = state(p, "optimizerState");
    assertEquals(10, s.get("t").get(0).asInt(), "Adam's step count, for its bias correction");
    assertEquals(6, s.get("m").size(), "first moments of 5 weights and the intercept");
    assertEquals(6, s.get("v").size());
  }

  /**
   * The bold driver's η grows after accepted steps and halves after rejected ones; a resumed run
   * needs that η and the last accepted point (whose objective judges the next step).
   */
  @Test
  void adaptiveSchedule() throws Exception {
    Pair p = wholeAndResumed("adaptive", 24, 10, "--lr-schedule", "adaptive", "--step-size", "0.9",
        "--mini-batch-fraction", "1.0");
    double eta = state(p, "scheduleState").get("eta").get(0).asDouble();
    assertNotEquals(0.9, eta, "the rate moved before the cut");
    JsonNode loop = state(p, "loopState");
    assertTrue(loop.has("adaptive.accepted.params") && loop.has("adaptive.accepted.batch.gradient"), loop.toString());
    assertAcceptedAndRejectedAfter(p.whole, 10);
  }

  /**
   * Model averaging with the bold driver: a rejected step is retaken in the next iteration (the
   * tasks' steps depend on η), so the accepted point is kept without a gradient.
   */
  @Test
  void adaptiveModelAveraging() throws Exception {
    Pair p = wholeAndResumed("adaptive-ma", 20, 8, "--update-mode", "model-averaging", "--lr-schedule", "adaptive",
        "--step-size", "0.05", "--local-steps", "20", "--mini-batch-fraction", "1.0");
    JsonNode loop = state(p, "loopState");
    assertTrue(loop.has("adaptive.accepted.params") && !loop.has("adaptive.accepted.batch.gradient"), loop.toString());
    assertAcceptedAndRejectedAfter(p.whole, 8);
  }

  /** Barzilai–Borwein: a resumed run needs the last point and gradient to take its next step. */
  @Test
  void barzilaiBorweinSchedule() throws Exception {
    Pair p = wholeAndResumed("bb", 24, 10, "--lr-schedule", "bb", "--step-size", "0.2",
        "--mini-batch-fraction", "1.0");
    JsonNode s = state(p, "scheduleState");
    assertEquals(6, s.get("previousParams").size(), "5 weights and the intercept");
    assertEquals(6, s.get("previousGradient").size());
    assertNotEquals(0.2, s.get("eta").get(0).asDouble(), "the rate moved before the cut");
    double[] rates = column(p.whole, "step_size");
    assertNotEquals(rates[10], rates[11], "the rate still moves after the cut: " + Arrays.toString(rates));
  }

  /** L-BFGS: a resumed run needs the pairs, the last point and gradient and the line search's η. */
  @Test
  void lbfgsSchedule() throws Exception {
    Pair p = wholeAndResumed("lbfgs", 12, 5, "--lr-schedule", "lbfgs", "--step-size", "0.2",
        "--mini-batch-fraction", "1.0", "--reg-param", "0.05", "--elastic-net-param", "0.5",
        "--min-step-size", "0", "--tol", "0", "--grad-tol", "0");
    JsonNode s = state(p, "scheduleState");
    assertEquals(6, s.get("previousParams").size(), "5 weights and the intercept");
    assertTrue(s.get("s").size() >= 6 && s.get("s").size() % 6 == 0, "pairs kept before the cut: " + s);
    assertEquals(s.get("s").size(), s.get("y").size());
  }

  @Test
  void averaging() throws Exception {
    Pair p = wholeAndResumed("averaging", 24, 10, "--averaging", "true", "--averaging-start", "4",
        "--step-size", "0.3");
    JsonNode s = state(p, "optimizerState");
    assertEquals(10, s.get("steps").get(0).asInt());
    assertEquals(6, s.get("average").size(), "the running mean of the iterates from step 4 on");
    assertEquals(6, p.checkpoint.get("params").size());
    assertNotEquals(p.checkpoint.get("params"), s.get("average"));
  }

  /**
   * Early stopping on the holdout: momentum overshoots, so the holdout loss is best after iteration
   * 6 and rises after it. At the cut (8) the best model, its loss and iteration and one evaluation
   * without improvement are state; the run stops two evaluations later (12), where a resumed run
   * that forgot them would need three more (14 or later) and keep another model.
   */
  @Test
  void validationEarlyStopping() throws Exception {
    Pair p = wholeAndResumed("validation", 40, 8, "--validation-fraction", "0.2", "--validation-interval", "2",
        "--patience", "3", "--optimizer", "momentum", "--momentum", "0.95", "--step-size", "0.5",
        "--mini-batch-fraction", "1.0");
    JsonNode model = TestData.json(p.whole.resolve("model.json"));
    assertEquals("validation", model.get("stopReason").asText(), model.toString());
    int stoppedAt = model.get("iterations").asInt();
    JsonNode loop = state(p, "loopState");
    assertTrue(loop.has("rules.bestParams"), loop.toString());
    assertTrue(loop.get("rules.bestIteration").get(0).asInt() < 8, loop.toString());
    assertTrue(loop.get("rules.evaluationsWithoutImprovement").get(0).asInt() >= 1, loop.toString());
    assertTrue(stoppedAt > 8 && stoppedAt < 8 + 2 * 3, "stopped after the cut, sooner than a fresh count "
        + "of 3 evaluations would: " + stoppedAt);
  }

  /** Huber fits ln σ after the intercept: it is part of the parameters a checkpoint holds. */
  @Test
  void huber() throws Exception {
    Pair p = wholeAndResumed("huber", 24, 10, "--loss", "huber", "--step-size", "0.5");
    assertEquals(7, p.checkpoint.get("params").size(), "5 weights, the intercept and ln σ");
    double scale = TestData.json(p.whole.resolve("model.json")).get("scale").asDouble();
    assertEquals(Double.doubleToRawLongBits(scale),
        Double.doubleToRawLongBits(TestData.json(p.resumed.resolve("model.json")).get("scale").asDouble()));
    assertNotEquals(1.0, scale, "σ was fitted");
  }

  /** The rate --step-size auto chose is restored, not searched for again. */
  @Test
  void stepSizeAuto() throws Exception {
    Pair p = wholeAndResumed("auto", 16, 6, "--step-size", "auto");
    assertTrue(p.checkpoint.get("loopState").has("chosenStepSize"));
    assertTrue(p.resumedOut.contains("(as the checkpointed run did)"), p.resumedOut);
    assertFalse(p.resumedOut.contains("--step-size auto on"), "no second search: " + p.resumedOut);
    assertEquals(TestData.json(p.whole.resolve("model.json")).at("/options/chosen-step-size"),
        TestData.json(p.resumed.resolve("model.json")).at("/options/chosen-step-size"));
  }

  /**
   * --max-time counts the training time of the runs before the checkpoint: a resumed run whose
   * budget is already spent trains no further iteration and publishes the checkpoint's model.
   */
  @Test
  void maxTimeCountsTheTimeBeforeTheCheckpoint() throws Exception {
    Path ck = tmp.resolve("time-ck");
    String[] opts = {"--step-size", "0.3"};
    Path cut = tmp.resolve("time-cut");
    run(cut, opts, "--max-iter", "5", "--checkpoint-dir", ck.toString());
    JsonNode c = TestData.json(ck.resolve("checkpoint-000000005.json"));
    long spent = c.get("loopState").get("elapsedMillis").get(0).asLong();
    assertTrue(spent >= 1, "five Spark jobs take at least a millisecond: " + spent);

    Path out = tmp.resolve("time-resumed");
    TestData.Run r = run(out, opts, "--max-iter", "50", "--max-time", spent + "ms", "--checkpoint-dir",
        ck.toString(), "--resume");
    assertFalse(r.out().contains("iter "), r.out());
    JsonNode model = TestData.json(out.resolve("model.json"));
    assertEquals("max-time", model.get("stopReason").asText());
    assertEquals(5, model.get("iterations").asInt());
    assertArrayEquals(TestData.modelBits(cut), TestData.modelBits(out));
  }
}
