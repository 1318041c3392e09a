package dev.sparksgd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparksgd.config.TrainConfig;
import dev.sparksgd.model.LinearModel;
import dev.sparksgd.model.MissingFill;
import dev.sparksgd.model.ModelReader;
import dev.sparksgd.model.OneHotFeatures;
import dev.sparksgd.model.SparkMlModels;
import dev.sparksgd.testing.DefaultLineOnly;
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
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.feature.FeatureHasher;
import org.apache.spark.ml.feature.ImputerModel;
import org.apache.spark.ml.feature.OneHotEncoderModel;
import org.apache.spark.ml.feature.StringIndexerModel;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.opentest4j.AssertionFailedError;

/**
 * DIR/sparkml of a model trained on a raw CSV table (quoted fields, missing cells, categorical
 * columns) is a spark.ml PipelineModel that, loaded with {@code PipelineModel.load} and applied to
 * the scored table as {@code spark.read.csv} gives it (columns in another order, an extra column,
 * unseen levels, missing cells), predicts what our predict writes, to 1e-9: for every loss, hashed
 * and one-hot, with and without an intercept, with each --missing strategy.
 */
class RawPipelineExportTest {
  static final String[] CITIES = {"Paris", "Washington, D.C.", "O\"Hare", "Lyon", "Nice", "Bern", "Oslo"};
  static final String[] DEVICES = {"phone", "tablet", "desk top"};

  @TempDir
  static Path tmp;
  static Path classTable;
  static Path regressionTable;
  static Path numericTable;
  static Path scored;

  @BeforeAll
  static void tables() throws Exception {
    classTable = write(tmp.resolve("train-cls.csv"), 1, 400, true, false);
    regressionTable = write(tmp.resolve("train-reg.csv"), 2, 400, false, false);
    numericTable = write(tmp.resolve("train-num.csv"), 3, 400, false, true);
    // The scored table: another column order, an id, unseen levels, missing cells in every column.
    Random r = new Random(4);
    List<String> lines = new ArrayList<>(List.of("visits,device,id,city,age,label"));
    for (int i = 0; i < 120; i++) {
      String city = i % 11 == 3 ? "" : i % 7 == 2 ? "\"Atlantis, sunk\"" : quoted(CITIES[r.nextInt(CITIES.length)]);
      String device = i % 9 == 4 ? "" : i % 13 == 5 ? "watch" : DEVICES[r.nextInt(DEVICES.length)];
      String age = i % 5 == 1 ? "" : String.valueOf(18 + r.nextInt(60) + 0.25 * r.nextInt(4));
      lines.add(r.nextInt(9) + "," + device + "," + i + "," + city + "," + age + "," + r.nextInt(2));
    }
    scored = tmp.resolve("scored.csv");
    Files.write(scored, lines, StandardCharsets.UTF_8);
  }

  /** label,age,city,visits,device rows (age and device with empty cells); {@code numeric}: label,age,visits. */
  static Path write(Path file, long seed, int n, boolean classes, boolean numeric) throws Exception {
    Random r = new Random(seed);
    List<String> lines = new ArrayList<>(List.of(numeric ? "label,age,visits" : "label,age,city,visits,device"));
    for (int i = 0; i < n; i++) {
      int c = r.nextInt(CITIES.length) * r.nextInt(2); // half the rows in the first city
      int d = r.nextInt(DEVICES.length);
      boolean ageMissing = i % 10 == 7;
      double age = 18 + r.nextInt(60);
      int visits = r.nextInt(9);
      double score = (c % 2 == 0 ? 1.0 : -1.0) + 0.03 * (age - 45) - 0.2 * visits + (d == 1 ? 0.8 : 0) + r.nextGaussian();
      String label = classes ? (score > 0 ? "1" : "0") : String.valueOf(score);
      String a = ageMissing ? "" : String.valueOf(age);
      lines.add(numeric ? label + "," + a + "," + visits
          : label + "," + a + "," + quoted(CITIES[c]) + "," + visits + "," + (i % 13 == 6 ? "" : DEVICES[d]));
    }
    Files.write(file, lines, StandardCharsets.UTF_8);
    return file;
  }

  static String quoted(String s) {
    return "\"" + s.replace("\"", "\"\"") + "\"";
  }

  static Path train(String name, Path table, String loss, boolean intercept, String... extra) {
    Path out = tmp.resolve(name);
    List<String> args = new ArrayList<>(List.of("train", "--data", table.toString(), "--output", out.toString(),
        "--overwrite", "--loss", loss, "--max-iter", "15", "--num-partitions", "2", "--reg-param", "0.01",
        "--fit-intercept", String.valueOf(intercept)));
    args.addAll(List.of(extra));
    TestData.Run r = TestData.cli(args.toArray(new String[0]));
    assertEquals(0, r.exitCode(), r.err());
    return out;
  }

  /** The row number (0 first) of a record at {@code position}: a CSV line (the header is line 1) or a Parquet row index. */
  static long rowOf(Path data, long position) {
    return data.toString().endsWith(".parquet") ? position : position - 2;
  }

  /** Our predict on a scored table: per row, the prediction and (logistic) the probability. */
  static Map<Long, double[]> ourPredict(Path model, Path data, String name) {
    Path out = tmp.resolve(name + "-pred.parquet");
    TestData.Run r = TestData.cli("predict", "--model", model.toString(), "--data", data.toString(),
        "--output", out.toString(), "--overwrite", "--num-partitions", "2");
    assertEquals(0, r.exitCode(), r.err());
    Map<Long, double[]> byLine = new HashMap<>();
    for (Row row : SparkTestSession.get().read().parquet(out.toString()).collectAsList()) {
      boolean p = List.of(row.schema().fieldNames()).contains("probability");
      String position = data.toString().endsWith(".parquet") ? "row_index" : "line";
      byLine.put(rowOf(data, row.getLong(row.fieldIndex(position))), new double[] {row.getDouble(row.fieldIndex("prediction")),
          p ? row.getDouble(row.fieldIndex("probability")) : Double.NaN});
    }
    return byLine;
  }

  /** The margin of each scored row as predict's reader computes it (raw columns filled and encoded). */
  static Map<Long, Double> ourMargins(Path modelDir, Path data) {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(SparkTestSession.get().sparkContext());
    LinearModel model = ModelReader.read(sc.hadoopConfiguration(), modelDir.toString(), "--model");
    TrainConfig cfg = TrainConfig.builder().dataPath(data.toString()).labelCol("label").buildForInput();
    Map<Long, Double> margins = new HashMap<>();
    for (Row row : PredictCommand.records(sc, cfg, model).map(sc, 2,
        (file, line, rec) -> RowFactory.create(line, model.margin(rec.nnz, rec.indices, rec.values))).collect()) {
      margins.put(rowOf(data, row.getLong(0)), row.getDouble(1));
    }
    return margins;
  }

  /**
   * The scored table as Spark reads a CSV with a header: every column a string, empty cells null;
   * a doubled quote inside quotes (RFC 4180) is read as one quote with the escape option.
   */
  static Dataset<Row> rawTable() {
    return SparkTestSession.get().read().option("header", "true").option("escape", "\"").csv(scored.toString());
  }

  /**
   * PipelineModel.load(sparkml) on the raw scored table predicts, row by row (joined on id), what
   * our predict wrote, and its margin is our reader's margin, to 1e-9.
   */
  static void assertPipelineAgrees(String sparkml, String loss, Map<Long, double[]> ours, Map<Long, Double> margins) {
    assertPipelineAgrees(sparkml, loss, ours, margins, rawTable());
  }

  static void assertPipelineAgrees(String sparkml, String loss, Map<Long, double[]> ours, Map<Long, Double> margins,
      Dataset<Row> raw) {
    Dataset<Row> out = PipelineModel.load(sparkml).transform(raw);
    List<String> columns = List.of(out.columns());
    for (String c : raw.columns()) {
      assertTrue(columns.contains(c), "the pipeline keeps the input column " + c + ": " + columns);
    }
    List<Row> rows = out.collectAsList();
    assertEquals(ours.size(), rows.size());
    for (Row row : rows) {
      long id = Long.parseLong(String.valueOf(row.get(row.fieldIndex("id"))));
      double[] o = ours.get(id);
      assertNotNull(o, "row " + id);
      double prediction = row.getDouble(row.fieldIndex("prediction"));
      switch (loss) {
        case "logistic", "hinge" -> {
          double margin = ((Vector) row.get(row.fieldIndex("rawPrediction"))).apply(1);
          assertEquals(margins.get(id), margin, 1e-9 * Math.max(1, Math.abs(margin)), "margin of row " + id);
          assertEquals(o[0], prediction, 0.0, "class of row " + id);
          if (loss.equals("logistic")) {
            assertEquals(o[1], ((Vector) row.get(row.fieldIndex("probability"))).apply(1), 1e-9,
                "probability of row " + id);
          }
        }
        default -> {
          assertEquals(o[0], prediction, 1e-9 * Math.max(1, Math.abs(o[0])), "prediction of row " + id);
          assertEquals(margins.get(id), prediction, 1e-9 * Math.max(1, Math.abs(prediction)), "margin of row " + id);
        }
      }
    }
  }

  /** Both encodings, every loss, with and without intercept, each --missing: on every Spark line. */
  @ParameterizedTest(name = "{0} {1} intercept={2} --missing {3}")
  @CsvSource({"hash, squared, true, mean", "hash, logistic, true, zero", "one-hot, huber, false, median",
      "one-hot, hinge, false, mean"})
  void thePipelinePredictsWhatPredictPredicts(String encoding, String loss, boolean intercept, String missing)
      throws Exception {
    pipelinePredictsWhatPredictPredicts(encoding, loss, intercept, missing);
  }

  /** The rest of the matrix: each encoding with every loss, intercept and --missing. */
  @DefaultLineOnly
  @ParameterizedTest(name = "{0} {1} intercept={2} --missing {3}")
  @CsvSource({
      "hash, squared, false, median",
      "hash, huber, true, median", "hash, huber, false, zero",
      "hash, logistic, false, mean",
      "hash, hinge, true, mean", "hash, hinge, false, median",
      "one-hot, squared, true, zero", "one-hot, squared, false, mean",
      "one-hot, huber, true, mean",
      "one-hot, logistic, true, median", "one-hot, logistic, false, zero",
      "one-hot, hinge, true, zero"})
  void theRestOfTheMatrixAgreesToo(String encoding, String loss, boolean intercept, String missing) throws Exception {
    pipelinePredictsWhatPredictPredicts(encoding, loss, intercept, missing);
  }

  static void pipelinePredictsWhatPredictPredicts(String encoding, String loss, boolean intercept, String missing)
      throws Exception {
    boolean classes = loss.equals("logistic") || loss.equals("hinge");
    String name = encoding + "-" + loss + "-" + intercept;
    // Small hashes collide (features that share an index add up); --max-levels 3 puts cities in "(other)".
    Path model = train(name, classes ? classTable : regressionTable, loss, intercept, "--categorical-cols", "auto",
        "--encoding", encoding, "--hash-bits", "5", "--max-levels", "3", "--missing", missing,
        "--missing-indicators", String.valueOf(intercept));
    String sparkml = model.resolve("sparkml").toString();
    List<Transformer> stages = List.of(PipelineModel.load(sparkml).stages());
    assertTrue(stages.stream().anyMatch(s -> s instanceof ImputerModel), stages.toString());
    if (encoding.equals("hash")) {
      assertTrue(stages.stream().anyMatch(s -> s instanceof FeatureHasher), stages.toString());
    } else {
      assertTrue(stages.stream().anyMatch(s -> s instanceof StringIndexerModel), stages.toString());
      assertTrue(stages.stream().anyMatch(s -> s instanceof OneHotEncoderModel), stages.toString());
    }
    assertPipelineAgrees(sparkml, loss, ourPredict(model, scored, name), ourMargins(model, scored));
  }

  @Test
  void numericColumnsWithMissingValuesExportImputerAndAssembler() throws Exception {
    Path model = train("numeric", numericTable, "squared", true, "--missing", "median", "--missing-indicators", "true");
    assertPipelineAgrees(model.resolve("sparkml").toString(), "squared", ourPredict(model, scored, "numeric"), ourMargins(model, scored));
  }

  /** Parquet as Spark reads it (typed numbers, string categories with nulls, another column order) agrees too. */
  @Test
  void aParquetTableAgrees() throws Exception {
    Path model = train("parquet", classTable, "logistic", true, "--categorical-cols", "auto", "--hash-bits", "6",
        "--missing", "mean", "--missing-indicators", "true");
    Dataset<Row> csv = rawTable();
    Path parquet = tmp.resolve("scored.parquet");
    csv.select(csv.col("city"), csv.col("age").cast("double"), csv.col("id").cast("int"),
        csv.col("visits").cast("int"), csv.col("device")).coalesce(1).write().parquet(parquet.toString());
    Dataset<Row> raw = SparkTestSession.get().read().parquet(parquet.toString());
    assertPipelineAgrees(model.resolve("sparkml").toString(), "logistic", ourPredict(model, parquet, "parquet"),
        ourMargins(model, parquet), raw);
  }

  /** Without --missing a null cell fails the pipeline's job, as our predict refuses the row. */
  @Test
  void aModelWithoutMissingRefusesNullsAsPredictDoes() throws Exception {
    Random r = new Random(5);
    List<String> lines = new ArrayList<>(List.of("label,age,city"));
    for (int i = 0; i < 60; i++) {
      lines.add(r.nextInt(2) + "," + (20 + r.nextInt(40)) + "," + quoted(CITIES[r.nextInt(CITIES.length)]));
    }
    Path table = Files.write(tmp.resolve("complete.csv"), lines, StandardCharsets.UTF_8);
    Path model = train("refuses", table, "logistic", true, "--categorical-cols", "city", "--encoding", "one-hot");
    TestData.Run run = TestData.cli("predict", "--model", model.toString(), "--data", scored.toString(),
        "--output", tmp.resolve("refuses-pred.parquet").toString());
    assertEquals(2, run.exitCode(), run.err());
    Exception e = assertThrows(Exception.class,
        () -> PipelineModel.load(model.resolve("sparkml").toString()).transform(rawTable()).collectAsList());
    String messages = "";
    for (Throwable t = e; t != null; t = t.getCause()) {
      messages += t.getMessage() + "\n";
    }
    assertTrue(messages.contains("missing value in column 'age'") || messages.contains("missing value in column 'city'"),
        messages);
  }

  /** The comparison can fail: a pipeline made with a wrong fill value, or two levels swapped, disagrees. */
  @Test
  @DefaultLineOnly
  void aWrongSurrogateOrLevelOrderIsCaught() throws Exception {
    Path model = train("tamper", classTable, "logistic", true, "--categorical-cols", "auto", "--encoding", "one-hot",
        "--max-levels", "3", "--missing", "mean");
    Map<Long, double[]> ours = ourPredict(model, scored, "tamper");
    Map<Long, Double> margins = ourMargins(model, scored);
    assertPipelineAgrees(model.resolve("sparkml").toString(), "logistic", ours, margins);
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(SparkTestSession.get().sparkContext());
    LinearModel m = ModelReader.read(sc.hadoopConfiguration(), model.toString(), "--model");

    double[] fill = m.missing.fill.clone();
    fill[0] += 0.5;
    LinearModel wrongFill = m.withInputs(new MissingFill(m.missing.strategy, m.missing.columns, fill,
        m.missing.indicator), null, m.oneHot);
    String a = tmp.resolve("tamper-fill").toString();
    SparkMlModels.write(wrongFill, a);
    assertThrows(AssertionFailedError.class, () -> assertPipelineAgrees(a, "logistic", ours, margins));

    String[][] levels = m.oneHot.levels.clone();
    int city = List.of(m.oneHot.categoricalColumns).indexOf("city");
    levels[city] = levels[city].clone();
    String first = levels[city][0];
    levels[city][0] = levels[city][1];
    levels[city][1] = first;
    LinearModel swapped = m.withInputs(m.missing, null,
        new OneHotFeatures(m.oneHot.numericColumns, m.oneHot.categoricalColumns, levels));
    String b = tmp.resolve("tamper-levels").toString();
    SparkMlModels.write(swapped, b);
    assertThrows(AssertionFailedError.class, () -> assertPipelineAgrees(b, "logistic", ours, margins));
  }
}
