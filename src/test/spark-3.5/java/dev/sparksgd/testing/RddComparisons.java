package dev.sparksgd.testing;

import com.holdenkarau.spark.testing.JavaRDDComparisons;
import org.apache.spark.api.java.JavaRDD;

/**
 * RDD assertions for tests, on the Spark 3.5 line: spark-testing-base's. The Spark 4 line has a
 * class of the same name and meaning (src/test/spark-4), as spark-testing-base publishes nothing
 * for Spark 4 / Scala 2.13; RddComparisonsTest holds both to that meaning.
 */
public final class RddComparisons {
  private RddComparisons() {
  }

  /**
   * Fails (with an {@link AssertionError}) unless both RDDs hold the same elements the same
   * number of times, in any order and partitioning.
   */
  public static <T> void assertRddEquals(JavaRDD<T> expected, JavaRDD<T> result) {
    JavaRDDComparisons.assertRDDEquals(expected, result);
  }
}
