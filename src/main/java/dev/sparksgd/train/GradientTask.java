package dev.sparksgd.train;

import dev.sparksgd.data.Block;
import dev.sparksgd.data.IndexSampler;
import dev.sparksgd.data.Seeds;
import dev.sparksgd.data.SharedArray;
import dev.sparksgd.loss.Loss;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.Function2;

/**
 * The per-partition work of one iteration: draw the mini-batch by index from (seed, t, p), and sum
 * over it Σ ω·ℓ'(m, y)·x, Σ ω·ℓ', Σ ω·ℓ, Σ ω and the row count, with m = β·x + c on the raw data.
 * The result is one array: [gradient sums (d) | Σ ω·ℓ' | Σ ω·ℓ | Σ ω | rows | Σ ω·∂ℓ/∂extra_k]
 * (the last part only for a loss with parameters of its own, which follow the intercept in the
 * broadcast coefficients).
 */
final class GradientTask extends GangWork implements Function2<Integer, Iterator<Block>, Iterator<double[]>> {
  private static final long serialVersionUID = 1L;


  GradientTask(SharedArray rawCoefficients, int numFeatures, Loss loss, double fraction,
      long seed, int iteration, int failAtIteration) {
    super(rawCoefficients, numFeatures, loss, fraction, seed, iteration, failAtIteration);
  }

  @Override
  boolean sparse() {
    return false;
  }

  static int width(int numFeatures) {
    return numFeatures + 4;
  }

  @Override
  public Iterator<double[]> call(Integer partition, Iterator<Block> blocks) {
    failFirstAttempt(iteration == failAtIteration, partition, failAtIteration);
    stallUntilKilled(Trainer.STALL_TASK_AT_ITERATION, iteration, partition);
    double[] coef = rawCoefficients.value();
    IndexSampler sampler = fraction >= 1.0 ? null
        : new IndexSampler(fraction, Seeds.derive(seed, iteration, partition));
    return List.of(partialSums(blocks, sampler, coef, numFeatures, loss)).iterator();
  }

  /**
   * The test hook {@link Trainer#FAIL_TASK_AT_ITERATION}: the first attempt of partition 0's task
   * fails when {@code covered} (the task serves the iteration {@code failAt}).
   */
  static void failFirstAttempt(boolean covered, int partition, int failAt) {
    if (covered && partition == 0) {
      TaskContext tc = TaskContext.get();
      if (tc != null && tc.attemptNumber() == 0) {
        throw new IllegalStateException("injected task failure (" + Trainer.FAIL_TASK_AT_ITERATION + "="
            + failAt + ")");
      }
    }
  }

  /**
   * The test hooks {@link Trainer#STALL_TASK_AT_ITERATION} and {@link Trainer#STALL_GANG_AT_ITERATION}
   * (named by {@code hook}): partition 0's task of that iteration
   * writes the file named by {@link Trainer#STALL_MARKER} (atomically) and then never ends on its
   * own, only when Spark kills it (a cancelled job): an iteration that would take forever.
   */
  static void stallUntilKilled(String hook, int iteration, int partition) {
    SparkEnv env = SparkEnv.get();
    TaskContext tc = TaskContext.get();
    if (partition != 0 || env == null || tc == null || env.conf().getInt(hook, -1) != iteration) {
      return;
    }
    try {
      Path marker = Path.of(env.conf().get(Trainer.STALL_MARKER));
      Path tmp = marker.resolveSibling(marker.getFileName() + ".tmp");
      Files.writeString(tmp, "iteration " + iteration);
      Files.move(tmp, marker, StandardCopyOption.ATOMIC_MOVE);
      while (true) {
        tc.killTaskIfInterrupted(); // throws once Spark has killed the task
        Thread.sleep(10);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /**
   * One partition's sums at coefficients {@code coef} ([β, c, extra…] on the raw data): over every
   * training row, or over the rows {@code sampler} draws (indexes counting training rows only,
   * holdout blocks skipped).
   */
  static double[] partialSums(Iterator<Block> blocks, IndexSampler sampler, double[] coef, int d, Loss loss) {
    double intercept = coef[d];
    double[] acc = new double[width(d) + loss.numExtraParams()];
    Loss bound = loss.bind(coef, d + 1);
    long base = 0;
    while (blocks.hasNext()) {
      Block b = blocks.next();
      if (b.holdout) {
        continue;
      }
      if (sampler == null) {
        if (loss.numExtraParams() == 0) {
          BlockKernel.addGradientSums(b, loss, coef, intercept, acc, d);
        } else {
          for (int i = 0; i < b.numRows; i++) {
            accumulate(b, i, coef, intercept, acc, d, bound);
          }
        }
      } else {
        long end = base + b.numRows;
        while (sampler.peek() < end) {
          accumulate(b, (int) (sampler.peek() - base), coef, intercept, acc, d, bound);
          sampler.advance();
        }
      }
      base += b.numRows;
    }
    return acc;
  }

  /**
   * The sums over rows drawn earlier ({@link BatchPrefetch}): every row of {@code drawn}, in order,
   * added one by one as the sampled branch of {@link #partialSums} adds them, so the same bits.
   */
  static double[] drawnSums(List<Block> drawn, double[] coef, int d, Loss loss) {
    double intercept = coef[d];
    double[] acc = new double[width(d) + loss.numExtraParams()];
    Loss bound = loss.bind(coef, d + 1);
    for (Block b : drawn) {
      for (int i = 0; i < b.numRows; i++) {
        accumulate(b, i, coef, intercept, acc, d, bound);
      }
    }
    return acc;
  }

  private static void accumulate(Block b, int i, double[] coef, double intercept, double[] acc, int d,
      Loss loss) {
    double m = b.margin(i, coef, intercept);
    double y = b.labels[i];
    double w = b.weight(i);
    double dl = w * loss.derivative(m, y);
    b.addScaledRow(i, dl, acc);
    acc[d] += dl;
    acc[d + 1] += w * loss.value(m, y);
    acc[d + 2] += w;
    acc[d + 3] += 1;
    if (acc.length > d + 4) {
      loss.addExtraGradient(m, y, w, acc, d + 4);
    }
  }
}
