package dev.sparksgd.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparksgd.config.ConfigException;
import dev.sparksgd.config.DataFormat;
import dev.sparksgd.config.TrainConfig;
import dev.sparksgd.testing.Rows;
import dev.sparksgd.testing.SparkTestSession;
import dev.sparksgd.testing.TestData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Parquet input: the same rows as CSV whether the features are a Vector or numeric columns. */
class ParquetInputTest {
  @TempDir
  Path tmp;

  private static TrainConfig cfg(Path data) {
    return TrainConfig.builder().dataPath(data.toString()).outputPath("unused").numPartitions(2).build();
  }

  /** Every row as "label|weight|x1,x2,…", sorted: data sets compared as multisets. */
  private static List<String> rows(Dataset ds) {
    int d = ds.numFeatures;
    List<String> out = new ArrayList<>(ds.blocks.flatMap(b -> {
      List<String> l = new ArrayList<>();
      for (int i = 0; i < b.numRows; i++) {
        double[] x = new double[d];
        b.addScaledRow(i, 1.0, x);
        StringBuilder sb = new StringBuilder().append(b.labels[i]).append('|').append(b.weight(i)).append('|');
        for (double v : x) {
          sb.append(v).append(',');
        }
        l.add(sb.toString());
      }
      return l.iterator();
    }).collect());
    out.sort(null);
    return out;
  }

  @Test
  void vectorAndNumericColumnsLoadTheSameRowsAsCsv() throws Exception {
    SparkSession spark = SparkTestSession.get();
    JavaSparkContext sc = SparkTestSession.jsc();
    Rows r = Rows.regression(2, 500, new double[] {1, -1, 2, 0.5}, 0.3, 0.2, 0, 0);
    double[] w = new double[r.n()];
    for (int i = 0; i < w.length; i++) {
      w[i] = (i % 3) * 0.5;
    }
    r = r.withWeights(w);
    Path csv = r.write(tmp.resolve("d.csv"));
    Path vec = Rows.writeParquet(r.vectorFrame(spark), tmp.resolve("vec"), 3);
    Path cols = Rows.writeParquet(r.columnFrame(spark), tmp.resolve("cols"), 2);
    Dataset fromCsv = DataLoader.load(sc, cfg(csv).toBuilder().weightCol("weight").build());
    Dataset fromVec = DataLoader.load(sc, cfg(vec).toBuilder().weightCol("weight").build());
    Dataset fromCols = DataLoader.load(sc, cfg(cols).toBuilder().weightCol("weight").build());
    assertEquals(DataFormat.PARQUET, fromVec.format, "a directory of .parquet files is Parquet");
    assertEquals(4, fromVec.numFeatures);
    assertNull(fromVec.featureNames);
    assertArrayEquals(new String[] {"x1", "x2", "x3", "x4"}, fromCols.featureNames);
    assertArrayEquals(new String[] {"x1", "x2", "x3", "x4"}, fromCsv.featureNames, "weight is not a feature");
    List<String> expected = rows(fromCsv);
    assertEquals(500, expected.size());
    assertEquals(expected, rows(fromVec));
    assertEquals(expected, rows(fromCols));
    assertArrayEquals(fromCsv.stats.mean(), fromVec.stats.mean(), 1e-12);
    assertArrayEquals(fromCsv.stats.std(), fromCols.stats.std(), 1e-12);
    for (Dataset ds : List.of(fromCsv, fromVec, fromCols)) {
      ds.release();
    }
  }

  @Test
  void sparseVectorsAndHoldoutByRowIndex() throws Exception {
    SparkSession spark = SparkTestSession.get();
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      rows.add(RowFactory.create((double) i, i % 2 == 0
          ? Vectors.sparse(50, new int[] {i % 50}, new double[] {1.0 + i})
          : Vectors.dense(new double[50])));
    }
    StructType schema = new StructType().add("y", DataTypes.DoubleType).add("vec", new VectorUDT());
    Path dir = Rows.writeParquet(spark.createDataFrame(rows, schema), tmp.resolve("sparse.parquet"), 2);
    TrainConfig c = cfg(dir).toBuilder().labelCol("y").featuresCol("vec").validationFraction(0.3).build();
    Dataset a = DataLoader.load(SparkTestSession.jsc(), c);
    Dataset b = DataLoader.load(SparkTestSession.jsc(), c.toBuilder().numPartitions(1).build());
    assertEquals(50, a.numFeatures);
    assertEquals(300, a.trainRows + a.holdoutRows);
    assertTrue(a.holdoutRows > 60 && a.holdoutRows < 120, "about 30% held out: " + a.holdoutRows);
    assertEquals(a.holdoutRows, b.holdoutRows, "the split does not depend on partitioning");
    assertTrue(a.blocks.collect().stream().anyMatch(Block::isSparse), "sparse rows stay CSR");
    a.release();
    b.release();
  }

  @Test
  void badValuesNameTheFileAndRow() throws Exception {
    SparkSession spark = SparkTestSession.get();
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      rows.add(RowFactory.create(1.0, i == 6 ? Double.NaN : 0.5 * i));
    }
    StructType schema = new StructType().add("label", DataTypes.DoubleType).add("a", DataTypes.DoubleType);
    Path dir = Rows.writeParquet(spark.createDataFrame(rows, schema).coalesce(1), tmp.resolve("nan.parquet"), 1);
    TestData.Run r = TestData.cli("train", "--data", dir.toString(), "--output", tmp.resolve("m").toString());
    assertEquals(2, r.exitCode(), r.err());
    assertTrue(r.err().contains(".parquet: row index 6: column 'a' is NaN"), r.err());
    assertTrue(!r.err().contains("\tat "), "no stack trace: " + r.err());

    SparkException e = assertThrows(SparkException.class,
        () -> DataLoader.load(SparkTestSession.jsc(), cfg(dir)));
    assertTrue(String.valueOf(e.getMessage()).contains("row index 6"), e.getMessage());

    ConfigException noLabel = assertThrows(ConfigException.class,
        () -> DataLoader.load(SparkTestSession.jsc(), cfg(dir).toBuilder().labelCol("target").build()));
    assertTrue(noLabel.getMessage().contains("no label column 'target'"), noLabel.getMessage());
    ConfigException noVector = assertThrows(ConfigException.class,
        () -> DataLoader.load(SparkTestSession.jsc(), cfg(dir).toBuilder().featuresCol("a").build()));
    assertTrue(noVector.getMessage().contains("not a Spark ML Vector"), noVector.getMessage());
  }
}
