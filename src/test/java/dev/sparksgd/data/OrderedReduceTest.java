package dev.sparksgd.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sparksgd.testing.SparkTestSession;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The reduction equals a sequential left-to-right sum in partition order, bit for bit. */
class OrderedReduceTest {
  @ParameterizedTest
  @ValueSource(ints = {1, 5, 64, 65, 150})
  void sumsInPartitionOrderBitForBit(int partitions) {
    JavaSparkContext sc = SparkTestSession.jsc();
    Random r = new Random(partitions);
    List<double[]> values = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      // Magnitudes spread over 1e-8 .. 1e8, so a different order changes the rounded sum.
      values.add(new double[] {r.nextGaussian() * Math.pow(10, r.nextInt(17) - 8), p});
    }
    List<double[]> copies = new ArrayList<>();
    values.forEach(v -> copies.add(v.clone()));
    JavaRDD<double[]> rdd = sc.parallelize(values, partitions);
    double[] got = OrderedReduce.reduce(rdd, (a, b) -> {
      a[0] += b[0];
      a[1] += b[1];
      return a;
    });
    // The shuffle level merges groups of ceil(sqrt(P)) partitions first; the expected value does the same.
    double expected;
    if (partitions <= OrderedReduce.MAX_DIRECT) {
      expected = values.get(0)[0];
      for (int p = 1; p < partitions; p++) {
        expected += values.get(p)[0];
      }
    } else {
      int fanout = (int) Math.ceil(Math.sqrt(partitions));
      expected = Double.NaN;
      for (int g = 0; g * fanout < partitions; g++) {
        double s = values.get(g * fanout)[0];
        for (int p = g * fanout + 1; p < Math.min(partitions, (g + 1) * fanout); p++) {
          s += values.get(p)[0];
        }
        expected = g == 0 ? s : expected + s;
      }
    }
    assertEquals(Double.doubleToRawLongBits(expected), Double.doubleToRawLongBits(got[0]));
    assertEquals(partitions * (partitions - 1) / 2.0, got[1], 0.0);
    // The driver-side merge of the same partials (mini-batches drawn ahead) gives the same bits.
    double[] local = OrderedReduce.mergeInOrder(copies, (a, b) -> {
      a[0] += b[0];
      a[1] += b[1];
      return a;
    });
    assertEquals(Double.doubleToRawLongBits(expected), Double.doubleToRawLongBits(local[0]));
  }
}
