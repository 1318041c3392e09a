package dev.sparksgd.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparksgd.data.BadRecordException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The lines Spark 3.5 logs when a task fails on a bad record (copied from a real run), and others. */
class BadRecordLogFilterTest {
  private static final String BAD = "file:/tmp/bad.libsvm:3: feature indices are not increasing (1 after 2)";
  private final BadRecordLogFilter f = new BadRecordLogFilter();

  @AfterEach
  void reset() {
    BadRecordLogFilter.setEnabled(true);
  }

  @Test
  void dropsSparksFiveLinesAboutABadRecordTask() {
    assertTrue(f.drop("org.apache.spark.storage.BlockManager",
        "Putting block rdd_1_1 failed due to exception dev.sparksgd.data.BadRecordException: " + BAD + ".", null));
    assertTrue(f.drop("org.apache.spark.storage.BlockManager",
        "Block rdd_1_1 could not be removed as it was not found on disk or in memory", null));
    assertTrue(f.drop("org.apache.spark.executor.Executor", "Exception in task 1.0 in stage 0.0 (TID 1)",
        new BadRecordException("file:/tmp/bad.libsvm:3", "feature indices are not increasing (1 after 2)")));
    assertTrue(f.drop("org.apache.spark.scheduler.TaskSetManager",
        "Lost task 1.0 in stage 0.0 (TID 1) (localhost executor driver): dev.sparksgd.data.BadRecordException: "
            + BAD + "\n", null));
    assertTrue(f.drop("org.apache.spark.scheduler.TaskSetManager",
        "Task 1 in stage 0.0 failed 1 times; aborting job", null));
  }

  @Test
  void keepsLinesAboutOtherFailures() {
    assertFalse(f.drop("org.apache.spark.executor.Executor", "Exception in task 0.0 in stage 3.0 (TID 7)",
        new IllegalStateException("a real bug")));
    assertFalse(f.drop("org.apache.spark.scheduler.TaskSetManager",
        "Lost task 0.0 in stage 3.0 (TID 7) (host executor 1): java.lang.OutOfMemoryError: Java heap space", null));
    assertFalse(f.drop("org.apache.spark.scheduler.TaskSetManager",
        "Task 0 in stage 3.0 failed 4 times; aborting job", null), "not a bad-record task");
    assertFalse(f.drop("org.apache.spark.storage.BlockManager",
        "Block rdd_9_0 could not be removed as it was not found on disk or in memory", null));
  }

  @Test
  void theFollowUpLinesMustMatchTheTaskAndBlock() {
    f.drop("org.apache.spark.scheduler.TaskSetManager",
        "Lost task 1.0 in stage 0.0 (TID 1) (localhost executor driver): dev.sparksgd.data.BadRecordException: x", null);
    assertFalse(f.drop("org.apache.spark.scheduler.TaskSetManager",
        "Task 1 in stage 5.0 failed 1 times; aborting job", null));
    assertTrue(f.drop("org.apache.spark.scheduler.TaskSetManager",
        "Task 1 in stage 0.0 failed 1 times; aborting job", null));
  }

  /** With the console at ERROR, Spark never builds its WARN "Lost task" line: the executor's line keys it. */
  @Test
  void theExecutorLineAloneKeysTheAbortLine() {
    assertTrue(f.drop("org.apache.spark.executor.Executor", "Exception in task 0.0 in stage 7.0 (TID 3)",
        new BadRecordException("f:1", "bad")));
    assertTrue(f.drop("org.apache.spark.scheduler.TaskSetManager",
        "Task 0 in stage 7.0 failed 1 times; aborting job", null));
  }

  @Test
  void tasksKilledByTheAbortAreQuietOnlyRightAfterABadRecord() {
    String killed = "Putting block rdd_32_0 failed due to exception org.apache.spark.TaskKilledException.";
    String notRemoved = "Block rdd_32_0 could not be removed as it was not found on disk or in memory";
    assertFalse(f.drop("org.apache.spark.storage.BlockManager", killed, null), "no bad record yet");
    assertFalse(f.drop("org.apache.spark.storage.BlockManager", notRemoved, null));
    f.drop("org.apache.spark.scheduler.TaskSetManager",
        "Lost task 1.0 in stage 10.0 (TID 21) (localhost executor driver): dev.sparksgd.data.BadRecordException: x", null);
    assertTrue(f.drop("org.apache.spark.storage.BlockManager", killed, null));
    assertTrue(f.drop("org.apache.spark.storage.BlockManager", notRemoved, null));
  }

  @Test
  void aKilledTasksStatusAfterSparkStoppedIsQuietOnlyRightAfterABadRecord() {
    String late = "Exception in statusUpdate";
    java.util.concurrent.RejectedExecutionException rejected = new java.util.concurrent.RejectedExecutionException(
        "Task rejected from java.util.concurrent.ThreadPoolExecutor[Terminated]");
    assertFalse(f.drop("org.apache.spark.scheduler.TaskSchedulerImpl", late, rejected), "no bad record yet");
    f.drop("org.apache.spark.scheduler.TaskSetManager",
        "Lost task 1.0 in stage 10.0 (TID 21) (localhost executor driver): dev.sparksgd.data.BadRecordException: x", null);
    assertTrue(f.drop("org.apache.spark.scheduler.TaskSchedulerImpl", late, rejected));
    assertFalse(f.drop("org.apache.spark.scheduler.TaskSchedulerImpl", late, new IllegalStateException("other")),
        "another failure of a status update still shows");
  }

  @Test
  void ourOwnLoggersAndVerboseRunsAreNeverFiltered() {
    assertFalse(f.drop("dev.sparksgd.data.DataLoader", "skipped dev.sparksgd.data.BadRecordException", null));
    BadRecordLogFilter.setEnabled(false);
    assertFalse(f.drop("org.apache.spark.scheduler.TaskSetManager",
        "Lost task 1.0 in stage 0.0 (TID 1) (localhost executor driver): dev.sparksgd.data.BadRecordException: x", null));
  }
}
