package dev.sparksgd.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparksgd.config.CategoricalEncoding;
import dev.sparksgd.config.ConfigException;
import dev.sparksgd.config.DataFormat;
import dev.sparksgd.config.MissingMode;
import dev.sparksgd.config.TrainConfig;
import dev.sparksgd.testing.Rows;
import dev.sparksgd.testing.SparkTestSession;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.SparkException;
import org.apache.spark.ml.feature.FeatureHasher;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * --categorical-cols auto (the CSV columns with a cell that is not a number, the string columns
 * of Parquet) and categorical string columns of Parquet input, for both encodings: the same rows
 * as the CSV with the columns named, and for hashing FeatureHasher's vectors of the Parquet rows.
 */
class CategoricalColumnsTest {
  @TempDir
  Path tmp;

  /**
   * label, n (numbers, some empty), city (text), code (numbers but for one cell near the end),
   * ratio (numbers), kind (text).
   */
  private Path csv() throws Exception {
    Random r = new Random(21);
    String[] cities = {"Zürich", "Lyon, FR", "Oslo", "12"};
    List<String> lines = new ArrayList<>(List.of("label,n,city,code,ratio,kind"));
    for (int i = 0; i < 120; i++) {
      String n = i % 7 == 3 ? "" : String.valueOf(r.nextInt(100) / 10.0);
      String city = i % 11 == 4 ? "" : "\"" + cities[r.nextInt(cities.length)] + "\"";
      String code = i == 117 ? "A7" : String.valueOf(r.nextInt(5));
      lines.add(i + "," + n + "," + city + "," + code + "," + r.nextInt(9) / 4.0 + ",k" + r.nextInt(3));
    }
    Path f = tmp.resolve("t.csv");
    Files.write(f, lines, StandardCharsets.UTF_8);
    return f;
  }

  private static TrainConfig cfg(Path f, String cols, CategoricalEncoding encoding) {
    return TrainConfig.builder().dataPath(f.toString()).outputPath("unused").numPartitions(3)
        .categoricalCols(cols).encoding(encoding).hashBits(6).maxLevels(3).missing(MissingMode.ZERO).build();
  }

  private static List<double[]> load(TrainConfig cfg, String[] categorical, String[] numeric) {
    Dataset ds = DataLoader.load(SparkTestSession.jsc(), cfg);
    try {
      assertArrayEquals(categorical, ds.encoder().categoricalNames());
      assertArrayEquals(numeric, ds.encoder().numericNames());
      return OneHotEncodingTest.rows(ds);
    } finally {
      ds.release();
    }
  }

  private static void assertSameRows(List<double[]> expected, List<double[]> got) {
    assertEquals(expected.size(), got.size());
    for (int i = 0; i < expected.size(); i++) {
      assertArrayEquals(expected.get(i), got.get(i), 0.0, "row " + i);
    }
  }

  /** The CSV as Parquet: numbers as doubles (empty cells null), text as strings. */
  private Path parquet(Path csv) throws Exception {
    SparkSession spark = SparkTestSession.get();
    org.apache.spark.sql.Dataset<Row> df = spark.read().option("header", "true").csv(csv.toString());
    for (String c : new String[] {"label", "n", "ratio"}) {
      df = df.withColumn(c, df.col(c).cast("double"));
    }
    return Rows.writeParquet(df, tmp.resolve("t.parquet"), 2);
  }

  @ParameterizedTest
  @EnumSource(CategoricalEncoding.class)
  void autoFindsTheTextColumnsOfCsvAndTheStringColumnsOfParquet(CategoricalEncoding encoding) throws Exception {
    Path csv = csv();
    String[] numeric = {"n", "ratio"};
    String[] text = {"city", "code", "kind"};
    List<double[]> named = load(cfg(csv, "city,code,kind", encoding), text, numeric);
    assertSameRows(named, load(cfg(csv, "auto", encoding), text, numeric));
    // code is a string column of the Parquet file (the CSV reader leaves it text): auto takes it too
    Path pq = parquet(csv);
    assertSameRows(named, load(cfg(pq, "auto", encoding), text, numeric));
    assertSameRows(named, load(cfg(pq, "city, code, kind", encoding), text, numeric));
  }

  @Test
  void hashedParquetRowsAreFeatureHashers() throws Exception {
    Path pq = parquet(csv());
    TrainConfig c = cfg(pq, "city,code,kind", CategoricalEncoding.HASH);
    List<double[]> ours = load(c, new String[] {"city", "code", "kind"}, new String[] {"n", "ratio"});
    SparkSession spark = SparkTestSession.get();
    org.apache.spark.sql.Dataset<Row> df = spark.read().parquet(pq.toString()).na().fill(0.0, new String[] {"n"});
    List<Row> theirs = new FeatureHasher().setInputCols(new String[] {"n", "city", "code", "ratio", "kind"})
        .setOutputCol("f").setNumFeatures(64).transform(df).select("label", "f").orderBy("label").collectAsList();
    assertEquals(120, theirs.size());
    for (int i = 0; i < 120; i++) {
      double[] row = ours.get(i);
      assertEquals(theirs.get(i).getDouble(0), row[0]);
      assertArrayEquals(((Vector) theirs.get(i).get(1)).toArray(), java.util.Arrays.copyOfRange(row, 1, row.length),
          0.0, "row " + i);
    }
  }

  @Test
  void autoWithoutTextColumnsKeepsTheNumbers() throws Exception {
    Path f = tmp.resolve("n.csv");
    Files.write(f, List.of("label,a,b", "1,2,", "0,1.5,3", "1,-1,4e2"), StandardCharsets.UTF_8);
    Dataset ds = DataLoader.load(SparkTestSession.jsc(), cfg(f, "auto", CategoricalEncoding.ONE_HOT));
    try {
      assertEquals(null, ds.encoder());
      assertArrayEquals(new String[] {"a", "b"}, ds.featureNames);
    } finally {
      ds.release();
    }
  }

  @Test
  void parquetCategoricalColumnsMustBeStringsThatExist() throws Exception {
    Path pq = parquet(csv());
    ConfigException numeric = assertThrows(ConfigException.class, () -> DataLoader.load(SparkTestSession.jsc(),
        cfg(pq, "ratio", CategoricalEncoding.ONE_HOT)));
    assertTrue(numeric.getMessage().contains("the categorical column 'ratio' is double; categorical Parquet "
        + "columns must be strings"), numeric.getMessage());
    ConfigException absent = assertThrows(ConfigException.class, () -> DataLoader.load(SparkTestSession.jsc(),
        cfg(pq, "town", CategoricalEncoding.HASH)));
    assertTrue(absent.getMessage().contains("no column 'town' (--categorical-cols)"), absent.getMessage());
    ConfigException libsvm = assertThrows(ConfigException.class, () -> TrainConfig.builder().dataPath("d.txt")
        .outputPath("o").format(DataFormat.LIBSVM).categoricalCols("auto").build());
    assertTrue(libsvm.getMessage().contains("--categorical-cols needs CSV or Parquet input"), libsvm.getMessage());
  }

  @Test
  void aNullCategoryIsRefusedWithItsRowUnlessMissingValuesAreFilled() throws Exception {
    SparkSession spark = SparkTestSession.get();
    Path f = tmp.resolve("n.csv");
    Files.write(f, List.of("label,a,city", "1,2,x", "0,1,", "1,3,y"), StandardCharsets.UTF_8);
    org.apache.spark.sql.Dataset<Row> df = spark.read().option("header", "true").csv(f.toString());
    df = df.withColumn("label", df.col("label").cast("double")).withColumn("a", df.col("a").cast("double"));
    Path pq = Rows.writeParquet(df.coalesce(1), tmp.resolve("n.parquet"), 1);
    TrainConfig c = cfg(pq, "city", CategoricalEncoding.ONE_HOT).toBuilder().missing(MissingMode.FAIL).build();
    SparkException e = assertThrows(SparkException.class, () -> DataLoader.load(SparkTestSession.jsc(), c));
    assertTrue(String.valueOf(e.getMessage()).contains(": row index 1: column 'city' is null"), e.getMessage());
    List<double[]> rows = load(c.toBuilder().missing(MissingMode.ZERO).build(), new String[] {"city"},
        new String[] {"a"});
    // a, then city: x, y (equal counts, by value), other
    assertArrayEquals(new double[] {0, 1, 0, 0, 1}, rows.get(0), 0.0);
    assertArrayEquals(new double[] {1, 2, 1, 0, 0}, rows.get(1), 0.0);
  }
}
