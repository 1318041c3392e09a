package dev.sparksgd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sparksgd.testing.SparkTestSession;
import dev.sparksgd.testing.TestData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * train → model.json → predict and evaluate on a quoted CSV with missing cells: the model records
 * the fill values and indicators, and predict fills the raw rows the same way (its predictions
 * equal the model's weights applied by hand to the filled rows).
 */
class MissingValuesCliTest {
  @TempDir
  Path tmp;

  @Test
  void predictFillsTheRawRowsAsTrainingDid() throws Exception {
    Random r = new Random(11);
    List<String> lines = new ArrayList<>(List.of("\uFEFF\"label\",\"x, first\",\"y\"\r"));
    List<double[]> cells = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      double x = Math.round(r.nextGaussian() * 1000) / 100.0;
      double y = Math.round(r.nextGaussian() * 1000) / 100.0;
      double label = 1.5 * x - 0.5 * y + 2 + r.nextGaussian() * 0.1;
      boolean noX = i % 9 == 4;
      boolean noY = i % 13 == 6;
      cells.add(new double[] {label, noX ? Double.NaN : x, noY ? Double.NaN : y});
      lines.add(label + "," + (noX ? "" : "\"" + x + "\"") + "," + (noY ? "\"\"" : y) + "\r");
    }
    Path data = tmp.resolve("train.csv");
    Files.write(data, lines, StandardCharsets.UTF_8);
    Path model = tmp.resolve("model");
    TestData.Run run = TestData.cli("train", "--data", data.toString(), "--output", model.toString(),
        "--missing", "median", "--missing-indicators", "true", "--max-iter", "40", "--num-partitions", "2");
    assertEquals(0, run.exitCode(), run.err());

    JsonNode json = TestData.json(model.resolve("model.json"));
    JsonNode mv = json.get("missingValues");
    assertEquals("median", mv.get("strategy").asText());
    assertEquals("[\"x, first\",\"y\"]", mv.get("columns").toString());
    assertEquals("[\"x, first\",\"y\"]", mv.get("indicators").toString());
    assertEquals("[\"x, first\",\"y\",\"missing(x, first)\",\"missing(y)\"]", json.get("featureNames").toString());
    assertEquals("median", json.get("options").get("missing").asText());
    double[] fill = {mv.get("fill").get(0).asDouble(), mv.get("fill").get(1).asDouble()};

    List<Row> preds = predict(tmp, model, data, "pred.parquet");
    assertEquals(200, preds.size());
    double[] w = TestData.weights(model);
    double b = TestData.intercept(model);
    for (Row p : preds) {
      int i = ((Number) p.get(p.fieldIndex("line"))).intValue() - 2;
      double[] c = cells.get(i);
      double[] x = {Double.isNaN(c[1]) ? fill[0] : c[1], Double.isNaN(c[2]) ? fill[1] : c[2],
          Double.isNaN(c[1]) ? 1 : 0, Double.isNaN(c[2]) ? 1 : 0};
      double m = b;
      for (int j = 0; j < 4; j++) {
        m += w[j] * x[j];
      }
      assertEquals(m, p.getDouble(p.fieldIndex("prediction")), 1e-9, "line " + (i + 2));
    }
    // evaluate fills the rows as predict does: its RMSE is the predictions' RMSE
    double sq = 0;
    for (Row p : preds) {
      double e = p.getDouble(p.fieldIndex("prediction")) - p.getDouble(p.fieldIndex("label"));
      sq += e * e;
    }
    TestData.Run eval = TestData.cli("evaluate", "--model", model.toString(), "--data", data.toString());
    assertEquals(0, eval.exitCode(), eval.err());
    double rmse = new com.fasterxml.jackson.databind.ObjectMapper().readTree(eval.out()).get("rmse").asDouble();
    assertEquals(Math.sqrt(sq / preds.size()), rmse, 1e-9, eval.out());
  }

  @Test
  void aModelThatFillsNothingStillRefusesAnEmptyCellWhenPredicting() throws Exception {
    Path data = tmp.resolve("full.csv");
    Files.write(data, List.of("label,a", "1,2", "2,3", "3,4"), StandardCharsets.UTF_8);
    Path model = tmp.resolve("plain");
    assertEquals(0, TestData.cli("train", "--data", data.toString(), "--output", model.toString(),
        "--max-iter", "5").exitCode());
    Path holes = tmp.resolve("holes.csv");
    Files.write(holes, List.of("label,a", "1,2", "2,"), StandardCharsets.UTF_8);
    TestData.Run r = TestData.cli("predict", "--model", model.toString(), "--data", holes.toString(),
        "--output", tmp.resolve("p.csv").toString());
    assertEquals(ExitCodes.BAD_INPUT, r.exitCode(), r.err());
    assertTrue(r.err().contains("holes.csv:3: missing value in column 'a'"), r.err());
  }

  private static List<Row> predict(Path tmp, Path model, Path data, String out) {
    TestData.Run r = TestData.cli("predict", "--model", model.toString(), "--data", data.toString(),
        "--output", tmp.resolve(out).toString(), "--num-partitions", "3");
    assertEquals(0, r.exitCode(), r.err());
    return SparkTestSession.get().read().parquet(tmp.resolve(out).toString()).collectAsList();
  }
}
