package dev.sparksgd.train;

import dev.sparksgd.data.Block;
import dev.sparksgd.data.Dataset;
import dev.sparksgd.data.OrderedReduce;
import dev.sparksgd.loss.Loss;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;

/** Mean loss over the holdout rows at raw coefficients [β, c]: the validation loss (one job). */
final class HoldoutLoss {
  private HoldoutLoss() {
  }

  static double of(JavaSparkContext sc, Dataset data, double[] raw, Loss loss, int iteration) {
    int d = data.numFeatures;
    sc.setJobDescription("iteration " + iteration + ": validation loss");
    try {
      double[] s = OrderedReduce.reduce(data.blocks.mapPartitions(it -> {
        double[] acc = new double[2];
        while (it.hasNext()) {
          Block b = it.next();
          if (b.holdout) {
            for (int i = 0; i < b.numRows; i++) {
              double w = b.weight(i);
              acc[0] += w * loss.value(b.margin(i, raw, raw[d]), b.labels[i]);
              acc[1] += w;
            }
          }
        }
        return List.of(acc).iterator();
      }), Trainer::addInPlace);
      return s[1] > 0 ? s[0] / s[1] : Double.NaN;
    } finally {
      sc.setJobDescription(null);
    }
  }
}
