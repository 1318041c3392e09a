package dev.sparksgd.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparksgd.testing.Rows;
import dev.sparksgd.testing.SparkTestSession;
import dev.sparksgd.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.classification.LinearSVCModel;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.regression.LinearRegressionModel;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * DIR/sparkml loads with the real spark.ml model classes and predicts what our predict writes;
 * --init-model starts from our model or from a spark.ml model directory, and refuses models that
 * do not fit.
 */
class SparkMlInteropTest {
  @TempDir
  static Path tmp;
  static Rows regression;
  static Rows classes;
  static Path regressionData;
  static Path classData;

  @BeforeAll
  static void data() throws Exception {
    regression = Rows.regression(3, 600, new double[] {1.0, -2.0, 0.5, 3.0}, 1.5, 0.3, 0.02, 20);
    classes = Rows.logistic(4, 600, new double[] {1.5, -2.0, 0.5, 1.0}, 0.3, 0.0);
    regressionData = regression.write(tmp.resolve("reg.libsvm"));
    classData = classes.write(tmp.resolve("cls.libsvm"));
  }

  static Path train(Path data, String name, String... extra) {
    Path out = tmp.resolve(name);
    List<String> args = new ArrayList<>(List.of("train", "--data", data.toString(), "--output",
        out.toString(), "--overwrite", "--max-iter", "40", "--num-partitions", "2"));
    args.addAll(List.of(extra));
    TestData.Run r = TestData.cli(args.toArray(new String[0]));
    assertEquals(0, r.exitCode(), r.err());
    return out;
  }

  /** Our predict's CSV output for {@code data}, as rows ordered by line. */
  static List<Row> predict(Path model, Path data, String name) {
    Path out = tmp.resolve(name + ".csv");
    TestData.Run r = TestData.cli("predict", "--model", model.toString(), "--data", data.toString(),
        "--output", out.toString(), "--overwrite");
    assertEquals(0, r.exitCode(), r.err());
    return SparkTestSession.get().read().option("header", "true").option("inferSchema", "true")
        .csv(out.toString()).orderBy("line").collectAsList();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"squared", "huber", "logistic", "hinge"})
  void exportLoadsInSparkMlAndPredictsAsOurPredict(String loss) throws Exception {
    boolean classifier = loss.equals("logistic") || loss.equals("hinge");
    Rows rows = classifier ? classes : regression;
    Path data = classifier ? classData : regressionData;
    Path model = train(data, "export-" + loss, "--loss", loss, "--reg-param", "0.01");
    String dir = model.resolve("sparkml").toString();
    Transformer spark;
    switch (loss) {
      case "logistic" -> spark = LogisticRegressionModel.load(dir);
      case "hinge" -> spark = LinearSVCModel.load(dir);
      default -> {
        LinearRegressionModel m = LinearRegressionModel.load(dir);
        assertEquals(loss.equals("huber") ? "huber" : "squaredError", m.getLoss());
        assertEquals(0.01, m.getRegParam());
        if (loss.equals("huber")) {
          assertEquals(TestData.json(model.resolve("model.json")).get("scale").asDouble(), m.scale(), 0.0);
          assertEquals(1.35, m.getEpsilon());
        }
        spark = m;
      }
    }
    SparkSession session = SparkTestSession.get();
    List<Row> theirs = spark.transform(rows.vectorFrame(session)).collectAsList();
    List<Row> ours = predict(model, data, "export-" + loss);
    assertEquals(rows.n(), ours.size());
    List<Row> viaExport = predict(model.resolve("sparkml"), data, "export-read-" + loss);
    for (int i = 0; i < rows.n(); i++) {
      assertEquals(ours.get(i), viaExport.get(i), "predict --model DIR/sparkml reads the same model back");
    }
    assertEquals(rows.n(), theirs.size());
    for (int i = 0; i < rows.n(); i++) {
      Row o = ours.get(i);
      Row t = theirs.get(i);
      assertEquals(i + 1, o.getInt(o.fieldIndex("line")));
      double ourPrediction = o.getDouble(o.fieldIndex("prediction"));
      double theirPrediction = t.getDouble(t.fieldIndex("prediction"));
      assertEquals(theirPrediction, ourPrediction, 1e-9 * Math.max(1, Math.abs(theirPrediction)), "row " + i);
      if (loss.equals("logistic")) {
        double p = ((Vector) t.get(t.fieldIndex("probability"))).apply(1);
        assertEquals(p, o.getDouble(o.fieldIndex("probability")), 1e-9, "probability of row " + i);
      }
    }
  }

  /** Iteration 1's loss is the mean loss at the starting weights. */
  static double firstLoss(Path model) throws Exception {
    return Double.parseDouble(Files.readAllLines(model.resolve("history.csv")).get(1).split(",")[1]);
  }

  @Test
  void warmStartFromOurModelAndFromItsSparkMlExport() throws Exception {
    Path a = train(regressionData, "warm-a", "--loss", "huber", "--step-size", "0.5");
    double trainingLoss = TestData.json(a.resolve("metrics.json")).get("trainingLoss").asDouble();
    Path b = train(regressionData, "warm-b", "--loss", "huber", "--init-model", a.toString(), "--max-iter", "1");
    assertEquals(trainingLoss, firstLoss(b), 1e-9 * trainingLoss, "starts at A's weights and scale");
    Path c = train(regressionData, "warm-c", "--loss", "huber", "--init-model", a.resolve("sparkml").toString(),
        "--max-iter", "1");
    assertEquals(trainingLoss, firstLoss(c), 1e-9 * trainingLoss, "the Spark ML export carries the scale");
    // From a squared model: the weights carry over, the scale starts at 1.
    Path d = train(regressionData, "warm-d", "--loss", "squared", "--init-model", a.toString(), "--max-iter", "1",
        "--standardization", "false");
    assertTrue(firstLoss(d) < firstLoss(train(regressionData, "cold-d", "--loss", "squared", "--max-iter", "1")));
  }

  @Test
  void warmStartFromASparkMlFittedModel() throws Exception {
    LogisticRegressionModel fitted = new LogisticRegression().setRegParam(0.01).setMaxIter(50)
        .fit(classes.vectorFrame(SparkTestSession.get()));
    Path dir = tmp.resolve("spark-fitted");
    fitted.write().overwrite().save(dir.toString());
    double[] w = fitted.coefficients().toArray();
    double logLoss = 0;
    for (int i = 0; i < classes.n(); i++) {
      double m = fitted.intercept();
      for (int j = 0; j < w.length; j++) {
        m += w[j] * classes.x()[i][j];
      }
      logLoss += classes.y()[i] > 0 ? Math.log1p(Math.exp(-m)) : Math.log1p(Math.exp(m));
    }
    logLoss /= classes.n();
    Path ours = train(classData, "from-spark", "--loss", "logistic", "--init-model", dir.toString(),
        "--max-iter", "1");
    assertEquals(logLoss, firstLoss(ours), 1e-9);
  }

  @Test
  void unfitModelsAreRefused() throws Exception {
    Path reg = train(regressionData, "refuse-reg", "--max-iter", "2");
    TestData.Run r = TestData.cli("train", "--data", classData.toString(), "--output",
        tmp.resolve("never").toString(), "--loss", "logistic", "--init-model", reg.toString());
    assertEquals(2, r.exitCode(), r.err());
    assertTrue(r.err().contains("--init-model") && r.err().contains("linear-regression"), r.err());

    Path three = tmp.resolve("three.csv");
    Files.writeString(three, "label,a,b,c\n1,2,3,4\n2,3,4,5\n");
    r = TestData.cli("train", "--data", three.toString(), "--output", tmp.resolve("never").toString(),
        "--init-model", reg.toString());
    assertEquals(2, r.exitCode(), r.err());
    assertTrue(r.err().contains("has 4 features, the data has 3"), r.err());

    r = TestData.cli("train", "--data", regressionData.toString(), "--output", tmp.resolve("never").toString(),
        "--init-model", tmp.resolve("nothing-here").toString());
    assertEquals(2, r.exitCode(), r.err());
    assertTrue(r.err().contains("no such directory"), r.err());
  }
}
