package dev.sparksgd.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparksgd.testing.SparkTestSession;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Local mode hands the tasks the driver's array itself; otherwise a small array travels inside the
 * task and a large one as a broadcast; all read the same.
 */
class SharedArrayTest {
  @AfterAll
  static void defaultSession() {
    SparkTestSession.get();
  }

  private static List<Double> sums(JavaSparkContext sc, SharedArray shared) {
    JavaRDD<Integer> rdd = sc.parallelize(List.of(0, 1, 2, 3), 4);
    return rdd.map(i -> {
      double s = 0;
      for (double x : shared.value()) {
        s += x;
      }
      return s + i;
    }).collect();
  }

  @Test
  void localModeSharesTheDriversArrayWithoutABroadcast() {
    JavaSparkContext sc = SparkTestSession.jsc();
    double[] v = {1.5, 2.5, -1};
    SharedArray shared = SharedArray.of(sc, v);
    assertFalse(shared.isBroadcast());
    int identity = System.identityHashCode(v);
    List<Integer> seen = sc.parallelize(List.of(0, 1), 2).map(i -> System.identityHashCode(shared.value())).collect();
    assertEquals(List.of(identity, identity), seen, "the tasks read the driver's array itself");
    assertEquals(List.of(3.0, 4.0, 5.0, 6.0), sums(sc, shared));
    shared.destroy();
    SparkException e = org.junit.jupiter.api.Assertions.assertThrows(SparkException.class, () -> sums(sc, shared));
    assertTrue(e.getMessage().contains("is gone"), e.getMessage());
  }

  @Test
  void withBlockResultsOffASmallArrayTravelsInTheTaskAndALargeOneAsABroadcast() {
    try {
      JavaSparkContext sc = JavaSparkContext.fromSparkContext(SparkTestSession.get(SparkTestSession.DEFAULT_MASTER,
          Map.of(BlockResults.CONF_ENABLED, "false")).sparkContext());
      SharedArray small = SharedArray.of(sc, new double[] {1.5, 2.5, -1});
      assertTrue(small.isInline());
      assertFalse(small.isBroadcast());
      assertEquals(List.of(3.0, 4.0, 5.0, 6.0), sums(sc, small));
      small.destroy();

      double[] big = new double[SharedArray.INLINE_MAX_BYTES / 8 + 1];
      big[0] = 3.0;
      big[big.length - 1] = -0.5;
      SharedArray shared = SharedArray.of(sc, big);
      assertTrue(shared.isBroadcast());
      assertFalse(shared.isInline());
      assertEquals(List.of(2.5, 3.5, 4.5, 5.5), sums(sc, shared));
      shared.destroy();

      double[] edge = new double[SharedArray.INLINE_MAX_BYTES / 8];
      SharedArray atLimit = SharedArray.of(sc, edge);
      assertTrue(atLimit.isInline(), "an array of exactly the limit still travels in the task");
      atLimit.destroy();
    } finally {
      SparkTestSession.get();
    }
  }
}
