package dev.sparksgd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sparksgd.testing.SparkTestSession;
import dev.sparksgd.testing.TestData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.ml.feature.FeatureHasher;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
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
    Random r = new Random(3);
    String[] cities = {"Zürich", "Lyon, FR", "Oslo", "Porto", "Graz"};
    List<String> lines = new ArrayList<>(List.of("label,age,city,visits"));
    for (int i = 0; i < 300; i++) {
      int c = r.nextInt(cities.length);
      String age = i % 10 == 7 ? "" : String.valueOf(20 + r.nextInt(50));
      int visits = r.nextInt(6);
      double label = (c % 2 == 0 ? 1 : 0) ^ (r.nextDouble() < 0.1 ? 1 : 0);
      lines.add(label + "," + age + ",\"" + cities[c] + "\"," + visits);
    }
    Path data = tmp.resolve("t.csv");
    Files.write(data, lines, StandardCharsets.UTF_8);
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
    SparkSession spark = SparkTestSession.get();
    Map<Long, Double> predicted = new HashMap<>();
    for (Row row : spark.read().parquet(out.toString()).collectAsList()) {
      predicted.put(row.getLong(row.fieldIndex("line")), row.getDouble(row.fieldIndex("probability")));
    }
    org.apache.spark.sql.Dataset<Row> df = spark.read().option("header", "true").csv(data.toString());
    df = df.withColumn("age", df.col("age").cast("double")).na().fill(ageFill, new String[] {"age"})
        .withColumn("visits", df.col("visits").cast("double"))
        .withColumn("line", org.apache.spark.sql.functions.monotonically_increasing_id());
    List<Row> vectors = new FeatureHasher().setInputCols(new String[] {"age", "city", "visits"})
        .setOutputCol("f").setNumFeatures(1024).transform(df.coalesce(1)).select("line", "f").collectAsList();
    double[] w = TestData.weights(model);
    double b = TestData.intercept(model);
    assertEquals(300, vectors.size());
    assertEquals(300, predicted.size());
    for (Row v : vectors) {
      double[] x = ((Vector) v.get(1)).toArray();
      double m = b;
      for (int j = 0; j < x.length; j++) {
        m += w[j] * x[j];
      }
      long line = v.getLong(0) + 2;
      assertEquals(1 / (1 + Math.exp(-m)), predicted.get(line), 1e-9, "line " + line);
    }
    TestData.Run eval = TestData.cli("evaluate", "--model", model.toString(), "--data", data.toString());
    assertEquals(0, eval.exitCode(), eval.err());
    // evaluate reads the rows as predict does: same accuracy as the predictions
    int right = 0;
    for (Map.Entry<Long, Double> e : predicted.entrySet()) {
      double label = Double.parseDouble(lines.get((int) (long) e.getKey() - 1).split(",")[0]);
      right += (e.getValue() > 0.5 ? 1.0 : 0.0) == label ? 1 : 0;
    }
    assertEquals(right / 300.0, new ObjectMapper().readTree(eval.out()).get("accuracy").asDouble(), 1e-12,
        eval.out());

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
