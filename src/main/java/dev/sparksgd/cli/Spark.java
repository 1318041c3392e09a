package dev.sparksgd.cli;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/** The one place the application starts Spark. */
final class Spark {
  /**
   * Task results up to this size go to the driver in the task's status message instead of through
   * the block manager (Spark's default: 1m). Gradient sums at 2^18 features are 2 MB per task and
   * drawn mini-batches ({@code --prefetch-mb}) tens of MB; a --conf given by the user wins.
   */
  static final String MAX_DIRECT_RESULT = "spark.task.maxDirectResultSize";
  static final String MAX_DIRECT_RESULT_DEFAULT = "64m";

  private Spark() {
  }

  /**
   * The running session (tests share one), or a new one; local[*] when no master was given, and
   * {@code appName} unless the user named the application ({@code spark-submit --name}: the name
   * YARN and the standalone master show, also in client mode).
   */
  static SparkSession session(String appName) {
    SparkSession.Builder b = SparkSession.builder();
    boolean fresh = SparkSession.getActiveSession().isEmpty() && SparkSession.getDefaultSession().isEmpty();
    SparkConf given = new SparkConf();
    if (!userNamed(given)) {
      b.appName(appName);
    }
    if (fresh && !given.contains("spark.master")) {
      b.master("local[*]");
    }
    if (fresh && !given.contains(MAX_DIRECT_RESULT)) {
      b.config(MAX_DIRECT_RESULT, MAX_DIRECT_RESULT_DEFAULT);
    }
    return b.getOrCreate();
  }

  /** spark-submit names an application without --name after its main class. */
  static boolean userNamed(SparkConf conf) {
    return conf.contains("spark.app.name") && !conf.get("spark.app.name").equals(Main.class.getName());
  }
}
