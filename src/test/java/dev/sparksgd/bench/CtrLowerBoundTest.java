package dev.sparksgd.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparksgd.bench.Benchmark.SizeRun;
import dev.sparksgd.bench.CtrBenchmark.Fit;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A bounded spark.ml (--ctr-ml-max-iter) that misses the target: its figure is the time of each
 * run's largest fit, marked as a lower bound, and the ratio and the target say so.
 */
class CtrLowerBoundTest {
  @Test
  void largestFitOfEachRunIsTheLowerBoundAndTheTargetSaysSo() {
    Figure notReached = new Figure(BenchOptions.CTR, Benchmark.SPARK_ML_PIPELINE, "ms", new double[0])
        .with("reached", false).with("targetLogLoss", 0.39);
    List<List<Fit>> runs = List.of(List.of(new Fit(1, 300_000, 0.57), new Fit(2, 410_000, 0.55)),
        List.of(new Fit(1, 290_000, 0.57), new Fit(2, 390_000, 0.55)));
    Figure ml = CtrBenchmark.lowerBound(notReached, runs, 2);
    assertArrayEquals(new double[] {410_000, 390_000}, ml.samples, 0.0);
    assertEquals(400_000, ml.median(), 0.0);
    assertEquals(Boolean.TRUE, ml.details.get("lowerBound"));
    assertEquals(Boolean.FALSE, ml.details.get("reached"));
    assertEquals(2, ml.details.get("notReachedWithinMaxIter"));
    assertEquals(0.39, ml.details.get("targetLogLoss"));

    SizeRun run = new SizeRun(2_000_000, 1 << 18, 39, 2, 2, "2000000 click rows x 2^18 hashed");
    run.figures.add(new Figure(BenchOptions.CTR, Benchmark.OURS, "ms", new double[] {100_000}));
    run.figures.add(new Figure(BenchOptions.CTR, Benchmark.OURS_FULL_BATCH, "ms", new double[0]));
    run.figures.add(ml);
    Benchmark.ratios(run);
    assertEquals(4.0, ml.ratio(), 0.0);
    List<BenchReport.Target> targets = BenchReport.targets(List.of(run));
    BenchReport.Target mini = targets.stream().filter(t -> t.target().contains("(mini-batch)")).findFirst().get();
    assertEquals(4.0, mini.value(), 0.0);
    assertTrue(mini.met()); // a lower bound of 4 on the ratio: at least 3
    assertTrue(mini.note().contains("within maxIter 2: the ratio is a lower bound"), mini.note());
    BenchReport.Target full = targets.stream().filter(t -> t.target().contains("(full-batch)")).findFirst().get();
    assertFalse(full.met());
    assertTrue(full.note().contains("ours did not reach"), full.note());

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BenchReport.printTable(new PrintStream(out, true, StandardCharsets.UTF_8), List.of(run), targets);
    String table = out.toString(StandardCharsets.UTF_8);
    assertTrue(table.matches("(?s).*spark\\.ml-pipeline\\s+>= 400000\\.0 ms\\s+>= 390000\\.0 ms\\s+>= 410000\\.0 ms\\s+>= 4\\.00.*"),
        table);
  }
}
