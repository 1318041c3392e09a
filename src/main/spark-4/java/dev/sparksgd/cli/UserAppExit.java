package dev.sparksgd.cli;

import org.apache.spark.SparkUserAppException;

/**
 * The exception that tells YARN's ApplicationMaster the application's exit code. Spark 4 builds it
 * as {@code SparkUserAppException(exitCode, cause), with no cause}; the other Spark line has a constructor of another form, so
 * each line has this class in its own source folder (src/main/spark-LINE/java).
 */
final class UserAppExit {
  private UserAppExit() {
  }

  static SparkUserAppException of(int exitCode) {
    return new SparkUserAppException(exitCode, null);
  }
}
