package dev.sparksgd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sparksgd.testing.Rows;
import dev.sparksgd.testing.SparkTestSession;
import dev.sparksgd.testing.TestData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.evaluation.RegressionEvaluator;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * predict and evaluate on LIBSVM, CSV and Parquet input: every record comes back with its line
 * number or row index and the model's prediction, and evaluate's metrics equal spark.ml's
 * evaluators on those predictions (and a hand-computed RMSE).
 */
class PredictEvaluateTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  static Path tmp;
  static Rows regression;
  static Rows classes;
  static Path regressionModel;
  static Path logisticModel;

  @BeforeAll
  static void models() throws Exception {
    regression = Rows.regression(8, 900, new double[] {0.7, -1.2, 2.0}, -0.4, 0.5, 0.0, 0);
    double[] w = new double[regression.n()];
    for (int i = 0; i < w.length; i++) {
      w[i] = 0.5 + (i % 4);
    }
    regression = regression.withWeights(w);
    classes = Rows.logistic(9, 900, new double[] {1.0, -2.0, 0.5}, 0.2, 0.0);
    regressionModel = train(regression.write(tmp.resolve("train-reg.csv")), "reg-model", "squared",
        "--weight-col", "weight");
    logisticModel = train(classes.write(tmp.resolve("train-cls.csv")), "cls-model", "logistic");
  }

  static Path train(Path data, String name, String loss, String... extra) {
    Path out = tmp.resolve(name);
    List<String> args = new ArrayList<>(List.of("train", "--data", data.toString(), "--output", out.toString(),
        "--loss", loss, "--max-iter", "30", "--num-partitions", "2"));
    args.addAll(List.of(extra));
    TestData.Run r = TestData.cli(args.toArray(new String[0]));
    assertEquals(0, r.exitCode(), r.err());
    return out;
  }

  /** The input file in a format; Parquet as one file (so its row index is the row number). */
  static Path input(Rows rows, String format, String name) throws Exception {
    SparkSession spark = SparkTestSession.get();
    return switch (format) {
      case "parquet-columns" -> Rows.writeParquet(rows.columnFrame(spark).coalesce(1), tmp.resolve(name + ".parquet"), 1);
      case "parquet-vector" -> Rows.writeParquet(rows.vectorFrame(spark).coalesce(1), tmp.resolve(name + "-v.parquet"), 1);
      default -> rows.write(tmp.resolve(name + "." + format));
    };
  }

  /** Row number in {@code rows} of a predict output row: from the line (LIBSVM 1, CSV 2 first) or row index. */
  static int rowOf(Row r, String format) {
    if (format.startsWith("parquet")) {
      return ((Number) r.get(r.fieldIndex("row_index"))).intValue();
    }
    return ((Number) r.get(r.fieldIndex("line"))).intValue() - (format.equals("csv") ? 2 : 1);
  }

  static List<Row> predict(Path model, Path data, String out, String... extra) {
    List<String> args = new ArrayList<>(List.of("predict", "--model", model.toString(), "--data",
        data.toString(), "--output", tmp.resolve(out).toString(), "--num-partitions", "3"));
    args.addAll(List.of(extra));
    TestData.Run r = TestData.cli(args.toArray(new String[0]));
    assertEquals(0, r.exitCode(), r.err());
    SparkSession spark = SparkTestSession.get();
    Dataset<Row> df = out.endsWith(".parquet") ? spark.read().parquet(tmp.resolve(out).toString())
        : spark.read().option("header", "true").option("inferSchema", "true").csv(tmp.resolve(out).toString());
    return df.collectAsList();
  }

  static JsonNode evaluate(Path model, Path data, String... extra) throws Exception {
    List<String> args = new ArrayList<>(List.of("evaluate", "--model", model.toString(), "--data", data.toString()));
    args.addAll(List.of(extra));
    TestData.Run r = TestData.cli(args.toArray(new String[0]));
    assertEquals(0, r.exitCode(), r.err());
    return JSON.readTree(r.out());
  }

  static double margin(Path model, double[] x) throws Exception {
    double[] w = TestData.weights(model);
    double m = TestData.intercept(model);
    for (int j = 0; j < w.length; j++) {
      m += w[j] * x[j];
    }
    return m;
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"libsvm", "csv", "parquet-columns", "parquet-vector"})
  void regressionRoundTrip(String format) throws Exception {
    Rows rows = format.equals("libsvm") ? regression.withWeights(null) : regression;
    Path data = input(rows, format, "reg-" + format);
    String out = "pred-reg-" + format + (format.equals("csv") ? ".parquet" : ".csv");
    // LIBSVM has no weights: evaluating the weighted model on it needs --weight-col '' (unweighted).
    String[] weight = new String[] {"--weight-col", format.equals("libsvm") ? "" : "weight"};
    List<Row> preds = predict(regressionModel, data, out, weight);
    assertEquals(rows.n(), preds.size());
    boolean[] seen = new boolean[rows.n()];
    List<Row> scored = new ArrayList<>();
    for (Row r : preds) {
      int i = rowOf(r, format);
      assertFalse(seen[i], "row " + i + " twice");
      seen[i] = true;
      assertTrue(r.getString(r.fieldIndex("file")).contains("reg-" + format));
      assertEquals(rows.y()[i], r.getDouble(r.fieldIndex("label")), 0.0, "label of row " + i);
      double expected = margin(regressionModel, rows.x()[i]);
      double got = r.getDouble(r.fieldIndex("prediction"));
      assertEquals(expected, got, 1e-12 * Math.max(1, Math.abs(expected)), "prediction of row " + i);
      scored.add(RowFactory.create(got, rows.y()[i], rows.w() == null ? 1.0 : rows.w()[i]));
    }

    JsonNode m = evaluate(regressionModel, data, weight);
    assertEquals("linear-regression", m.get("modelType").asText());
    assertEquals(rows.n(), m.get("rows").asLong());
    Dataset<Row> df = SparkTestSession.get().createDataFrame(scored, new StructType()
        .add("prediction", DataTypes.DoubleType).add("label", DataTypes.DoubleType)
        .add("weight", DataTypes.DoubleType));
    RegressionEvaluator ev = new RegressionEvaluator().setWeightCol("weight");
    for (String[] k : new String[][] {{"rmse", "rmse"}, {"mse", "mse"}, {"mae", "mae"}, {"r2", "r2"},
        {"explainedVariance", "var"}}) {
      double expected = ev.setMetricName(k[1]).evaluate(df);
      assertEquals(expected, m.get(k[0]).asDouble(), 1e-9 * Math.max(1, Math.abs(expected)), k[0]);
    }
    double se = 0;
    double ws = 0;
    for (Row r : scored) {
      double e = r.getDouble(0) - r.getDouble(1);
      se += r.getDouble(2) * e * e;
      ws += r.getDouble(2);
    }
    assertEquals(Math.sqrt(se / ws), m.get("rmse").asDouble(), 1e-9, "RMSE by hand");
  }

  /**
   * evaluate weighs the rows by the column the model was trained with, giving training's metrics
   * on the same rows; --weight-col '' evaluates unweighted; a table without that column is exit 2
   * (predict, which needs no weights, still scores it).
   */
  @Test
  void evaluateWeighsTheRowsAsTrainingDid() throws Exception {
    Path data = tmp.resolve("train-reg.csv");
    JsonNode trained = TestData.json(regressionModel.resolve("metrics.json")).get("evaluation");
    assertEquals("train", trained.get("on").asText());
    JsonNode m = evaluate(regressionModel, data);
    assertEquals("weight", m.get("weightCol").asText());
    for (String k : List.of("rows", "weightSum", "meanLoss", "rmse", "mse", "mae", "r2", "explainedVariance")) {
      double expected = trained.get(k).asDouble();
      assertEquals(expected, m.get(k).asDouble(), 1e-12 * Math.max(1, Math.abs(expected)), k);
    }
    assertEquals(m, evaluate(regressionModel, data, "--weight-col", "weight"), "--weight-col weight is the default");

    JsonNode unweighted = evaluate(regressionModel, data, "--weight-col", "");
    assertTrue(unweighted.get("weightCol").isNull());
    assertEquals(regression.n(), unweighted.get("weightSum").asDouble(), 0.0);
    double se = 0;
    for (int i = 0; i < regression.n(); i++) {
      double e = margin(regressionModel, regression.x()[i]) - regression.y()[i];
      se += e * e;
    }
    assertEquals(Math.sqrt(se / regression.n()), unweighted.get("rmse").asDouble(), 1e-9, "unweighted RMSE by hand");

    Path noWeights = input(regression.withWeights(null), "csv", "reg-no-weights");
    TestData.Run r = TestData.cli("evaluate", "--model", regressionModel.toString(), "--data", noWeights.toString());
    assertEquals(2, r.exitCode(), r.err());
    assertTrue(r.err().contains("has no column 'weight', the weight column the model was trained with")
        && r.err().contains("--weight-col '' to evaluate unweighted") && !r.err().contains("\tat "), r.err());
    Path libsvm = input(regression.withWeights(null), "libsvm", "reg-no-weights");
    r = TestData.cli("evaluate", "--model", regressionModel.toString(), "--data", libsvm.toString());
    assertEquals(2, r.exitCode(), r.err());
    assertTrue(r.err().contains("LIBSVM, which has no weight column"), r.err());
    assertEquals(regression.n(), predict(regressionModel, noWeights, "pred-no-weights.csv").size());
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"libsvm", "csv", "parquet-columns"})
  void logisticRoundTrip(String format) throws Exception {
    Path data = input(classes, format, "cls-" + format);
    List<Row> preds = predict(logisticModel, data, "pred-cls-" + format + ".parquet");
    assertEquals(classes.n(), preds.size());
    List<Row> scored = new ArrayList<>();
    for (Row r : preds) {
      int i = rowOf(r, format);
      double m = margin(logisticModel, classes.x()[i]);
      double p = r.getDouble(r.fieldIndex("probability"));
      assertEquals(1.0 / (1.0 + Math.exp(-m)), p, 1e-12, "probability of row " + i);
      assertEquals(m > 0 ? 1.0 : 0.0, r.getDouble(r.fieldIndex("prediction")), "class of row " + i);
      scored.add(RowFactory.create(r.getDouble(r.fieldIndex("prediction")), classes.y()[i], p,
          Vectors.dense(1 - p, p)));
    }
    JsonNode m = evaluate(logisticModel, data);
    assertEquals("logistic-regression", m.get("modelType").asText());
    assertEquals("0/1", m.get("labelEncoding").asText());
    Dataset<Row> df = SparkTestSession.get().createDataFrame(scored, new StructType()
        .add("prediction", DataTypes.DoubleType).add("label", DataTypes.DoubleType)
        .add("score", DataTypes.DoubleType).add("probability", new VectorUDT()));
    assertEquals(new BinaryClassificationEvaluator().setRawPredictionCol("score").setMetricName("areaUnderROC")
        .evaluate(df), m.get("areaUnderROC").asDouble(), 1e-12, "AUC");
    assertEquals(new BinaryClassificationEvaluator().setRawPredictionCol("score").setMetricName("areaUnderPR")
        .evaluate(df), m.get("areaUnderPR").asDouble(), 1e-12, "area under PR");
    MulticlassClassificationEvaluator mc = new MulticlassClassificationEvaluator().setMetricLabel(1.0);
    assertEquals(mc.setMetricName("accuracy").evaluate(df), m.get("accuracy").asDouble(), 1e-12, "accuracy");
    assertEquals(mc.setMetricName("precisionByLabel").evaluate(df), m.get("precision").asDouble(), 1e-12);
    assertEquals(mc.setMetricName("recallByLabel").evaluate(df), m.get("recall").asDouble(), 1e-12);
    assertEquals(mc.setMetricName("fMeasureByLabel").evaluate(df), m.get("f1").asDouble(), 1e-12);
    assertEquals(mc.setMetricName("logLoss").evaluate(df), m.get("logLoss").asDouble(), 1e-12, "log loss");
    double logLoss = 0;
    for (Row r : scored) {
      double p = r.getDouble(2);
      logLoss -= r.getDouble(1) > 0 ? Math.log(p) : Math.log(1 - p);
    }
    assertEquals(logLoss / classes.n(), m.get("logLoss").asDouble(), 1e-12, "log loss by hand");
  }

  @Test
  void evaluateWritesItsJsonAndRefusesWhatDoesNotFit() throws Exception {
    Path data = input(classes, "csv", "cls-out");
    Path json = tmp.resolve("metrics-out.json");
    JsonNode printed = evaluate(logisticModel, data, "--output", json.toString());
    assertEquals(printed, TestData.json(json));
    TestData.Run again = TestData.cli("evaluate", "--model", logisticModel.toString(), "--data",
        data.toString(), "--output", json.toString());
    assertEquals(2, again.exitCode(), "existing --output without --overwrite");
    TestData.Run wrong = TestData.cli("evaluate", "--model", logisticModel.toString(), "--data",
        input(Rows.logistic(1, 20, new double[] {1, 2}, 0, 0), "csv", "narrow").toString());
    assertEquals(2, wrong.exitCode(), wrong.err());
    assertTrue(wrong.err().contains("narrow.csv: no column 'x3', which the model was trained with, in the header "
        + "(columns: label, x1, x2)"), wrong.err());
    TestData.Run big = TestData.cli("predict", "--model", logisticModel.toString(), "--data",
        input(Rows.regression(1, 20, new double[] {1, 2, 3, 4}, 0, 0.1, 0, 0), "libsvm", "wide").toString(),
        "--output", tmp.resolve("never.csv").toString());
    assertEquals(2, big.exitCode(), big.err());
    assertTrue(big.err().contains("wide.libsvm:") && big.err().contains(": feature index 4 is above the model's 3 features"),
        big.err());
  }
}
