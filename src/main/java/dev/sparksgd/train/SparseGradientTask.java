package dev.sparksgd.train;

import dev.sparksgd.data.Block;
import dev.sparksgd.data.IndexSampler;
import dev.sparksgd.data.Seeds;
import dev.sparksgd.data.SharedArray;
import dev.sparksgd.loss.Loss;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.Function2;

/**
 * {@link GradientTask}'s mini-batch sums in sparse form: the same rows (drawn by index from
 * (seed, t, p)) added in the same order, returned as {@link SparseSums}, so what travels to the
 * driver is proportional to the batch's non-zeros, not to the features.
 */
final class SparseGradientTask extends GangWork implements Function2<Integer, Iterator<Block>, Iterator<SparseSums>> {
  private static final long serialVersionUID = 1L;


  SparseGradientTask(SharedArray rawCoefficients, int numFeatures, Loss loss, double fraction, long seed,
      int iteration, int failAtIteration) {
    super(rawCoefficients, numFeatures, loss, fraction, seed, iteration, failAtIteration);
  }

  @Override
  boolean sparse() {
    return true;
  }

  @Override
  public Iterator<SparseSums> call(Integer partition, Iterator<Block> blocks) {
    GradientTask.failFirstAttempt(iteration == failAtIteration, partition, failAtIteration);
    GradientTask.stallUntilKilled(Trainer.STALL_TASK_AT_ITERATION, iteration, partition);
    double[] coef = rawCoefficients.value();
    SparseAccumulator acc = SparseAccumulator.borrow(numFeatures);
    double intercept = coef[numFeatures];
    Loss bound = loss.bind(coef, numFeatures + 1);
    forEachDrawn(blocks, fraction, seed, iteration, partition, (b, i) -> acc.add(b, i, coef, intercept, bound));
    SparseSums sums = acc.finish();
    SparseAccumulator.release(acc); // not on a failure: its scratch would not be clear
    return List.of(sums).iterator();
  }

  /** Receives a drawn row: row {@code i} of block {@code b}. */
  interface RowVisitor {
    void visit(Block b, int i);
  }

  /**
   * The training rows of a partition's {@code blocks} that iteration {@code iteration}'s mini-batch
   * draws (by index from (seed, iteration, partition), holdout blocks skipped), in order.
   */
  static void forEachDrawn(Iterator<Block> blocks, double fraction, long seed, int iteration, int partition,
      RowVisitor visitor) {
    IndexSampler sampler = new IndexSampler(fraction, Seeds.derive(seed, iteration, partition));
    long base = 0;
    while (blocks.hasNext()) {
      Block b = blocks.next();
      if (b.holdout) {
        continue;
      }
      long end = base + b.numRows;
      while (sampler.peek() < end) {
        visitor.visit(b, (int) (sampler.peek() - base));
        sampler.advance();
      }
      base = end;
    }
  }
}
