package dev.sparksgd.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
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
}
