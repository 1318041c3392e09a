package dev.sparksgd.train;

import dev.sparksgd.config.TrainConfig;
import dev.sparksgd.data.DataLoader;
import dev.sparksgd.data.Dataset;
import dev.sparksgd.loss.SquaredLoss;
import dev.sparksgd.testing.SparkTestSession;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.spark.api.java.JavaSparkContext;

/** Loads a data file once and runs the real Trainer on it under many configurations. */
final class TrainHarness implements AutoCloseable {
  final JavaSparkContext sc;
  final Dataset data;
  private final TrainConfig base;

  TrainHarness(Path file, int partitions, UnaryOperator<TrainConfig.Builder> baseOptions) {
    this(file, partitions, Map.of(), baseOptions);
  }

  /** On the test session of the default master with {@code sparkConf} added. */
  TrainHarness(Path file, int partitions, Map<String, String> sparkConf, UnaryOperator<TrainConfig.Builder> baseOptions) {
    sc = JavaSparkContext.fromSparkContext(SparkTestSession.get(SparkTestSession.DEFAULT_MASTER, sparkConf)
        .sparkContext());
    base = baseOptions.apply(TrainConfig.builder().dataPath(file.toString()).outputPath("unused")
        .numPartitions(partitions)).build();
    data = DataLoader.load(sc, base);
  }

  TrainResult train(UnaryOperator<TrainConfig.Builder> options) {
    return train(options, TrainingListener.NONE);
  }

  TrainResult train(UnaryOperator<TrainConfig.Builder> options, TrainingListener listener) {
    TrainConfig cfg = options.apply(base.toBuilder()).build();
    return new Trainer(cfg, SquaredLoss.INSTANCE).train(sc, data, listener);
  }

  /** Mean ½(w·x + b − y)² over the rows. */
  static double meanLoss(double[][] x, double[] y, double[] w, double b) {
    double s = 0;
    for (int i = 0; i < x.length; i++) {
      double m = b;
      for (int j = 0; j < w.length; j++) {
        m += w[j] * x[i][j];
      }
      s += 0.5 * (m - y[i]) * (m - y[i]);
    }
    return s / x.length;
  }

  /** ‖got − exact‖/‖exact‖ over [w, b]. */
  static double relativeError(TrainResult r, double[] exact) {
    double err = 0;
    double ref = 0;
    int d = r.coefficients().length;
    for (int j = 0; j <= d; j++) {
      double g = j < d ? r.coefficients()[j] : r.intercept();
      err += (g - exact[j]) * (g - exact[j]);
      ref += exact[j] * exact[j];
    }
    return Math.sqrt(err / ref);
  }

  @Override
  public void close() {
    data.release();
  }
}
