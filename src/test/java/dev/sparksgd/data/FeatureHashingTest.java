package dev.sparksgd.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
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
import java.util.List;
import java.util.Random;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.feature.FeatureHasher;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * --categorical-cols with --encoding hash: the rows the loader builds are, row by row, the vectors
 * spark.ml's FeatureHasher makes of the same CSV read by Spark (numbers cast to double, empty
 * cells null), in a small space where features collide and in the default one.
 */
class FeatureHashingTest {
  @TempDir
  Path tmp;

  private static final String[] CITIES = {"Zürich", "New York, NY", "say \"hi\"", "Köln", "a=b", "x"};

  private Path table() throws Exception {
    Random r = new Random(5);
    List<String> lines = new ArrayList<>(List.of("label,n1,city,n2,device"));
    for (int i = 0; i < 80; i++) {
      String n1 = i % 11 == 3 ? "" : String.valueOf(Math.round(r.nextGaussian() * 100) / 10.0);
      String city = i % 9 == 2 ? "" : "\"" + CITIES[r.nextInt(CITIES.length)].replace("\"", "\"\"") + "\"";
      String n2 = String.valueOf(r.nextInt(5));
      String device = "d" + Integer.toHexString(r.nextInt(40) * 7919);
      lines.add(i + "," + n1 + "," + city + "," + n2 + "," + device);
    }
    Path f = tmp.resolve("t.csv");
    Files.write(f, lines, StandardCharsets.UTF_8);
    return f;
  }

  @ParameterizedTest(name = "2^{0} features")
  @ValueSource(ints = {5, 18})
  void indicesAndValuesAreFeatureHashers(int bits) throws Exception {
    JavaSparkContext sc = SparkTestSession.jsc();
    SparkSession spark = SparkTestSession.get();
    Path f = table();
    TrainConfig cfg = TrainConfig.builder().dataPath(f.toString()).outputPath("unused").numPartitions(3)
        .categoricalCols("city, device").hashBits(bits).missing(MissingMode.ZERO).build();
    Dataset ds = DataLoader.load(sc, cfg);
    int n = 1 << bits;
    assertEquals(n, ds.numFeatures);
    assertNull(ds.featureNames);
    assertArrayEquals(new String[] {"n1", "n2"}, ds.hashing().numericNames());
    assertArrayEquals(new String[] {"city", "device"}, ds.hashing().categoricalNames());
    List<double[]> ours = OneHotEncodingTest.rows(ds);
    ds.release();

    org.apache.spark.sql.Dataset<Row> df = spark.read().option("header", "true")
        .option("escape", "\"").csv(f.toString()); // RFC 4180's doubled quote (Spark's default escape is \\)
    df = df.withColumn("label", df.col("label").cast("double")).withColumn("n1", df.col("n1").cast("double"))
        .withColumn("n2", df.col("n2").cast("double"));
    List<Row> theirs = new FeatureHasher().setInputCols(new String[] {"n1", "city", "n2", "device"}).setOutputCol("features")
        .setNumFeatures(n).transform(df).select("label", "features").orderBy("label").collectAsList();
    assertEquals(80, ours.size());
    assertEquals(80, theirs.size());
    int collisions = 0;
    for (int i = 0; i < 80; i++) {
      Vector v = (Vector) theirs.get(i).get(1);
      assertEquals(theirs.get(i).getDouble(0), ours.get(i)[0]);
      double[] expected = v.toArray();
      double[] got = java.util.Arrays.copyOfRange(ours.get(i), 1, n + 1);
      assertArrayEquals(expected, got, 0.0, "row " + i);
      collisions += v.numActives() < 4 ? 1 : 0;
    }
    if (bits == 5) {
      assertTrue(collisions > 0, "some features of a row share an index in 32");
    }
  }

  @Test
  void unknownCategoricalColumnAndHashBitsOutOfRange() throws Exception {
    JavaSparkContext sc = SparkTestSession.jsc();
    Path f = table();
    TrainConfig cfg = TrainConfig.builder().dataPath(f.toString()).outputPath("unused")
        .categoricalCols("town").build();
    ConfigException e = assertThrows(ConfigException.class, () -> DataLoader.load(sc, cfg));
    assertTrue(e.getMessage().contains("no column 'town' (--categorical-cols) in the header"), e.getMessage());
    for (int b : new int[] {0, 29}) {
      ConfigException range = assertThrows(ConfigException.class, () -> TrainConfig.builder()
          .dataPath("d.csv").outputPath("o").hashBits(b).build());
      assertTrue(range.getMessage().contains("--hash-bits must be in 1..28"), range.getMessage());
    }
  }
}
