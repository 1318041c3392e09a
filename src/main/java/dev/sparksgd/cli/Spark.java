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
  static final String EXECUTOR_JAVA_OPTIONS = "spark.executor.extraJavaOptions";
  /**
   * The JDK's Vector API, which the gradient kernels use where it is loaded (the same bits without
   * it, 2–3× slower on dense rows). Drivers get it from the build's JVM flags; executors in JVMs of
   * their own (a standalone, YARN or Kubernetes cluster) get it here, as Spark 3.5's launcher does
   * not add it: on the loopback cluster a task's run time went from 43.5 to 19 ms (200,000 × 50).
   */
  static final String VECTOR_MODULE = "--add-modules=jdk.incubator.vector";

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
    String executorOptions = fresh ? executorJavaOptions(given) : null;
    if (executorOptions != null) {
      b.config(EXECUTOR_JAVA_OPTIONS, executorOptions);
    }
    return b.getOrCreate();
  }

  /**
   * The executors' JVM options with {@link #VECTOR_MODULE} before the user's own, or null when
   * there are no executor JVMs (local mode) or the user's options already name the module.
   */
  static String executorJavaOptions(SparkConf given) {
    String master = given.get("spark.master", "local[*]");
    boolean local = master.equals("local") || master.startsWith("local[");
    String user = given.get(EXECUTOR_JAVA_OPTIONS, "").trim();
    if (local || user.contains("jdk.incubator.vector")) {
      return null;
    }
    return user.isEmpty() ? VECTOR_MODULE : VECTOR_MODULE + " " + user;
  }

  /** spark-submit names an application without --name after its main class. */
  static boolean userNamed(SparkConf conf) {
    return conf.contains("spark.app.name") && !conf.get("spark.app.name").equals(Main.class.getName());
  }
}
