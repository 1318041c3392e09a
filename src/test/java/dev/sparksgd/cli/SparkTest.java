package dev.sparksgd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

class SparkTest {
  /** spark-submit sets spark.app.name to the main class without --name: then the command's name is used. */
  @Test
  void theUsersApplicationNameWinsOverTheCommandsButSparkSubmitsDefaultDoesNot() {
    assertFalse(Spark.userNamed(new SparkConf(false)));
    assertFalse(Spark.userNamed(new SparkConf(false).set("spark.app.name", Main.class.getName())));
    assertTrue(Spark.userNamed(new SparkConf(false).set("spark.app.name", "nightly-model")));
  }

  /** Executors in JVMs of their own load the Vector API module, before the user's own options. */
  @Test
  void executorsOfAClusterGetTheVectorModuleBeforeTheUsersOptions() {
    assertNull(Spark.executorJavaOptions(new SparkConf(false)), "no master: local[*]");
    assertNull(Spark.executorJavaOptions(new SparkConf(false).set("spark.master", "local[2]")));
    assertNull(Spark.executorJavaOptions(new SparkConf(false).set("spark.master", "local")));
    assertEquals(Spark.VECTOR_MODULE, Spark.executorJavaOptions(new SparkConf(false).set("spark.master",
        "spark://127.0.0.1:7077")));
    assertEquals(Spark.VECTOR_MODULE, Spark.executorJavaOptions(new SparkConf(false).set("spark.master",
        "local-cluster[2,1,1024]")));
    assertEquals(Spark.VECTOR_MODULE + " -Dx=1 -Xss4m", Spark.executorJavaOptions(new SparkConf(false)
        .set("spark.master", "yarn").set(Spark.EXECUTOR_JAVA_OPTIONS, " -Dx=1 -Xss4m")));
    assertNull(Spark.executorJavaOptions(new SparkConf(false).set("spark.master", "yarn")
        .set(Spark.EXECUTOR_JAVA_OPTIONS, "--add-modules jdk.incubator.vector")), "the user's own wins");
  }
}
