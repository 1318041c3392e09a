package dev.sparksgd.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sparksgd.testing.Rows;
import dev.sparksgd.testing.SparkTestSession;
import dev.sparksgd.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.classification.LinearSVC;
import org.apache.spark.ml.classification.LinearSVCModel;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Logistic regression against spark.ml's LogisticRegression (same L2 penalty on standardized or
 * raw weights, no elastic net), hinge loss against LinearSVC, and the label rules (0/1 or −1/+1,
 * anything else refused).
 */
class ClassifierTest {
  private static final double[] TRUE_W = {2.0, -3.0, 1.6, 0.0, 4.0};

  @TempDir
  static Path tmp;
  static Rows rows;
  static Path data;

  @BeforeAll
  static void data() throws Exception {
    rows = Rows.logistic(23, 2000, TRUE_W, -0.5, 0.0);
    data = rows.write(tmp.resolve("classes.libsvm"));
  }

  static TestData.Run run(Path data, Path out, String... extra) {
    List<String> args = new ArrayList<>(List.of("train", "--data", data.toString(), "--output",
        out.toString(), "--overwrite", "--num-partitions", "2"));
    args.addAll(List.of(extra));
    return TestData.cli(args.toArray(new String[0]));
  }

  static Path train(Path data, String name, String... extra) {
    Path out = tmp.resolve(name);
    TestData.Run r = run(data, out, extra);
    assertEquals(0, r.exitCode(), r.err());
    return out;
  }

  static double meanLogLoss(double[] w, double b) {
    double s = 0;
    for (int i = 0; i < rows.n(); i++) {
      double m = b;
      for (int j = 0; j < w.length; j++) {
        m += w[j] * rows.x()[i][j];
      }
      double t = rows.y()[i] > 0 ? -m : m;
      s += t > 0 ? t + Math.log1p(Math.exp(-t)) : Math.log1p(Math.exp(t));
    }
    return s / rows.n();
  }

  /** Also with Barzilai–Borwein steps (bb), which a non-quadratic loss must not throw off. */
  @ParameterizedTest(name = "reg-param {0}, standardization {1}, intercept {2}, schedule {3}")
  @CsvSource({"0.01,true,true,constant", "0.02,false,true,constant", "0.01,true,false,constant",
      "0.01,true,true,bb", "0.02,false,true,bb"})
  void logisticMatchesSparkMl(double reg, boolean standardization, boolean intercept, String schedule)
      throws Exception {
    Path out = train(data, "logistic-" + reg + standardization + intercept + schedule, "--loss", "logistic",
        "--step-size", "2.0", "--max-iter", "2000", "--tol", "1e-9", "--min-step-size", "0",
        "--reg-param", String.valueOf(reg), "--standardization", String.valueOf(standardization),
        "--fit-intercept", String.valueOf(intercept), "--lr-schedule", schedule);
    double[] w = TestData.weights(out);
    double b = TestData.intercept(out);
    JsonNode model = TestData.json(out.resolve("model.json"));
    assertEquals("logistic-regression", model.get("modelType").asText());
    assertEquals("0/1", model.get("labelEncoding").asText());

    LogisticRegressionModel spark = new LogisticRegression().setFamily("binomial").setRegParam(reg)
        .setElasticNetParam(0.0).setStandardization(standardization).setFitIntercept(intercept)
        .setMaxIter(1000).setTol(1e-12).fit(rows.vectorFrame(SparkTestSession.get()));
    double[] sw = spark.coefficients().toArray();
    double rel = HuberTest.distance(w, sw) / HuberTest.norm(sw);
    double ours = meanLogLoss(w, b);
    double theirs = meanLogLoss(sw, spark.intercept());
    System.out.printf("logistic reg %s std %s icpt %s %s (%s iterations): rel %.3g, intercept %.6f vs %.6f, "
        + "log loss %.8f vs %.8f%n", reg, standardization, intercept, schedule, model.get("iterations"), rel, b,
        spark.intercept(), ours, theirs);
    assertTrue(rel < 1e-3, "coefficients differ by " + rel + " relative");
    assertEquals(spark.intercept(), b, 1e-3 * Math.max(1, Math.abs(spark.intercept())), "intercept");
    assertEquals(theirs, ours, 1e-4, "log loss");
    double mlLogLoss = TestData.json(out.resolve("metrics.json")).get("evaluation").get("logLoss").asDouble();
    assertEquals(ours, mlLogLoss, 1e-12, "metrics.json logLoss (MLlib) is the model's mean log loss");
  }

  @Test
  void minusOnePlusOneLabelsTrainTheSameModel() throws Exception {
    Path pm = rows.plusMinusOne().write(tmp.resolve("pm.libsvm"));
    String[] opts = {"--loss", "logistic", "--step-size", "2.0", "--max-iter", "30"};
    Path a = train(data, "zero-one", opts);
    Path c = train(pm, "plus-minus", opts);
    assertArrayEquals(TestData.weights(a), TestData.weights(c), 0.0);
    assertEquals("-1/+1", TestData.json(c.resolve("model.json")).get("labelEncoding").asText());
  }

  @Test
  void hingeMatchesLinearSvcPredictions() throws Exception {
    double reg = 0.01;
    Path out = train(data, "hinge", "--loss", "hinge", "--step-size", "0.5", "--max-iter", "300",
        "--lr-schedule", "inverse-sqrt", "--min-step-size", "0", "--tol", "0", "--reg-param", String.valueOf(reg));
    double[] w = TestData.weights(out);
    double b = TestData.intercept(out);
    assertEquals("linear-svm", TestData.json(out.resolve("model.json")).get("modelType").asText());
    LinearSVCModel svc = new LinearSVC().setRegParam(reg).setMaxIter(500).setTol(1e-9)
        .fit(rows.vectorFrame(SparkTestSession.get()));
    double[] sw = svc.coefficients().toArray();
    int agree = 0;
    for (int i = 0; i < rows.n(); i++) {
      double m = b;
      double sm = svc.intercept();
      for (int j = 0; j < w.length; j++) {
        m += w[j] * rows.x()[i][j];
        sm += sw[j] * rows.x()[i][j];
      }
      if ((m > 0) == (sm > 0)) {
        agree++;
      }
    }
    double share = agree / (double) rows.n();
    System.out.printf("hinge: %d of %d predictions agree with LinearSVC (%.4f); w %s vs %s%n", agree,
        rows.n(), share, java.util.Arrays.toString(w), svc.coefficients());
    assertTrue(share >= 0.99, "only " + share + " of the predictions agree with LinearSVC");
  }

  @Test
  void otherLabelsAreRefusedWithTheirValue() throws Exception {
    Path bad = tmp.resolve("bad.libsvm");
    Files.writeString(bad, "1 1:0.5\n0 1:0.2\n2 1:0.1\n");
    TestData.Run r = run(bad, tmp.resolve("never"), "--loss", "logistic");
    assertEquals(2, r.exitCode(), r.err());
    assertTrue(r.err().contains("bad.libsvm:3: label 2 is not a binary class label"), r.err());
    assertTrue(!r.err().contains("\tat "), "no stack trace: " + r.err());

    Path mixed = tmp.resolve("mixed.csv");
    Files.writeString(mixed, "label,x\n1,0.5\n0,0.1\n-1,0.2\n");
    r = run(mixed, tmp.resolve("never"), "--loss", "hinge");
    assertEquals(2, r.exitCode(), r.err());
    assertTrue(r.err().contains("mix 0 and -1"), r.err());

    Path one = tmp.resolve("one.csv");
    Files.writeString(one, "label,x\n1,0.5\n1,0.1\n");
    r = run(one, tmp.resolve("never"), "--loss", "logistic");
    assertEquals(2, r.exitCode(), r.err());
    assertTrue(r.err().contains("only one class"), r.err());
  }
}
