package dev.sparksgd.testing;

import java.util.List;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import scala.Tuple2;

/**
 * RDD assertions for tests, on the Spark 4 line: spark-testing-base publishes nothing for Spark 4
 * / Scala 2.13, so this is ours, with the meaning of its {@code JavaRDDComparisons.assertRDDEquals}
 * (the Spark 3.5 line's class of the same name calls that one; RddComparisonsTest holds both to
 * the same meaning): the count of every distinct element on both sides, compared.
 */
public final class RddComparisons {
  private RddComparisons() {
  }

  /**
   * Fails (with an {@link AssertionError}) unless both RDDs hold the same elements the same
   * number of times, in any order and partitioning.
   */
  public static <T> void assertRddEquals(JavaRDD<T> expected, JavaRDD<T> result) {
    JavaPairRDD<T, Long> e = counts(expected);
    JavaPairRDD<T, Long> r = counts(result);
    List<Tuple2<T, Tuple2<Long, Long>>> mismatch = e.fullOuterJoin(r)
        .mapValues(v -> new Tuple2<>(v._1().orElse(0L), v._2().orElse(0L)))
        .filter(kv -> !kv._2()._1().equals(kv._2()._2()))
        .take(1);
    if (!mismatch.isEmpty()) {
      Tuple2<T, Tuple2<Long, Long>> m = mismatch.get(0);
      throw new AssertionError("RDDs differ: " + m._1() + " occurs " + m._2()._1() + " times in the expected RDD and "
          + m._2()._2() + " times in the result");
    }
  }

  private static <T> JavaPairRDD<T, Long> counts(JavaRDD<T> rdd) {
    return rdd.mapToPair(x -> new Tuple2<>(x, 1L)).reduceByKey(Long::sum);
  }
}
