package dev.sparksgd.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparksgd.config.LrSchedule;
import dev.sparksgd.config.OptimizerKind;
import dev.sparksgd.config.TrainConfig;
import dev.sparksgd.testing.TestData;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stop requested between iterations (no job to cancel): the loop stops at that boundary as
 * INTERRUPTED, with the checkpoint of the iteration it finished, whatever the checkpoint interval;
 * a run resumed from it ends with the bits of an uninterrupted run. The stop comes right after an
 * iteration with a holdout evaluation and inside a run whose adaptive schedule rejects steps, so the
 * stopping rules' and the schedule's state must both be in the checkpoint.
 */
class StopRequestTest {
  @TempDir
  static Path tmp;
  static TrainHarness harness;

  // Full batches: the bold driver judges steps on the objective of the whole training set (it
  // refuses mini-batches, whose objectives are over different rows). The step is large enough that
  // it rejects some.
  static final UnaryOperator<TrainConfig.Builder> RUN = b -> b.miniBatchFraction(1.0).stepSize("2")
      .minStepSize(0).tol(0).seed(17).validationFraction(0.2).validationInterval(5)
      .lrSchedule(LrSchedule.parse("adaptive")).optimizer(OptimizerKind.parse("momentum")).maxIter(25);

  @BeforeAll
  static void load() throws Exception {
    Path data = tmp.resolve("data.libsvm");
    TestData.write(data, 3, 4000, 9, 0.5, -1.0);
    harness = new TrainHarness(data, 4, b -> b);
  }

  @AfterAll
  static void release() {
    harness.close();
  }

  /** Asks to stop once iteration {@code after} has been reported. */
  static TrainingListener stopAfter(int after) {
    return new TrainingListener() {
      private volatile boolean stop;

      @Override
      public void onIteration(IterationRecord r, int maxIter) {
        stop |= r.iteration() >= after;
      }

      @Override
      public boolean stopRequested() {
        return stop;
      }
    };
  }

  static long[] bits(TrainResult r) {
    long[] b = new long[r.coefficients().length + 1];
    for (int j = 0; j < r.coefficients().length; j++) {
      b[j] = Double.doubleToRawLongBits(r.coefficients()[j]);
    }
    b[b.length - 1] = Double.doubleToRawLongBits(r.intercept());
    return b;
  }

  static List<String> historyWithoutMillis(TrainResult r) {
    return r.history().stream().map(h -> new IterationRecord(h.iteration(), h.loss(), h.objective(), h.stepSize(),
        h.stepNorm(), h.gradNorm(), 0, h.batchRows()).toString()).toList();
  }

  @Test
  void aStopBetweenIterationsKeepsThatIterationAndResumesToTheSameBits() throws Exception {
    TrainResult whole = harness.train(RUN);
    assertEquals(StopReason.MAX_ITER, whole.stopReason());
    boolean rejected = false; // the bold driver shrinks η only when it rejects a step
    for (int i = 1; i < whole.history().size(); i++) {
      rejected |= whole.history().get(i).stepSize() < whole.history().get(i - 1).stepSize();
    }
    assertTrue(rejected, "the adaptive schedule rejected a step (its state matters)");

    String ck = tmp.resolve("ck").toString();
    TrainResult stopped = harness.train(b -> RUN.apply(b).checkpointDir(ck).checkpointInterval(7), stopAfter(10));
    assertEquals(StopReason.INTERRUPTED, stopped.stopReason());
    assertEquals(10, stopped.iterations());
    assertEquals(10, stopped.history().size());
    assertEquals(List.of("checkpoint-000000010.json"), TestData.fileNames(tmp.resolve("ck")),
        "the stop's checkpoint replaced the one after iteration 7");
    Checkpoints.Saved saved = Checkpoints.newestIn(harness.sc.hadoopConfiguration(), ck);
    assertEquals(10, saved.iteration());

    TrainResult resumed = harness.train(b -> RUN.apply(b).checkpointDir(ck).checkpointInterval(7).resume(true));
    assertEquals(StopReason.MAX_ITER, resumed.stopReason());
    assertArrayEquals(bits(whole), bits(resumed));
    assertEquals(historyWithoutMillis(whole), historyWithoutMillis(resumed));
  }

  @Test
  void aStopBeforeTheFirstIterationWritesNoCheckpoint() throws Exception {
    String ck = tmp.resolve("ck0").toString();
    TrainResult r = harness.train(b -> RUN.apply(b).checkpointDir(ck), new TrainingListener() {
      @Override
      public void onIteration(IterationRecord record, int maxIter) {
      }

      @Override
      public boolean stopRequested() {
        return true;
      }
    });
    assertEquals(StopReason.INTERRUPTED, r.stopReason());
    assertEquals(0, r.iterations());
    assertNull(Checkpoints.newestIn(harness.sc.hadoopConfiguration(), ck));
  }
}
