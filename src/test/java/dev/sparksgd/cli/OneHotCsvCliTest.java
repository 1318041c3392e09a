package dev.sparksgd.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sparksgd.testing.TestData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.feature.OneHotEncoder;
import org.apache.spark.ml.feature.StringIndexerModel;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * train with --encoding one-hot and --missing, then predict and evaluate on a raw CSV holding a
 * level the training rows never had: each prediction is the model's weights applied to the vector
 * spark.ml's StringIndexerModel (the vocabulary of model.json, handleInvalid keep), OneHotEncoder
 * (dropLast false) and VectorAssembler make of the same row, numbers filled as model.json says.
 */
class OneHotCsvCliTest {
  @TempDir
  Path tmp;

  @Test
  void predictionsAreTheWeightsOnSparkMlsOneHotVectors() throws Exception {
    Path data = tmp.resolve("t.csv");
    List<String> lines = RawTables.write(data, 7, new String[] {"Zürich", "Lyon, FR", "Oslo", "Porto", "Graz", "Bern"}, true);
    Path model = tmp.resolve("model");
    TestData.Run run = TestData.cli("train", "--data", data.toString(), "--output", model.toString(),
        "--loss", "logistic", "--categorical-cols", "city", "--encoding", "one-hot", "--max-levels", "4",
        "--missing", "mean", "--max-iter", "30", "--num-partitions", "2");
    assertEquals(0, run.exitCode(), run.err());
    JsonNode json = TestData.json(model.resolve("model.json"));
    JsonNode oneHot = json.get("oneHotEncoding");
    assertEquals("[\"age\",\"visits\"]", oneHot.get("numericColumns").toString());
    assertEquals("[\"city\"]", oneHot.get("categoricalColumns").toString());
    String[] levels = new ObjectMapper().convertValue(oneHot.get("levels").get(0), String[].class);
    assertEquals(4, levels.length);
    assertEquals("Zürich", levels[0]);
    assertEquals(2 + 4 + 1, json.get("numFeatures").asInt());
    assertEquals("city=(other)", json.get("featureNames").get(6).asText());
    double ageFill = json.get("missingValues").get("fill").get(0).asDouble();

    // The table to score: one level never seen in training.
    List<String> scored = new ArrayList<>(List.of("label,age,city,visits"));
    for (int i = 1; i < lines.size(); i++) {
      String[] c = lines.get(i).split(",(?=(?:[^\"]*\"[^\"]*\")*[^\"]*$)");
      scored.add(c[0] + "," + c[1] + "," + (i == 5 ? "Quito" : c[2]) + "," + c[3]);
    }
    Path table = tmp.resolve("score.csv");
    Files.write(table, scored, StandardCharsets.UTF_8);
    Path out = tmp.resolve("pred.parquet");
    TestData.Run p = TestData.cli("predict", "--model", model.toString(), "--data", table.toString(),
        "--output", out.toString());
    assertEquals(0, p.exitCode(), p.err());
    Map<Long, Double> predicted = RawTables.probabilities(out);
    org.apache.spark.sql.Dataset<Row> df = new StringIndexerModel(levels).setInputCol("city").setOutputCol("city_i")
        .setHandleInvalid("keep").transform(RawTables.filled(table, ageFill));
    df = new OneHotEncoder().setInputCols(new String[] {"city_i"}).setOutputCols(new String[] {"city_v"})
        .setDropLast(false).fit(df).transform(df);
    List<Row> vectors = new VectorAssembler().setInputCols(new String[] {"age", "visits", "city_v"})
        .setOutputCol("f").transform(df).select("line", "f").collectAsList();
    assertEquals(300, vectors.size());
    RawTables.assertPredictionsAreTheWeightsOn(vectors, model, predicted);
    Row quito = vectors.get(4); // line 6
    assertArrayEquals(new double[] {0, 0, 0, 0, 1},
        java.util.Arrays.copyOfRange(((Vector) quito.get(1)).toArray(), 2, 7), "Quito is other");
    RawTables.assertEvaluateAgrees(model, table, scored, 0, predicted);
  }
}
