package dev.sparksgd.cli;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/** The one place the application starts Spark. */
final class Spark {
  private Spark() {
  }

  /** The running session (tests share one), or a new one; local[*] when no master was given. */
  static SparkSession session(String appName) {
    SparkSession.Builder b = SparkSession.builder().appName(appName);
    if (SparkSession.getActiveSession().isEmpty() && SparkSession.getDefaultSession().isEmpty()
        && !new SparkConf().contains("spark.master")) {
      b.master("local[*]");
    }
    return b.getOrCreate();
  }
}
