package dev.sparksgd.testing;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;

/**
 * What RddComparisons means on both Spark lines (spark-testing-base's on 3.5, ours on 4): equal as
 * multisets, whatever the order and partitioning; a missing, extra or repeated element fails.
 */
class RddComparisonsTest {
  private static JavaRDD<String> rdd(int partitions, String... xs) {
    JavaSparkContext sc = SparkTestSession.jsc();
    return sc.parallelize(List.of(xs), partitions);
  }

  @Test
  void sameElementsInAnotherOrderAndPartitioningAreEqual() {
    RddComparisons.assertRddEquals(rdd(1, "a", "b", "b", "c"), rdd(3, "b", "c", "b", "a"));
    RddComparisons.assertRddEquals(rdd(2), rdd(1));
  }

  @Test
  void aDifferentCountOfOneElementFails() {
    assertThrows(AssertionError.class,
        () -> RddComparisons.assertRddEquals(rdd(2, "a", "b", "b"), rdd(2, "a", "a", "b")));
    assertThrows(AssertionError.class,
        () -> RddComparisons.assertRddEquals(rdd(2, "a", "b"), rdd(2, "a", "b", "b")));
  }

  @Test
  void aMissingOrExtraElementFails() {
    assertThrows(AssertionError.class, () -> RddComparisons.assertRddEquals(rdd(2, "a", "b", "c"), rdd(2, "a", "b")));
    assertThrows(AssertionError.class, () -> RddComparisons.assertRddEquals(rdd(2, "a"), rdd(1, "a", "z")));
    assertThrows(AssertionError.class, () -> RddComparisons.assertRddEquals(rdd(1), rdd(1, "a")));
  }
}
