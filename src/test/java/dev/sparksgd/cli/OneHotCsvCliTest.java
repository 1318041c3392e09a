package dev.sparksgd.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sparksgd.testing.Rows;
import dev.sparksgd.testing.SparkTestSession;
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
    List<String> lines = new ArrayList<>(RawTables.write(data, 7,
        new String[] {"Zürich", "Lyon, FR", "Oslo", "Porto", "Graz", "Bern"}, true));
    lines.set(0, "clicked,age,city,visits");
    Files.write(data, lines, StandardCharsets.UTF_8);
    Path model = tmp.resolve("model");
    TestData.Run run = TestData.cli("train", "--data", data.toString(), "--output", model.toString(),
        "--label-col", "clicked", "--loss", "logistic", "--categorical-cols", "city", "--encoding", "one-hot", "--max-levels", "4",
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

    // The table to score: its columns in another order, one more column (not a feature), one
    // level never seen in training; the label column found by the name the model records.
    List<String> scored = new ArrayList<>(List.of("visits,clicked,id,city,age"));
    for (int i = 1; i < lines.size(); i++) {
      String[] c = lines.get(i).split(",(?=(?:[^\"]*\"[^\"]*\")*[^\"]*$)");
      scored.add(c[3] + "," + c[0] + ",id" + i + "," + (i == 5 ? "Quito" : c[2]) + "," + c[1]);
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
    RawTables.assertEvaluateAgrees(model, table, scored, 1, predicted);

    // The same table as Parquet (numbers as doubles, age null where empty): the same predictions.
    org.apache.spark.sql.Dataset<Row> raw = SparkTestSession.get().read().option("header", "true")
        .csv(table.toString()).coalesce(1);
    for (String c : new String[] {"visits", "clicked", "age"}) {
      raw = raw.withColumn(c, raw.col(c).cast("double"));
    }
    Path pq = Rows.writeParquet(raw, tmp.resolve("score.parquet"), 1);
    Path pqOut = tmp.resolve("pred-pq.csv");
    TestData.Run fromParquet = TestData.cli("predict", "--model", model.toString(), "--data", pq.toString(),
        "--output", pqOut.toString());
    assertEquals(0, fromParquet.exitCode(), fromParquet.err());
    List<Row> pqRows = SparkTestSession.get().read().option("header", "true").csv(pqOut.toString()).collectAsList();
    assertEquals(300, pqRows.size());
    for (Row row : pqRows) {
      long line = Long.parseLong(row.getString(row.fieldIndex("row_index"))) + 2;
      assertEquals(predicted.get(line), Double.parseDouble(row.getString(row.fieldIndex("probability"))), 1e-15,
          "row of line " + line);
      assertEquals(Double.parseDouble(scored.get((int) line - 1).split(",")[1]),
          Double.parseDouble(row.getString(row.fieldIndex("label"))));
    }
  }

  /** predict and evaluate name the training column a table lacks, in one line, exit 2. */
  @Test
  void aTableWithoutATrainingColumnIsRefusedNamingIt() throws Exception {
    Path data = tmp.resolve("t.csv");
    RawTables.write(data, 7, new String[] {"a", "b"}, false);
    Path model = tmp.resolve("model");
    TestData.Run run = TestData.cli("train", "--data", data.toString(), "--output", model.toString(),
        "--loss", "logistic", "--categorical-cols", "auto", "--encoding", "one-hot", "--missing", "zero",
        "--max-iter", "5");
    assertEquals(0, run.exitCode(), run.err());
    assertEquals("[\"city\"]", TestData.json(model.resolve("model.json")).get("oneHotEncoding")
        .get("categoricalColumns").toString());
    Path noVisits = tmp.resolve("no-visits.csv");
    Files.write(noVisits, List.of("label,city,age", "1,a,30"), StandardCharsets.UTF_8);
    Path noCity = tmp.resolve("no-city.csv");
    Files.write(noCity, List.of("visits,label,age", "2,1,30"), StandardCharsets.UTF_8);
    for (Path table : List.of(noVisits, noCity)) {
      String column = table == noVisits ? "visits" : "city";
      for (String command : List.of("predict", "evaluate")) {
        List<String> args = new ArrayList<>(List.of(command, "--model", model.toString(), "--data", table.toString()));
        if (command.equals("predict")) {
          args.addAll(List.of("--output", tmp.resolve("p-" + column + ".csv").toString()));
        }
        TestData.Run r = TestData.cli(args.toArray(new String[0]));
        assertEquals(ExitCodes.BAD_INPUT, r.exitCode(), r.err());
        List<String> err = r.err().strip().lines().toList();
        assertEquals(1, err.size(), r.err());
        assertTrue(err.get(0).contains(table.getFileName() + ": no column '" + column
            + "', which the model was trained with, in the header"), r.err());
      }
    }
  }

  /** The one-hot example of the user guide's Real tables section, on sample-data/houses.csv. */
  @Test
  void theSampleTableOfTheUserGuide() throws Exception {
    Path sample = Path.of("sample-data/houses.csv");
    Path model = tmp.resolve("houses-onehot");
    TestData.Run run = TestData.cli("train", "--data", sample.toString(), "--output", model.toString(),
        "--label-col", "price_k", "--categorical-cols", "auto", "--encoding", "one-hot", "--max-levels", "3",
        "--missing", "median", "--max-iter", "200");
    assertEquals(0, run.exitCode(), run.err());
    JsonNode oneHot = TestData.json(model.resolve("model.json")).get("oneHotEncoding");
    assertEquals("[\"city\",\"heating type\"]", oneHot.get("categoricalColumns").toString());
    assertEquals("[\"area\",\"rooms\"]", oneHot.get("numericColumns").toString());
    assertEquals(3, oneHot.get("levels").get(0).size());
    Path out = tmp.resolve("houses-onehot-pred.csv");
    TestData.Run p = TestData.cli("predict", "--model", model.toString(), "--data", sample.toString(),
        "--output", out.toString());
    assertEquals(0, p.exitCode(), p.err());
    List<Row> rows = SparkTestSession.get().read().option("header", "true").csv(out.toString()).collectAsList();
    assertEquals(40, rows.size());
    assertTrue(rows.get(0).schema().fieldNames().length == 4, "file, line, label, prediction: " + rows.get(0));
  }
}
