package dev.sparksgd.train;

import dev.sparksgd.data.Block;
import dev.sparksgd.loss.Loss;
import java.util.List;

/** Mean loss over the holdout rows at raw coefficients [β, c]: the validation loss (one Spark job, or the driver's threads). */
final class HoldoutLoss {
  private HoldoutLoss() {
  }

  static double of(Partitions parts, int d, double[] raw, Loss loss, int iteration) {
    double[] s = parts.reduce("iteration " + iteration + ": validation loss", (p, it) -> {
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
    }, Trainer::addInPlace, false);
    return s[1] > 0 ? s[0] / s[1] : Double.NaN;
  }
}
