package dev.sparksgd.bench;

import dev.sparksgd.config.FeaturePrecision;
import dev.sparksgd.data.Block;
import dev.sparksgd.data.FeatureValues;
import dev.sparksgd.data.Generator;
import dev.sparksgd.data.ParsedRecord;
import dev.sparksgd.loss.SquaredLoss;
import dev.sparksgd.train.KernelAccess;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The per-block gradient kernel, one thread: the real {@code GradientTask} over cached-style
 * blocks (full batch and a 1% mini-batch), against the roofline loop over the same rows in one
 * plain array. One operation = one pass over all rows of the working set; divide by the rows (or
 * bytes) for per-row (or GB/s) figures. Run with src/test/bench/kernel-bench.sh.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx3g", "--add-modules=jdk.incubator.vector"})
public class KernelBenchmark {
  /** dense-100: 100 dense features; sparse-262144: 2^18 features, 20 non-zeros per row. */
  @Param({"dense-100", "sparse-262144"})
  public String shape;

  /** Rows: ~1 MiB of values (one block, in cache) or ~240 MB (streamed from memory). */
  @Param({"cache", "memory"})
  public String workingSet;

  /** The cached blocks' feature values: float64 or float32 (--feature-precision). */
  @Param({"float64", "float32"})
  public String precision;

  private Block[] blocks;
  private Roofline roofline;
  private double[] coef;
  private double[] rooflineAcc;
  private int d;

  @Setup(Level.Trial)
  public void setUp() {
    boolean dense = shape.startsWith("dense");
    d = dense ? 100 : 1 << 18;
    int nnz = dense ? 0 : 20;
    long rows = workingSet.equals("cache") ? (dense ? 1310 : 6553) : (dense ? 300_000 : 1_000_000);
    Generator gen = new Generator(7, d, nnz, 0.1, 0.0);
    blocks = pack(gen, rows, FeaturePrecision.parse(precision));
    roofline = Roofline.build(gen, rows);
    coef = gen.weights();
    for (int j = 0; j < d; j++) {
      coef[j] *= 0.5;
    }
    coef = Arrays.copyOf(coef, d + 1);
    rooflineAcc = new double[d + 1];
  }

  /** Blocks as the loader packs them: ~2^17 values per block, stored at precision p. */
  static Block[] pack(Generator gen, long rows, FeaturePrecision p) {
    int d = gen.numFeatures();
    List<Block> out = new ArrayList<>();
    ParsedRecord rec = new ParsedRecord();
    int per = gen.isDense() ? Math.max(64, (1 << 17) / d) : (1 << 17) / gen.nnzPerRow();
    for (long start = 0; start < rows; start += per) {
      int n = (int) Math.min(per, rows - start);
      double[] labels = new double[n];
      double[] values = new double[n * gen.nnzPerRow()];
      int[] rowPtr = new int[n + 1];
      int[] colIdx = gen.isDense() ? null : new int[values.length];
      int at = 0;
      for (int i = 0; i < n; i++) {
        gen.row(start + i, rec);
        labels[i] = rec.label;
        System.arraycopy(rec.values, 0, values, at, rec.nnz);
        if (colIdx != null) {
          System.arraycopy(rec.indices, 0, colIdx, at, rec.nnz);
        }
        at += rec.nnz;
        rowPtr[i + 1] = at;
      }
      FeatureValues stored = FeatureValues.of(p, values, values.length);
      out.add(gen.isDense() ? Block.dense(n, d, stored, labels, null, false)
          : Block.sparse(n, rowPtr, colIdx, stored, labels, null, false));
    }
    return out.toArray(new Block[0]);
  }

  @Benchmark
  public double[] gradientTaskFullBatch() {
    return KernelAccess.gradientTask(blocks, coef, d, SquaredLoss.INSTANCE, 1.0, 42);
  }

  @Benchmark
  public double[] gradientTaskOnePercent() {
    return KernelAccess.gradientTask(blocks, coef, d, SquaredLoss.INSTANCE, 0.01, 42);
  }

  @Benchmark
  public double roofline() {
    return roofline.pass(coef, coef[d], rooflineAcc);
  }
}
