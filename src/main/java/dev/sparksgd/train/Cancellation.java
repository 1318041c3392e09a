package dev.sparksgd.train;

import org.apache.spark.SparkExecutorInfo;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Which Spark jobs a stop request may cancel. A command runs its jobs in {@link #JOB_GROUP}, and a
 * stop cancels that group, so that a long iteration (or the loading, or the evaluation) ends at
 * once instead of at its end: the driver gets the job's failure immediately and the tasks end at
 * their next cached block (Spark marks a killed task and the iterator over the cached blocks checks
 * the mark), without interrupting threads that may be in the middle of reading the input.
 *
 * <p>Work that must finish once it has begun runs {@link #shielded}, outside the group: the holdout
 * evaluation of an iteration (the step before it is taken, and its result is part of the state a
 * checkpoint keeps) and the publishing of the model directory.
 */
public final class Cancellation {
  /** The job group of the jobs a stop may cancel. */
  public static final String JOB_GROUP = "spark-sgd";
  /** Spark's local property holding the job group (SparkContext.SPARK_JOB_GROUP_ID). */
  private static final String GROUP_PROPERTY = "spark.jobGroup.id";

  private Cancellation() {
  }

  /** From here on, this thread's jobs are in the group a stop cancels. */
  public static void enter(JavaSparkContext sc, String description) {
    sc.setJobGroup(JOB_GROUP, description, false);
  }

  /** This thread's jobs are in no group any more. */
  public static void leave(JavaSparkContext sc) {
    sc.clearJobGroup();
  }

  /** Cancels the running jobs of the group (a job submitted just after is not: call it again). */
  public static void cancel(JavaSparkContext sc) {
    sc.cancelJobGroup(JOB_GROUP);
  }

  /**
   * Waits until no task runs, at most {@code maxMillis}: the tasks of a cancelled job go on to
   * their next cached block, and one that ends after Spark has stopped makes Spark log an error
   * with a stack trace (its result arrives at a closed thread pool).
   */
  public static void awaitRunningTasks(JavaSparkContext sc, long maxMillis) throws InterruptedException {
    long deadline = System.nanoTime() + maxMillis * 1_000_000L;
    while (System.nanoTime() < deadline && runningTasks(sc) > 0) {
      Thread.sleep(20);
    }
  }

  private static int runningTasks(JavaSparkContext sc) {
    int n = 0;
    for (SparkExecutorInfo e : sc.sc().statusTracker().getExecutorInfos()) {
      n += e.numRunningTasks();
    }
    return n;
  }

  /** Work that may throw a checked exception. */
  @FunctionalInterface
  public interface Work<T, E extends Exception> {
    T run() throws E;
  }

  /** Runs {@code body} with this thread's jobs outside any group: a stop lets them finish. */
  public static <T, E extends Exception> T shielded(JavaSparkContext sc, Work<T, E> body) throws E {
    String group = sc.getLocalProperty(GROUP_PROPERTY);
    sc.setLocalProperty(GROUP_PROPERTY, null);
    try {
      return body.run();
    } finally {
      sc.setLocalProperty(GROUP_PROPERTY, group);
    }
  }
}
