package dev.sparksgd.eval;

import dev.sparksgd.data.Block;
import dev.sparksgd.data.Dataset;
import dev.sparksgd.data.OrderedReduce;
import dev.sparksgd.data.SharedArray;
import dev.sparksgd.loss.Loss;
import dev.sparksgd.model.LinearModel;
import java.io.Serializable;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;

/** Metrics of a model on the training rows and on the holdout rows, in one pass over the cache. */
public record Evaluation(RegressionMetrics train, RegressionMetrics holdout) {

  public boolean hasHoldout() {
    return holdout != null && holdout.rows() > 0;
  }

  public static Evaluation of(JavaSparkContext sc, Dataset data, LinearModel model, Loss loss) {
    // Shared, not captured: a closure holding the coefficients ships them in every task binary
    // (32 MB at 2^22 features).
    final SharedArray coefficients = SharedArray.of(sc, model.weights);
    final double intercept = model.intercept;
    sc.setJobDescription("evaluate the model");
    try {
      Pair sums = OrderedReduce.reduce(data.blocks.mapPartitions(it -> {
        Pair p = new Pair();
        double[] coef = coefficients.value();
        while (it.hasNext()) {
          Block b = it.next();
          (b.holdout ? p.holdout : p.train).addBlock(b, coef, intercept, loss);
        }
        return List.of(p).iterator();
      }), (a, b) -> {
        a.train.merge(b.train);
        a.holdout.merge(b.holdout);
        return a;
      });
      return new Evaluation(sums.train.result(), sums.holdout.rows > 0 ? sums.holdout.result() : null);
    } finally {
      sc.setJobDescription(null);
      coefficients.destroy();
    }
  }

  static final class Pair implements Serializable {
    private static final long serialVersionUID = 1L;
    final MetricsAccumulator train = new MetricsAccumulator();
    final MetricsAccumulator holdout = new MetricsAccumulator();
  }
}
