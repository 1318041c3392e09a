package dev.sparksgd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sparksgd.testing.SparkTestSession;
import dev.sparksgd.testing.TestData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.feature.FeatureHasher;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * train with --categorical-cols (hashing) and --missing, then predict and evaluate on the raw CSV:
 * each prediction is the model's weights applied to the vector spark.ml's FeatureHasher makes of
 * the same row (numbers filled as model.json says), and a table without a training column is
 * refused naming it.
 */
class HashedCsvCliTest {
  @TempDir
  Path tmp;

  @Test
  void predictionsAreTheWeightsOnFeatureHashersVectors() throws Exception {
    Path data = tmp.resolve("t.csv");
    List<String> lines = RawTables.write(data, 3, new String[] {"Zürich", "Lyon, FR", "Oslo", "Porto", "Graz"}, false);
    Path model = tmp.resolve("model");
    TestData.Run run = TestData.cli("train", "--data", data.toString(), "--output", model.toString(),
        "--loss", "logistic", "--categorical-cols", "city", "--hash-bits", "10", "--missing", "mean",
        "--max-iter", "30", "--num-partitions", "2");
    assertEquals(0, run.exitCode(), run.err());
    JsonNode json = TestData.json(model.resolve("model.json"));
    assertEquals(1024, json.get("numFeatures").asInt());
    assertEquals("[\"age\",\"visits\"]", json.get("featureHashing").get("numericColumns").toString());
    assertEquals("[\"city\"]", json.get("featureHashing").get("categoricalColumns").toString());
    double ageFill = json.get("missingValues").get("fill").get(0).asDouble();

    Path out = tmp.resolve("pred.parquet");
    TestData.Run p = TestData.cli("predict", "--model", model.toString(), "--data", data.toString(),
        "--output", out.toString());
    assertEquals(0, p.exitCode(), p.err());
    Map<Long, Double> predicted = RawTables.probabilities(out);
    List<Row> vectors = new FeatureHasher().setInputCols(new String[] {"age", "city", "visits"})
        .setOutputCol("f").setNumFeatures(1024).transform(RawTables.filled(data, ageFill))
        .select("line", "f").collectAsList();
    assertEquals(300, vectors.size());
    RawTables.assertPredictionsAreTheWeightsOn(vectors, model, predicted);
    // evaluate reads the rows as predict does: same accuracy as the predictions
    RawTables.assertEvaluateAgrees(model, data, lines, 0, predicted);

    Path without = tmp.resolve("nocity.csv");
    Files.write(without, List.of("label,age,visits", "1,30,2"), StandardCharsets.UTF_8);
    TestData.Run refused = TestData.cli("predict", "--model", model.toString(), "--data", without.toString(),
        "--output", tmp.resolve("p2.csv").toString());
    assertEquals(ExitCodes.BAD_INPUT, refused.exitCode(), refused.err());
    assertTrue(refused.err().contains("no column 'city'"), refused.err());
  }

  /** The worked example of the user guide's Input section, on sample-data/houses.csv. */
  @Test
  void theSampleTableOfTheUserGuide() throws Exception {
    Path sample = Path.of("sample-data/houses.csv");
    Path model = tmp.resolve("houses-model");
    TestData.Run run = TestData.cli("train", "--data", sample.toString(), "--output", model.toString(),
        "--label-col", "price_k", "--categorical-cols", "city,heating type", "--hash-bits", "10",
        "--missing", "median", "--missing-indicators", "true", "--max-iter", "200");
    assertEquals(0, run.exitCode(), run.err());
    JsonNode json = TestData.json(model.resolve("model.json"));
    assertEquals("[\"city\",\"heating type\"]", json.get("featureHashing").get("categoricalColumns").toString());
    assertEquals("[\"area\",\"rooms\"]", json.get("missingValues").get("columns").toString());
    assertEquals("[\"area\"]", json.get("missingValues").get("indicators").toString());
    Path out = tmp.resolve("houses-pred.csv");
    TestData.Run p = TestData.cli("predict", "--model", model.toString(), "--data", sample.toString(),
        "--label-col", "price_k", "--output", out.toString());
    assertEquals(0, p.exitCode(), p.err());
    assertEquals(40, SparkTestSession.get().read().option("header", "true").csv(out.toString()).count());
  }
}
