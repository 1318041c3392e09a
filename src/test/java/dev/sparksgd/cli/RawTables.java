package dev.sparksgd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sparksgd.testing.SparkTestSession;
import dev.sparksgd.testing.TestData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * The checks shared by the tests that train a logistic model on a raw CSV table (label, age with
 * missing cells, a categorical city, visits), predict on it and compare with spark.ml's own stages.
 */
final class RawTables {
  private RawTables() {
  }

  /**
   * Writes 300 rows of label,age,city,visits to {@code file}: age missing in every tenth row,
   * city quoted, drawn uniformly ({@code skewed}: half the rows get the first city), the label
   * mostly the parity of the city's position.
   */
  static List<String> write(Path file, long seed, String[] cities, boolean skewed) throws IOException {
    Random r = new Random(seed);
    List<String> lines = new ArrayList<>(List.of("label,age,city,visits"));
    for (int i = 0; i < 300; i++) {
      int c = r.nextInt(cities.length) * (skewed ? r.nextInt(2) : 1);
      String age = i % 10 == 7 ? "" : String.valueOf(20 + r.nextInt(50));
      int visits = r.nextInt(6);
      double label = (c % 2 == 0 ? 1 : 0) ^ (r.nextDouble() < 0.1 ? 1 : 0);
      lines.add(label + "," + age + ",\"" + cities[c] + "\"," + visits);
    }
    Files.write(file, lines, StandardCharsets.UTF_8);
    return lines;
  }

  /** predict's Parquet output: the probability by line number. */
  static Map<Long, Double> probabilities(Path out) {
    Map<Long, Double> predicted = new HashMap<>();
    for (Row row : SparkTestSession.get().read().parquet(out.toString()).collectAsList()) {
      predicted.put(row.getLong(row.fieldIndex("line")), row.getDouble(row.fieldIndex("probability")));
    }
    return predicted;
  }

  /**
   * The CSV read by Spark in one partition, age and visits cast to double, age filled with
   * {@code ageFill}, and a column "line": the row's number from 0.
   */
  static Dataset<Row> filled(Path csv, double ageFill) {
    SparkSession spark = SparkTestSession.get();
    Dataset<Row> df = spark.read().option("header", "true").csv(csv.toString()).coalesce(1);
    return df.withColumn("age", df.col("age").cast("double")).na().fill(ageFill, new String[] {"age"})
        .withColumn("visits", df.col("visits").cast("double"))
        .withColumn("line", functions.monotonically_increasing_id());
  }

  /**
   * Each row's probability predicted is the logistic of the model's weights on spark.ml's vector
   * of that row ({@code vectors}: line from 0, vector) to 1e-9.
   */
  static void assertPredictionsAreTheWeightsOn(List<Row> vectors, Path model, Map<Long, Double> predicted)
      throws Exception {
    double[] w = TestData.weights(model);
    double b = TestData.intercept(model);
    assertEquals(vectors.size(), predicted.size());
    for (Row v : vectors) {
      double[] x = ((Vector) v.get(1)).toArray();
      assertEquals(w.length, x.length);
      double m = b;
      for (int j = 0; j < x.length; j++) {
        m += w[j] * x[j];
      }
      long line = v.getLong(0) + 2;
      assertEquals(1 / (1 + Math.exp(-m)), predicted.get(line), 1e-9, "line " + line);
    }
  }

  /** evaluate's accuracy is that of the predictions (labels: the CSV lines' column {@code labelAt}). */
  static void assertEvaluateAgrees(Path model, Path csv, List<String> lines, int labelAt,
      Map<Long, Double> predicted) throws Exception {
    TestData.Run eval = TestData.cli("evaluate", "--model", model.toString(), "--data", csv.toString());
    assertEquals(0, eval.exitCode(), eval.err());
    int right = 0;
    for (Map.Entry<Long, Double> e : predicted.entrySet()) {
      double label = Double.parseDouble(lines.get((int) (long) e.getKey() - 1).split(",")[labelAt]);
      right += (e.getValue() > 0.5 ? 1.0 : 0.0) == label ? 1 : 0;
    }
    assertEquals(right / (double) predicted.size(),
        new ObjectMapper().readTree(eval.out()).get("accuracy").asDouble(), 1e-12, eval.out());
  }
}
