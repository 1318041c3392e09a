package dev.sparksgd.eval;

import dev.sparksgd.data.Block;
import dev.sparksgd.data.Labels;
import dev.sparksgd.data.OrderedReduce;
import dev.sparksgd.data.SharedArray;
import dev.sparksgd.loss.LogisticLoss;
import dev.sparksgd.loss.Loss;
import dev.sparksgd.model.LinearModel;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.mllib.evaluation.BinaryClassificationMetrics;
import org.apache.spark.mllib.evaluation.MulticlassMetrics;
import org.apache.spark.mllib.evaluation.RegressionMetrics;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple3;
import scala.Tuple4;

/**
 * A model's quality on a set of rows, measured by Spark MLlib's own metrics classes on the
 * (prediction, label, weight) triples: RMSE, MSE, MAE, R² and explained variance
 * ({@link RegressionMetrics}) for a regression; log loss, accuracy, precision/recall/F1 of the
 * positive class ({@link MulticlassMetrics}) and the areas under the ROC and PR curves
 * ({@link BinaryClassificationMetrics}, exact, no binning) for a classifier. Instance weights
 * count as in MLlib. {@code meanLoss} is the model's own training loss, weighted mean.
 */
public final class ModelMetrics {
  private ModelMetrics() {
  }

  /** Metrics over the rows of {@code blocks} whose holdout flag is {@code holdout}. */
  public static Map<String, Object> of(JavaRDD<Block> blocks, boolean holdout, LinearModel model) {
    // Shared, not captured: a closure holding the coefficients (or the model) ships them in every
    // task binary of every metrics job (32 MB at 2^22 features).
    final SharedArray coefficients = SharedArray.of(JavaSparkContext.fromSparkContext(blocks.context()),
        model.weights);
    try {
      return of(blocks, holdout, model, coefficients);
    } finally {
      coefficients.destroy();
    }
  }

  private static Map<String, Object> of(JavaRDD<Block> blocks, boolean holdout, LinearModel model,
      SharedArray coefficients) {
    final double intercept = model.intercept;
    final Loss loss = model.lossFunction();
    final boolean classifier = model.isClassifier();
    final boolean logistic = model.loss.equals("logistic");
    JavaRDD<Block> rows = blocks.filter(b -> b.holdout == holdout);
    double[] lossSums = OrderedReduce.reduce(rows.mapPartitions(it -> {
      double[] coef = coefficients.value();
      double[] s = new double[3];
      while (it.hasNext()) {
        Block b = it.next();
        for (int i = 0; i < b.numRows; i++) {
          double w = b.weight(i);
          s[0] += w * loss.value(b.margin(i, coef, intercept), b.labels[i]);
          s[1] += w;
          s[2] += 1;
        }
      }
      return List.of(s).iterator();
    }), (a, b) -> {
      for (int i = 0; i < a.length; i++) {
        a[i] += b[i];
      }
      return a;
    });
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("rows", (long) lossSums[2]);
    m.put("weightSum", lossSums[1]);
    m.put("meanLoss", lossSums[1] > 0 ? lossSums[0] / lossSums[1] : Double.NaN);
    if (lossSums[2] == 0) {
      return m;
    }
    if (!classifier) {
      JavaRDD<Tuple3<Double, Double, Double>> triples = rows.flatMap(b -> {
        double[] coef = coefficients.value();
        List<Tuple3<Double, Double, Double>> out = new ArrayList<>(b.numRows);
        for (int i = 0; i < b.numRows; i++) {
          out.add(new Tuple3<>(b.margin(i, coef, intercept), b.labels[i], b.weight(i)));
        }
        return out.iterator();
      });
      RegressionMetrics r = new RegressionMetrics(triples.rdd());
      m.put("rmse", r.rootMeanSquaredError());
      m.put("mse", r.meanSquaredError());
      m.put("mae", r.meanAbsoluteError());
      m.put("r2", r.r2());
      m.put("explainedVariance", r.explainedVariance());
      return m;
    }
    // (predicted class index, label index, weight, [P(0), P(1)]) as MulticlassMetrics wants them.
    JavaRDD<Tuple4<Double, Double, Double, double[]>> scored = rows.flatMap(b -> {
      double[] coef = coefficients.value();
      List<Tuple4<Double, Double, Double, double[]>> out = new ArrayList<>(b.numRows);
      for (int i = 0; i < b.numRows; i++) {
        double margin = b.margin(i, coef, intercept);
        double p = logistic ? LogisticLoss.sigmoid(margin) : Double.NaN;
        out.add(new Tuple4<>(margin > 0 ? 1.0 : 0.0, Labels.index(b.labels[i]), b.weight(i),
            logistic ? new double[] {1.0 - p, p} : new double[] {margin}));
      }
      return out.iterator();
    }).persist(StorageLevel.MEMORY_AND_DISK());
    try {
      MulticlassMetrics mc = new MulticlassMetrics(logistic ? scored.rdd()
          : scored.map(t -> new Tuple3<>(t._1(), t._2(), t._3())).rdd());
      m.put("logLoss", logistic ? mc.logLoss(1e-15) : null);
      m.put("accuracy", mc.accuracy());
      m.put("precision", orNaN(() -> mc.precision(1.0)));
      m.put("recall", orNaN(() -> mc.recall(1.0)));
      m.put("f1", orNaN(() -> mc.fMeasure(1.0)));
      // The score is P(1) for logistic and the margin for hinge: either ranks rows the same.
      BinaryClassificationMetrics bc = new BinaryClassificationMetrics(
          scored.map(t -> new Tuple3<>(t._4()[t._4().length - 1], t._2(), t._3())).rdd(), 0);
      m.put("areaUnderROC", bc.areaUnderROC());
      m.put("areaUnderPR", bc.areaUnderPR());
      bc.unpersist();
    } finally {
      scored.unpersist(false);
    }
    return m;
  }

  private interface Metric {
    double get();
  }

  /** MLlib throws for a class that never occurs; the metric is then undefined. */
  private static double orNaN(Metric f) {
    try {
      return f.get();
    } catch (NoSuchElementException e) {
      return Double.NaN;
    }
  }

  /** One line of the metrics a person reads first. */
  public static void print(PrintStream out, String what, Map<String, Object> m) {
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "  %-14s", what));
    String[] keys = m.containsKey("rmse")
        ? new String[] {"rmse", "RMSE", "mae", "MAE", "r2", "R²", "explainedVariance", "explained var"}
        : new String[] {"logLoss", "log loss", "accuracy", "accuracy", "precision", "precision",
            "recall", "recall", "f1", "F1", "areaUnderROC", "AUC"};
    for (int i = 0; i < keys.length; i += 2) {
      Object v = m.get(keys[i]);
      if (v instanceof Number n) {
        sb.append(String.format(Locale.ROOT, " %s %.6g ", keys[i + 1], n.doubleValue()));
      }
    }
    sb.append(String.format(Locale.ROOT, " (%d rows)", ((Number) m.get("rows")).longValue()));
    out.println(sb.toString().replaceAll("  +\\(", "  ("));
  }
}
