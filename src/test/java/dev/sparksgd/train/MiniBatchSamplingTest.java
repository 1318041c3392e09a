package dev.sparksgd.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparksgd.data.Block;
import dev.sparksgd.data.OrderedReduce;
import dev.sparksgd.loss.SquaredLoss;
import dev.sparksgd.testing.SparkTestSession;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.junit.jupiter.api.Test;

/**
 * Over many iterations each row is drawn with frequency ≈ the fraction. Row i of the test data is
 * the one-hot vector e_i with label −1, so at zero weights the gradient sum of an iteration is
 * exactly the indicator of the rows drawn.
 */
class MiniBatchSamplingTest {
  @Test
  void everyRowIsDrawnWithFrequencyCloseToTheFraction() {
    JavaSparkContext sc = SparkTestSession.jsc();
    int n = 600;
    int partitions = 3;
    List<Block> blocks = new ArrayList<>();
    int perBlock = 50;
    for (int start = 0; start < n; start += perBlock) {
      int[] rowPtr = new int[perBlock + 1];
      int[] cols = new int[perBlock];
      double[] vals = new double[perBlock];
      double[] labels = new double[perBlock];
      for (int i = 0; i < perBlock; i++) {
        rowPtr[i + 1] = i + 1;
        cols[i] = start + i;
        vals[i] = 1.0;
        labels[i] = -1.0;
      }
      blocks.add(Block.sparse(perBlock, rowPtr, cols, vals, labels, null, false));
    }
    JavaRDD<Block> rdd = sc.parallelize(blocks, partitions).cache();
    Broadcast<double[]> zero = sc.broadcast(new double[n + 1]);
    double fraction = 0.2;
    int iterations = 300;
    double[] counts = new double[n];
    double batchRows = 0;
    for (int t = 1; t <= iterations; t++) {
      double[] acc = OrderedReduce.reduce(rdd.mapPartitionsWithIndex(
          new GradientTask(dev.sparksgd.data.SharedArray.ofBroadcast(zero), n, SquaredLoss.INSTANCE, fraction, 99L, t, -1), false), Trainer::addInPlace);
      for (int i = 0; i < n; i++) {
        double v = acc[i];
        assertTrue(v == 0.0 || v == 1.0, "a row is drawn at most once per iteration");
        counts[i] += v;
      }
      batchRows += acc[n + 3];
    }
    double sd = Math.sqrt(fraction * (1 - fraction) / iterations);
    for (int i = 0; i < n; i++) {
      double f = counts[i] / iterations;
      assertTrue(Math.abs(f - fraction) < 5 * sd, "row " + i + " drawn with frequency " + f);
    }
    double mean = batchRows / ((double) iterations * n);
    assertEquals(fraction, mean, 5 * Math.sqrt(fraction * (1 - fraction) / ((double) iterations * n)));
    // Same (seed, t, p) → same draw: a second pass over iteration 1 gives the same indicator.
    double[] again1 = OrderedReduce.reduce(rdd.mapPartitionsWithIndex(
        new GradientTask(dev.sparksgd.data.SharedArray.ofBroadcast(zero), n, SquaredLoss.INSTANCE, fraction, 99L, 1, -1), false), Trainer::addInPlace);
    double[] again1b = OrderedReduce.reduce(rdd.mapPartitionsWithIndex(
        new GradientTask(dev.sparksgd.data.SharedArray.ofBroadcast(zero), n, SquaredLoss.INSTANCE, fraction, 99L, 1, -1), false), Trainer::addInPlace);
    org.junit.jupiter.api.Assertions.assertArrayEquals(again1, again1b);
    zero.destroy();
    rdd.unpersist();
  }
}
