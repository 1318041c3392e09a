package dev.sparksgd.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparksgd.data.Block;
import dev.sparksgd.data.DataLoader;
import dev.sparksgd.data.Dataset;
import dev.sparksgd.data.Generator;
import dev.sparksgd.loss.Loss;
import dev.sparksgd.model.LinearModel;
import dev.sparksgd.testing.LogCapture;
import dev.sparksgd.testing.SparkTestSession;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The metrics of a wide model (2^18 coefficients, 2 MB) reach the tasks without being part of
 * each job's task binary: Spark warns "Broadcasting large task binary" above 1 MB, and at 2^22
 * features every evaluation job shipped 32 MB. The figures are checked against a pass on the
 * driver.
 */
class WideModelMetricsTest {
  private static final int D = 1 << 18;

  @Test
  void wideModelsAreEvaluatedWithoutLargeTaskBinariesAndRight() {
    Generator gen = new Generator(5, D, 12, 0.1, 0.0);
    Dataset data = DataLoader.fromGenerator(SparkTestSession.jsc(), gen, 3000, 2);
    try {
      double[] w = new Random(3).doubles(D, -0.5, 0.5).toArray();
      LinearModel model = new LinearModel(w, 0.25, "squared", null, null, null, Map.of(), 1, "max-iter");
      Loss loss = model.lossFunction();
      double expectedLoss = 0;
      double rows = 0;
      double squares = 0;
      for (Block b : data.blocks.collect()) {
        for (int i = 0; i < b.numRows; i++) {
          double m = b.margin(i, w, 0.25);
          expectedLoss += b.weight(i) * loss.value(m, b.labels[i]);
          rows += b.weight(i);
          squares += b.weight(i) * (m - b.labels[i]) * (m - b.labels[i]);
        }
      }
      Map<String, Object> metrics;
      Evaluation eval;
      List<String> warnings;
      try (LogCapture log = LogCapture.start()) {
        eval = Evaluation.of(SparkTestSession.jsc(), data, model, loss);
        metrics = ModelMetrics.of(data.blocks, false, model);
        LogCapture.awaitQuiet();
        warnings = log.warnings();
      }
      for (String line : warnings) {
        assertTrue(!line.contains("large task binary") && !line.contains("very large size"), String.join("\n", warnings));
      }
      assertEquals(expectedLoss / rows, (double) metrics.get("meanLoss"), 1e-12 * Math.abs(expectedLoss / rows));
      double rmse = Math.sqrt(squares / rows);
      assertEquals(rmse, (double) metrics.get("rmse"), 1e-12 * rmse);
      assertEquals(3000L, eval.train().rows());
      assertEquals(rmse, eval.train().rmse(), 1e-12 * rmse);
    } finally {
      data.release();
    }
  }
}
