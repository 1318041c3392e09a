package dev.sparksgd.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparksgd.config.ConfigException;
import dev.sparksgd.config.MissingMode;
import dev.sparksgd.config.TrainConfig;
import dev.sparksgd.testing.SparkTestSession;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Missing values through the loader: the fill values are the mean or median of the training
 * rows' present values (computed here by hand from the file), the rows come out filled and with
 * their indicator features, and a column with no value to average is refused.
 */
class MissingValuesTest {
  @TempDir
  Path tmp;

  /** 60 rows of label,a,b,c: a and c miss some values (an empty or quoted-empty cell), b none. */
  private static List<String> lines(long seed) {
    Random r = new Random(seed);
    List<String> lines = new ArrayList<>(List.of("label,a,b,c"));
    for (int i = 0; i < 60; i++) {
      String a = i % 7 == 3 ? "" : String.valueOf(Math.round(r.nextGaussian() * 100) / 10.0);
      String b = String.valueOf(r.nextInt(9));
      String c = i % 5 == 1 ? "\"\"" : "\"" + (r.nextInt(20) - 5) + "\"";
      lines.add(i + "," + a + "," + b + "," + c);
    }
    return lines;
  }

  private Path write(String name, List<String> lines) throws Exception {
    Path f = tmp.resolve(name);
    Files.write(f, lines, StandardCharsets.UTF_8);
    return f;
  }

  /** Each data line's cells (null when missing), and whether it is held out, by its byte offset. */
  private static List<double[]> cells(List<String> lines, double fraction, long seed, boolean[] holdout) {
    List<double[]> rows = new ArrayList<>();
    for (int i = 1; i < lines.size(); i++) {
      String[] f = lines.get(i).replace("\"", "").split(",", -1);
      double[] v = new double[f.length];
      for (int j = 0; j < f.length; j++) {
        v[j] = f[j].isEmpty() ? Double.NaN : Double.parseDouble(f[j]);
      }
      rows.add(v);
      holdout[i - 1] = DataLoader.isHoldout(fraction, seed, i - 1); // the line's number, the header left out
    }
    return rows;
  }

  /** Every row of a data set, label first, sorted by label (each label is unique here). */
  private static List<double[]> loadedRows(Dataset ds) {
    int d = ds.numFeatures;
    List<double[]> rows = new ArrayList<>(ds.blocks.flatMap(b -> {
      List<double[]> out = new ArrayList<>();
      for (int i = 0; i < b.numRows; i++) {
        double[] x = new double[d + 1];
        x[0] = b.labels[i];
        System.arraycopy(b.values.toDoubles(), i * b.numCols, x, 1, d);
        out.add(x);
      }
      return out.iterator();
    }).collect());
    rows.sort((p, q) -> Double.compare(p[0], q[0]));
    return rows;
  }

  private static TrainConfig cfg(Path data, MissingMode mode, boolean indicators, double fraction) {
    return TrainConfig.builder().dataPath(data.toString()).outputPath("unused").numPartitions(3)
        .missing(mode).missingIndicators(indicators).validationFraction(fraction).seed(7).build();
  }

  @Test
  void meanOfTheTrainingRowsFillsAndIndicatorsMarkTheMissingCells() throws Exception {
    JavaSparkContext sc = SparkTestSession.jsc();
    List<String> lines = lines(3);
    Path f = write("m.csv", lines);
    boolean[] holdout = new boolean[60];
    List<double[]> rows = cells(lines, 0.3, 7, holdout);
    double[] mean = new double[3];
    for (int j = 1; j <= 3; j++) {
      double sum = 0;
      int n = 0;
      for (int i = 0; i < rows.size(); i++) {
        if (!holdout[i] && !Double.isNaN(rows.get(i)[j])) {
          sum += rows.get(i)[j];
          n++;
        }
      }
      mean[j - 1] = sum / n;
    }
    int held = 0;
    for (boolean h : holdout) {
      held += h ? 1 : 0;
    }
    assertTrue(held > 5 && held < 40, "the holdout is part of the rows: " + held);

    Dataset ds = DataLoader.load(sc, cfg(f, MissingMode.MEAN, true, 0.3));
    MissingValues mv = ds.missing();
    assertArrayEquals(mean, mv.fill(), 1e-12);
    assertArrayEquals(new boolean[] {true, false, true}, mv.indicators());
    assertEquals(5, ds.numFeatures);
    assertArrayEquals(new String[] {"a", "b", "c", "missing(a)", "missing(c)"}, ds.featureNames);
    List<double[]> loaded = loadedRows(ds);
    assertEquals(60, loaded.size());
    for (int i = 0; i < 60; i++) {
      double[] raw = rows.get(i);
      double[] expected = {raw[0], fillOr(raw[1], mean[0]), raw[2], fillOr(raw[3], mean[2]),
          Double.isNaN(raw[1]) ? 1 : 0, Double.isNaN(raw[3]) ? 1 : 0};
      assertArrayEquals(expected, loaded.get(i), 1e-12, "row " + i);
    }
    ds.release();
  }

  private static double fillOr(double v, double fill) {
    return Double.isNaN(v) ? fill : v;
  }

  @Test
  void medianAndZero() throws Exception {
    JavaSparkContext sc = SparkTestSession.jsc();
    List<String> lines = lines(5);
    Path f = write("med.csv", lines);
    List<double[]> rows = cells(lines, 0, 7, new boolean[60]);
    double[] median = new double[3];
    for (int j = 1; j <= 3; j++) {
      List<Double> present = new ArrayList<>();
      for (double[] r : rows) {
        if (!Double.isNaN(r[j])) {
          present.add(r[j]);
        }
      }
      present.sort(null);
      // approxQuantile's median: the value of rank ceil(n/2), exact below 1/relativeError rows
      median[j - 1] = present.get((present.size() + 1) / 2 - 1);
    }
    Dataset ds = DataLoader.load(sc, cfg(f, MissingMode.MEDIAN, false, 0));
    assertArrayEquals(median, ds.missing().fill(), 0.0);
    assertEquals(3, ds.numFeatures);
    assertEquals(median[0], loadedRows(ds).get(3)[1], 0.0, "row 3 misses a");
    ds.release();

    Dataset zero = DataLoader.load(sc, cfg(f, MissingMode.ZERO, false, 0));
    assertArrayEquals(new double[3], zero.missing().fill(), 0.0);
    assertEquals(0.0, loadedRows(zero).get(1)[3], 0.0, "row 1 misses c");
    zero.release();
  }

  @Test
  void aColumnEmptyInEveryTrainingRowHasNoMean() throws Exception {
    JavaSparkContext sc = SparkTestSession.jsc();
    Path f = write("e.csv", List.of("label,a,b", "1,2,", "2,3,\"\"", "3,4, "));
    ConfigException e = assertThrows(ConfigException.class, () -> DataLoader.load(sc, cfg(f, MissingMode.MEAN, false, 0)));
    assertTrue(e.getMessage().contains("--missing mean: column 'b' is empty in every training row"), e.getMessage());
    // zero needs no value of the column
    Dataset ds = DataLoader.load(sc, cfg(f, MissingMode.ZERO, true, 0));
    assertEquals(3, ds.numFeatures);
    ds.release();
  }

  /** The message of the BadRecordException that loading fails with (Spark wraps a task's). */
  private static String badRecord(org.junit.jupiter.api.function.Executable load) {
    Throwable t = assertThrows(Exception.class, load);
    while (t != null && !(t instanceof BadRecordException)) {
      t = t.getCause();
    }
    assertTrue(t != null, "a BadRecordException");
    return t.getMessage();
  }

  @Test
  void anEmptyLabelIsRefusedWhateverMissingSays() throws Exception {
    JavaSparkContext sc = SparkTestSession.jsc();
    Path f = write("l.csv", List.of("label,a", "1,2", ",3"));
    String e = badRecord(() -> DataLoader.load(sc, cfg(f, MissingMode.ZERO, false, 0)));
    assertTrue(e.endsWith("l.csv:3: missing value in column 'label'"), e);
  }

  @Test
  void parquetNullsAreMissingValues() throws Exception {
    JavaSparkContext sc = SparkTestSession.jsc();
    SparkSession spark = SparkTestSession.get();
    StructType schema = new StructType().add("label", DataTypes.DoubleType, false)
        .add("a", DataTypes.DoubleType, true).add("b", DataTypes.IntegerType, true);
    List<Row> data = new ArrayList<>();
    double sumA = 0;
    int nA = 0;
    for (int i = 0; i < 30; i++) {
      Double a = i % 4 == 0 ? null : i * 0.5;
      Integer b = i % 6 == 5 ? null : i % 3;
      if (a != null) {
        sumA += a;
        nA++;
      }
      data.add(RowFactory.create((double) i, a, b));
    }
    Path dir = tmp.resolve("nulls.parquet");
    spark.createDataFrame(data, schema).coalesce(1).write().parquet(dir.toString());
    TrainConfig fail = TrainConfig.builder().dataPath(dir.toString()).outputPath("unused").numPartitions(2).build();
    String e = badRecord(() -> DataLoader.load(sc, fail));
    assertTrue(e.endsWith("row index 0: column 'a' is null"), e);

    Dataset ds = DataLoader.load(sc, cfg(dir, MissingMode.MEAN, true, 0));
    assertEquals(sumA / nA, ds.missing().fill()[0], 1e-12);
    assertArrayEquals(new String[] {"a", "b", "missing(a)", "missing(b)"}, ds.featureNames);
    List<double[]> rows = loadedRows(ds);
    assertArrayEquals(new double[] {0, sumA / nA, 0, 1, 0}, rows.get(0), 1e-12);
    assertEquals(ds.missing().fill()[1], rows.get(5)[2], 0.0);
    assertEquals(1.0, rows.get(5)[4], 0.0);
    assertEquals(Arrays.toString(new double[] {7, 3.5, 1, 0, 0}), Arrays.toString(rows.get(7)));
    ds.release();
  }
}
