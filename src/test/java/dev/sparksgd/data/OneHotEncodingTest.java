package dev.sparksgd.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparksgd.config.CategoricalEncoding;
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
import org.apache.spark.ml.feature.OneHotEncoder;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.StringIndexerModel;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * --encoding one-hot: the vocabulary (the K most frequent levels of the training rows, ties by
 * value) and the rows the loader builds, against hand-computed cases and against spark.ml's
 * StringIndexer (frequencyDesc, handleInvalid keep) + OneHotEncoder (dropLast false) +
 * VectorAssembler on the same CSV read by Spark.
 */
class OneHotEncodingTest {
  @TempDir
  Path tmp;

  /** Every row of {@code ds}, label first then its features densely, ordered by label. */
  static List<double[]> rows(Dataset ds) {
    int n = ds.numFeatures;
    List<double[]> rows = new ArrayList<>(ds.blocks.flatMap(b -> {
      List<double[]> out = new ArrayList<>();
      for (int i = 0; i < b.numRows; i++) {
        double[] x = new double[n + 1];
        x[0] = b.labels[i];
        double[] row = new double[n];
        b.addScaledRow(i, 1.0, row);
        System.arraycopy(row, 0, x, 1, n);
        out.add(x);
      }
      return out.iterator();
    }).collect());
    rows.sort((p, q) -> Double.compare(p[0], q[0]));
    return rows;
  }

  private static TrainConfig.Builder oneHot(Path f, String cols, int maxLevels, int partitions) {
    return TrainConfig.builder().dataPath(f.toString()).outputPath("unused").numPartitions(partitions)
        .categoricalCols(cols).encoding(CategoricalEncoding.ONE_HOT).maxLevels(maxLevels);
  }

  /**
   * color: red ×3, blue ×2, green ×2, pink ×1, one missing; K = 2 keeps red and blue (blue
   * before green: equal counts, ordered by value); green, pink and the missing cell go to the
   * column's "other" feature. size: S ×2, M ×1, all kept.
   */
  @Test
  void handComputedVocabularyAndRows() throws Exception {
    Path f = tmp.resolve("c.csv");
    Files.write(f, List.of("label,color,x,size",
        "0,red,1.5,S", "1,green,0,M", "2,blue,2,S", "3,red,-1,", "4,pink,3,S",
        "5,,4,M", "6,green,5,S", "7,blue,6,M", "8,red,7,S"), StandardCharsets.UTF_8);
    Dataset ds = DataLoader.load(SparkTestSession.jsc(), oneHot(f, "color,size", 2, 3)
        .missing(MissingMode.ZERO).build());
    try {
      OneHotEncoding e = ds.oneHot();
      assertArrayEquals(new String[] {"color", "size"}, e.categoricalNames());
      assertArrayEquals(new String[] {"red", "blue"}, e.levels()[0]);
      assertArrayEquals(new String[] {"S", "M"}, e.levels()[1]);
      // x, then color: red, blue, other, then size: S, M, other
      assertEquals(7, ds.numFeatures);
      assertArrayEquals(new String[] {"x", "color=red", "color=blue", "color=(other)", "size=S", "size=M",
          "size=(other)"}, ds.featureNames);
      double[][] expected = {
          {0, 1.5, 1, 0, 0, 1, 0, 0},
          {1, 0, 0, 0, 1, 0, 1, 0},
          {2, 2, 0, 1, 0, 1, 0, 0},
          {3, -1, 1, 0, 0, 0, 0, 1},
          {4, 3, 0, 0, 1, 1, 0, 0},
          {5, 4, 0, 0, 1, 0, 1, 0},
          {6, 5, 0, 0, 1, 1, 0, 0},
          {7, 6, 0, 1, 0, 0, 1, 0},
          {8, 7, 1, 0, 0, 1, 0, 0}};
      List<double[]> got = rows(ds);
      assertEquals(expected.length, got.size());
      for (int i = 0; i < expected.length; i++) {
        assertArrayEquals(expected[i], got.get(i), 0.0, "row " + i);
      }
    } finally {
      ds.release();
    }
  }

  /** A table with long-tailed levels, many equal counts, quotes and missing cells. */
  private Path table(int rows) throws Exception {
    Random r = new Random(11);
    String[] shops = {"Zürich", "b", "a", "New York, NY", "say \"hi\"", "ä", "B", "c", "d", "e"};
    List<String> lines = new ArrayList<>(List.of("label,n,shop,kind"));
    for (int i = 0; i < rows; i++) {
      // a long tail: level j with probability ~ 1/(j+1); many levels tie by count
      int s = (int) Math.min(shops.length - 1, Math.floor(Math.exp(r.nextDouble() * Math.log(shops.length + 1)) - 1));
      String shop = i % 13 == 5 ? "" : "\"" + shops[s].replace("\"", "\"\"") + "\"";
      String kind = "k" + (r.nextInt(6) * 7 % 5);
      lines.add(i + "," + Math.round(r.nextGaussian() * 100) / 10.0 + "," + shop + "," + kind);
    }
    Path f = tmp.resolve("t.csv");
    Files.write(f, lines, StandardCharsets.UTF_8);
    return f;
  }

  /**
   * Where StringIndexer and we agree (K at least the number of levels) the vocabulary is its
   * labels; with a smaller K it is the first K of them (a StringIndexerModel of those labels then
   * makes our rows); and neither depends on the partitioning.
   */
  @ParameterizedTest(name = "K = {0}, {1} partitions")
  @CsvSource({"100, 1", "100, 4", "4, 3", "1, 2"})
  void rowsAreStringIndexerAndOneHotEncoders(int maxLevels, int partitions) throws Exception {
    SparkSession spark = SparkTestSession.get();
    Path f = table(200);
    Dataset ds = DataLoader.load(SparkTestSession.jsc(), oneHot(f, "shop, kind", maxLevels, partitions)
        .missing(MissingMode.ZERO).build());
    List<double[]> ours;
    String[][] levels;
    try {
      levels = ds.oneHot().levels();
      ours = rows(ds);
    } finally {
      ds.release();
    }
    org.apache.spark.sql.Dataset<Row> df = spark.read().option("header", "true").option("escape", "\"")
        .csv(f.toString());
    df = df.withColumn("label", df.col("label").cast("double")).withColumn("n", df.col("n").cast("double"));
    String[] cols = {"shop", "kind"};
    for (int k = 0; k < cols.length; k++) {
      StringIndexerModel full = new StringIndexer().setInputCol(cols[k]).setOutputCol(cols[k] + "_i")
          .setStringOrderType("frequencyDesc").fit(df);
      String[] labels = full.labelsArray()[0];
      if (maxLevels >= labels.length) {
        assertArrayEquals(labels, levels[k], cols[k]);
      } else {
        assertArrayEquals(Arrays.copyOf(labels, maxLevels), levels[k], cols[k]);
      }
      df = new StringIndexerModel(levels[k]).setInputCol(cols[k]).setOutputCol(cols[k] + "_i")
          .setHandleInvalid("keep").transform(df);
    }
    df = new OneHotEncoder().setInputCols(new String[] {"shop_i", "kind_i"})
        .setOutputCols(new String[] {"shop_v", "kind_v"}).setDropLast(false).fit(df).transform(df);
    List<Row> theirs = new VectorAssembler().setInputCols(new String[] {"n", "shop_v", "kind_v"})
        .setOutputCol("features").transform(df).select("label", "features").orderBy("label").collectAsList();
    assertEquals(200, ours.size());
    assertEquals(200, theirs.size());
    for (int i = 0; i < 200; i++) {
      assertEquals(theirs.get(i).getDouble(0), ours.get(i)[0]);
      double[] expected = ((Vector) theirs.get(i).get(1)).toArray();
      assertArrayEquals(expected, Arrays.copyOfRange(ours.get(i), 1, ours.get(i).length), 0.0, "row " + i);
    }
  }

  @Test
  void levelsOfHeldOutRowsAreNotCounted() throws Exception {
    Path f = table(200);
    TrainConfig cfg = oneHot(f, "shop,kind", 100, 2).missing(MissingMode.ZERO).validationFraction(0.5).seed(3).build();
    // The training rows, by the loader's own holdout rule: their kinds, counted by hand.
    List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
    java.util.Map<String, Integer> counts = new java.util.TreeMap<>();
    long index = 0; // the line's number among the data lines (the header left out)
    for (String line : lines.subList(1, lines.size())) {
      if (!DataLoader.isHoldout(0.5, 3, index++)) {
        String[] cells = line.split(",");
        counts.merge(cells[cells.length - 1], 1, Integer::sum);
      }
    }
    List<String> expected = new ArrayList<>(counts.keySet());
    expected.sort((a, b) -> counts.get(a).equals(counts.get(b)) ? a.compareTo(b) : counts.get(b) - counts.get(a));
    Dataset ds = DataLoader.load(SparkTestSession.jsc(), cfg);
    try {
      assertArrayEquals(expected.toArray(new String[0]), ds.oneHot().levels()[1], counts.toString());
    } finally {
      ds.release();
    }
  }

  @Test
  void maxLevelsOutOfRange() {
    for (int k : new int[] {0, TrainConfig.MAX_LEVELS + 1}) {
      ConfigException e = assertThrows(ConfigException.class, () -> TrainConfig.builder()
          .dataPath("d.csv").outputPath("o").maxLevels(k).build());
      assertTrue(e.getMessage().contains("--max-levels must be in 1..1000000"), e.getMessage());
    }
    ConfigException e = assertThrows(ConfigException.class, () -> CategoricalEncoding.parse("onehot"));
    assertTrue(e.getMessage().contains("--encoding must be one of hash, one-hot"), e.getMessage());
  }

  @Test
  void encodesUnseenAndMissingLevelsAsOther() {
    OneHotEncoding e = new OneHotEncoding(new String[] {"a", "b"}, new String[] {"c", "d"},
        new String[][] {{"x", "y"}, {}});
    assertEquals(2 + 3 + 1, e.numFeatures());
    ParsedRecord dense = new ParsedRecord();
    dense.clear();
    dense.label = 1;
    dense.add(0, 0.0);
    dense.add(1, 2.5);
    ParsedRecord out = new ParsedRecord();
    e.encode(dense, new String[] {"y", "never seen"}, out);
    assertEquals(3, out.nnz);
    assertArrayEquals(new int[] {1, 3, 5}, Arrays.copyOf(out.indices, out.nnz));
    assertArrayEquals(new double[] {2.5, 1, 1}, Arrays.copyOf(out.values, out.nnz));
    e.encode(dense, new String[] {null, null}, out);
    assertArrayEquals(new int[] {1, 4, 5}, Arrays.copyOf(out.indices, out.nnz));
  }
}
