package dev.sparksgd.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sparksgd.testing.SparkTestSession;
import dev.sparksgd.testing.Submit;
import dev.sparksgd.testing.TestData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.regression.LinearRegressionModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Models across Spark lines: the committed fixtures in src/test/fixtures/lines/spark-3.5 and
 * spark-4 were trained, predicted and evaluated by each line (make.sh there); this test runs on
 * both lines, so each line reads its own models and the other line's. predict (from model.json
 * and from sparkml/), evaluate, --init-model and --baseline-model give what the writing line gave,
 * and sparkml/ loads in this line's spark.ml classes.
 */
class CrossLineModelsTest {
  static final Path FIXTURES = Submit.PROJECT_DIR.resolve("src/test/fixtures/lines");
  static final List<String> LINES = List.of("3.5", "4");
  /** The Spark release each line's fixtures were written with. */
  static final Map<String, String> WRITTEN_BY = Map.of("3.5", "3.5.9", "4", "4.2.0");

  @TempDir
  Path tmp;

  static Path data(String model) {
    return FIXTURES.resolve(model.equals("logistic") ? "classes.libsvm" : "regression.libsvm");
  }

  static Path model(String line, String model) {
    return FIXTURES.resolve("spark-" + line).resolve(model);
  }

  /** The rows of a predict output (a CSV file or a directory of parts), from its line column on, in line order. */
  static List<List<Double>> predictions(Path csv) throws IOException {
    List<String> lines = new ArrayList<>();
    List<Path> files;
    if (Files.isDirectory(csv)) {
      try (Stream<Path> s = Files.list(csv)) {
        files = s.filter(p -> p.getFileName().toString().startsWith("part-")).sorted().toList();
      }
    } else {
      files = List.of(csv);
    }
    int from = -1;
    for (Path f : files) {
      Iterator<String> it = Files.readAllLines(f, StandardCharsets.UTF_8).iterator();
      List<String> header = List.of(it.next().split(","));
      from = header.indexOf("line");
      it.forEachRemaining(lines::add);
    }
    List<List<Double>> rows = new ArrayList<>();
    for (String l : lines) {
      String[] c = l.split(",");
      List<Double> row = new ArrayList<>();
      for (int i = from; i < c.length; i++) {
        row.add(Double.parseDouble(c[i]));
      }
      rows.add(row);
    }
    rows.sort((a, b) -> Double.compare(a.get(0), b.get(0)));
    return rows;
  }

  List<List<Double>> predict(Path modelDir, Path data, String name) throws IOException {
    Path out = tmp.resolve(name);
    TestData.Run r = TestData.cli("predict", "--model", modelDir.toString(), "--data", data.toString(), "--output",
        out.toString());
    assertEquals(0, r.exitCode(), r.err());
    return predictions(out);
  }

  @Test
  void theFixturesComeFromBothLinesAndHoldTheSameBits() throws IOException {
    for (String model : List.of("squared", "logistic")) {
      for (String line : LINES) {
        Path metadata;
        try (Stream<Path> s = Files.list(model(line, model).resolve("sparkml/metadata"))) {
          metadata = s.filter(p -> p.getFileName().toString().startsWith("part-")).findFirst().orElseThrow();
        }
        assertTrue(Files.readString(metadata).contains("\"sparkVersion\":\"" + WRITTEN_BY.get(line) + "\""),
            metadata + " is written by Spark " + WRITTEN_BY.get(line));
      }
      // The same seed, data and partitioning train the same bits on both lines.
      assertArrayEquals(TestData.modelBits(model("3.5", model)), TestData.modelBits(model("4", model)), model);
    }
  }

  @ParameterizedTest(name = "{1} written by Spark {0}")
  @CsvSource({"3.5, squared", "3.5, logistic", "4, squared", "4, logistic"})
  void predictAndEvaluateGiveWhatTheWritingLineGave(String line, String model) throws Exception {
    Path dir = model(line, model);
    List<List<Double>> expected = predictions(FIXTURES.resolve("spark-" + line).resolve(model + "-predictions.csv"));
    assertEquals(400, expected.size());
    assertEquals(expected, predict(dir, data(model), "from-model-json"), "predict --model DIR");
    assertEquals(expected, predict(dir.resolve("sparkml"), data(model), "from-sparkml"), "predict --model DIR/sparkml");

    Path metrics = tmp.resolve("metrics.json");
    TestData.Run r = TestData.cli("evaluate", "--model", dir.toString(), "--data", data(model).toString(), "--output",
        metrics.toString());
    assertEquals(0, r.exitCode(), r.err());
    JsonNode want = TestData.json(FIXTURES.resolve("spark-" + line).resolve(model + "-metrics.json"));
    JsonNode got = TestData.json(metrics);
    // Metrics sum over partitions, whose count here may differ from the writing run's: the last
    // bits of a sum may then differ (seen: areaUnderPR by one ulp on the same line).
    want.fieldNames().forEachRemaining(k -> {
      if (want.get(k).isNumber()) {
        double w = want.get(k).asDouble();
        assertEquals(w, got.get(k).asDouble(), 1e-12 * Math.max(1, Math.abs(w)), "evaluate's " + k);
      } else {
        assertEquals(want.get(k), got.get(k), "evaluate's " + k);
      }
    });
  }

  @ParameterizedTest(name = "{1} written by Spark {0}")
  @CsvSource({"3.5, squared", "3.5, logistic", "4, squared", "4, logistic"})
  void sparkMlLoadsTheExportAndPredictsAsOurPredict(String line, String model) throws Exception {
    String dir = model(line, model).resolve("sparkml").toString();
    double[] weights = TestData.weights(model(line, model));
    Dataset<Row> frame = SparkTestSession.get().read().format("libsvm").option("numFeatures", weights.length)
        .load(data(model).toString());
    Dataset<Row> out;
    if (model.equals("logistic")) {
      LogisticRegressionModel m = LogisticRegressionModel.load(dir);
      assertArrayEquals(weights, m.coefficients().toArray(), 0.0);
      assertEquals(TestData.intercept(model(line, model)), m.intercept(), 0.0);
      out = m.transform(frame);
    } else {
      LinearRegressionModel m = LinearRegressionModel.load(dir);
      assertArrayEquals(weights, m.coefficients().toArray(), 0.0);
      assertEquals(TestData.intercept(model(line, model)), m.intercept(), 0.0);
      out = m.transform(frame);
    }
    List<Row> theirs = out.collectAsList();
    List<List<Double>> ours = predictions(FIXTURES.resolve("spark-" + line).resolve(model + "-predictions.csv"));
    assertEquals(ours.size(), theirs.size());
    for (int i = 0; i < theirs.size(); i++) {
      Row t = theirs.get(i);
      double p = t.getDouble(t.fieldIndex("prediction"));
      assertEquals(ours.get(i).get(2), p, 1e-9 * Math.max(1, Math.abs(p)), "row " + (i + 1));
      if (model.equals("logistic")) {
        assertEquals(ours.get(i).get(3), ((Vector) t.get(t.fieldIndex("probability"))).apply(1), 1e-9,
            "probability of row " + (i + 1));
      }
    }
  }

  /** --init-model and --baseline-model read either line's model (and its sparkml/) as the same model. */
  @ParameterizedTest
  @ValueSource(strings = {"squared", "logistic"})
  void initAndBaselineModelReadBothLinesModelsAlike(String model) throws Exception {
    String loss = model.equals("logistic") ? "logistic" : "squared";
    List<long[]> warm = new ArrayList<>();
    List<Double> baselines = new ArrayList<>();
    for (String line : LINES) {
      for (Path init : List.of(model(line, model), model(line, model).resolve("sparkml"))) {
        Path out = tmp.resolve("warm-" + warm.size());
        TestData.Run r = TestData.cli("train", "--data", data(model).toString(), "--output", out.toString(),
            "--loss", loss, "--max-iter", "3", "--num-partitions", "2", "--init-model", init.toString());
        assertEquals(0, r.exitCode(), r.err());
        warm.add(TestData.modelBits(out));
      }
      Path gated = tmp.resolve("gated-" + line);
      TestData.Run r = TestData.cli("train", "--data", data(model).toString(), "--output", gated.toString(),
          "--loss", loss, "--max-iter", "3", "--num-partitions", "2", "--baseline-model", model(line, model).toString(),
          "--max-regression", "100");
      assertEquals(0, r.exitCode(), r.err());
      baselines.add(TestData.json(gated.resolve("metrics.json")).get("qualityGate").get("baseline").asDouble());
    }
    for (long[] w : warm) {
      assertArrayEquals(warm.get(0), w, "every warm start begins at the same weights");
    }
    assertEquals(baselines.get(0), baselines.get(1), 0.0, "the baseline scores alike from either line");
    // The warm start did start from the fixture: 3 iterations from scratch end elsewhere.
    Path cold = tmp.resolve("cold");
    assertEquals(0, TestData.cli("train", "--data", data(model).toString(), "--output", cold.toString(), "--loss",
        loss, "--max-iter", "3", "--num-partitions", "2").exitCode());
    assertNotEquals(TestData.modelBits(cold)[0], warm.get(0)[0]);
  }
}
