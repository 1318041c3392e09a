package dev.sparksgd.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.sparksgd.config.DataFormat;
import dev.sparksgd.config.TrainConfig;
import dev.sparksgd.testing.RddComparisons;
import dev.sparksgd.testing.SparkTestSession;
import dev.sparksgd.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataLoaderTest {
  @TempDir
  Path tmp;

  private static TrainConfig cfg(Path data, int partitions) {
    return TrainConfig.builder().dataPath(data.toString()).outputPath("unused").numPartitions(partitions).build();
  }

  /** Every row as "label|x1,x2,…" (dense text), for comparing data sets as multisets. */
  private static JavaRDD<String> rows(Dataset ds) {
    int d = ds.numFeatures;
    return ds.blocks.flatMap(b -> {
      List<String> out = new ArrayList<>();
      for (int i = 0; i < b.numRows; i++) {
        double[] x = new double[d];
        b.addScaledRow(i, 1.0, x);
        StringBuilder sb = new StringBuilder().append(b.labels[i]).append('|');
        for (double v : x) {
          sb.append(v).append(',');
        }
        out.add(sb.toString());
      }
      return out.iterator();
    });
  }

  @Test
  void libsvmAndCsvOfTheSameRowsLoadTheSameDataInAnyPartitioning() throws Exception {
    JavaSparkContext sc = SparkTestSession.jsc();
    Path libsvm = tmp.resolve("d.libsvm");
    Path csv = tmp.resolve("d.csv");
    TestData.write(libsvm, 6, 700, 5, 0.1, 1.0);
    TestData.write(csv, 6, 700, 5, 0.1, 1.0);
    Dataset a = DataLoader.load(sc, cfg(libsvm, 1));
    Dataset b = DataLoader.load(sc, cfg(csv, 3));
    assertEquals(DataFormat.LIBSVM, a.format);
    assertEquals(DataFormat.CSV, b.format);
    assertEquals(1, a.numPartitions());
    assertEquals(3, b.numPartitions());
    assertEquals(5, a.numFeatures);
    assertEquals(5, b.numFeatures);
    assertNull(a.featureNames);
    assertArrayEquals(new String[] {"x1", "x2", "x3", "x4", "x5"}, b.featureNames);
    assertEquals(700, a.trainRows);
    RddComparisons.assertRddEquals(rows(a), rows(b));
    double[] ma = a.stats.mean();
    double[] mb = b.stats.mean();
    double[] sa = a.stats.std();
    double[] sb = b.stats.std();
    for (int j = 0; j < 5; j++) {
      assertEquals(ma[j], mb[j], 1e-12);
      assertEquals(sa[j], sb[j], 1e-12);
    }
    a.release();
    b.release();
  }

  @Test
  void aDirectoryOfCsvFilesIsReadAsCsvAndEachHeaderIsSkipped() throws Exception {
    JavaSparkContext sc = SparkTestSession.jsc();
    Path dir = Files.createDirectories(tmp.resolve("csvdir"));
    TestData.write(dir.resolve("a.csv"), 1, 50, 2, 0.1, 0.0);
    TestData.write(dir.resolve("b.csv"), 2, 30, 2, 0.1, 0.0);
    Dataset ds = DataLoader.load(sc, cfg(dir, 2));
    assertEquals(DataFormat.CSV, ds.format);
    assertEquals(80, ds.trainRows);
    ds.release();
  }

  /**
   * The same rows as a spreadsheet exports them: a byte-order mark before the header, CRLF line
   * ends, quoted fields (some with spaces around them), and a tab or semicolon between fields.
   */
  @Test
  void spreadsheetCsvReadsAsPlainCsv() throws Exception {
    JavaSparkContext sc = SparkTestSession.jsc();
    Path plain = tmp.resolve("plain.csv");
    TestData.write(plain, 8, 300, 3, 0.1, 0.5);
    List<String> lines = Files.readAllLines(plain);
    for (String delimiter : List.of("tab", ";")) {
      String d = delimiter.equals("tab") ? "\t" : delimiter;
      StringBuilder sb = new StringBuilder("\uFEFF");
      for (int i = 0; i < lines.size(); i++) {
        String[] f = lines.get(i).split(",");
        for (int j = 0; j < f.length; j++) {
          sb.append(j == 0 ? "" : d).append((i + j) % 2 == 0 ? " \"" + f[j] + "\" " : f[j]);
        }
        sb.append("\r\n");
      }
      Path exported = tmp.resolve("exported-" + (delimiter.equals("tab") ? "tab" : "semi") + ".csv");
      Files.writeString(exported, sb.toString());
      Dataset a = DataLoader.load(sc, cfg(plain, 2));
      Dataset b = DataLoader.load(sc, cfg(exported, 3).toBuilder().csvDelimiter(delimiter).build());
      assertArrayEquals(a.featureNames, b.featureNames);
      assertEquals(300, b.trainRows);
      RddComparisons.assertRddEquals(rows(a), rows(b));
      a.release();
      b.release();
    }
  }

  @Test
  void libsvmFeatureCountIsInferredOrTakenFromTheOption() throws Exception {
    JavaSparkContext sc = SparkTestSession.jsc();
    Path f = tmp.resolve("sparse.libsvm");
    Files.writeString(f, "1 3:1\n2 1:1 7:2\n0\n");
    Dataset inferred = DataLoader.load(sc, cfg(f, 1));
    assertEquals(7, inferred.numFeatures);
    assertEquals(3, inferred.trainRows);
    inferred.release();
    Dataset given = DataLoader.load(sc, cfg(f, 1).toBuilder().numFeatures(10).build());
    assertEquals(10, given.numFeatures);
    given.release();
  }
}
