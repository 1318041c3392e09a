package dev.sparksgd.testing;

import java.util.Map;
import java.util.Objects;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * The one local SparkSession the test JVM shares (starting Spark costs seconds). Tests that need
 * another master or conf ask for it and the session is restarted; the next ordinary test gets the
 * default back. Everything binds to 127.0.0.1.
 */
public final class SparkTestSession {
  public static final String DEFAULT_MASTER = "local[2]";
  private static SparkSession current;
  private static String currentKey;

  private SparkTestSession() {
  }

  public static synchronized SparkSession get() {
    return get(DEFAULT_MASTER, Map.of());
  }

  public static synchronized SparkSession get(String master, Map<String, String> extraConf) {
    String key = master + extraConf;
    if (current != null && Objects.equals(key, currentKey) && !current.sparkContext().isStopped()) {
      return current;
    }
    stop();
    SparkConf conf = new SparkConf()
        .setMaster(master)
        .setAppName("spark-sgd tests")
        .set("spark.ui.enabled", "false")
        .set("spark.driver.host", "127.0.0.1")
        .set("spark.driver.bindAddress", "127.0.0.1")
        .set("spark.sql.shuffle.partitions", "4")
        .set("spark.default.parallelism", "2");
    extraConf.forEach(conf::set);
    current = SparkSession.builder().config(conf).getOrCreate();
    currentKey = key;
    return current;
  }

  public static JavaSparkContext jsc() {
    return JavaSparkContext.fromSparkContext(get().sparkContext());
  }

  public static synchronized void stop() {
    if (current != null) {
      current.stop();
      SparkSession.clearActiveSession();
      SparkSession.clearDefaultSession();
      current = null;
      currentKey = null;
    }
  }
}
