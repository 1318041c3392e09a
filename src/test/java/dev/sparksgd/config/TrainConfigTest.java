package dev.sparksgd.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TrainConfigTest {
  private static TrainConfig.Builder valid() {
    return TrainConfig.builder().dataPath("in.libsvm").outputPath("out");
  }

  private static void assertInvalid(String option, UnaryOperator<TrainConfig.Builder> change) {
    ConfigException e = assertThrows(ConfigException.class, () -> change.apply(valid()).build());
    assertTrue(e.getMessage().startsWith(option + " "),
        () -> "message should start with " + option + ": " + e.getMessage());
  }

  @Test
  void defaults() {
    TrainConfig c = valid().build();
    assertEquals("in.libsvm", c.dataPath);
    assertEquals("out", c.outputPath);
    assertNull(c.format, "no --format: decided from the file names when loading");
    assertEquals("label", c.labelCol);
    assertEquals(0, c.numFeatures);
    assertEquals(1000, c.maxIter);
    assertEquals(0.1, c.stepSize);
    assertSame(LrSchedule.LBFGS, c.lrSchedule, "auto: full-batch gradient descent takes L-BFGS steps");
    assertEquals(1.0, c.miniBatchFraction);
    assertEquals(0.0, c.regParam);
    assertTrue(c.fitIntercept);
    assertTrue(c.standardization);
    assertTrue(c.precondition);
    assertEquals(1e-6, c.tol);
    assertEquals(0.001, c.minStepSize);
    assertEquals(42L, c.seed);
    assertEquals(0, c.numPartitions);
    assertEquals(0.0, c.validationFraction);
    assertFalse(c.overwrite);
  }

  @Test
  void formatIsKeptOnlyWhenGiven() {
    assertNull(TrainConfig.builder().dataPath("d.csv").outputPath("o").build().format);
    assertSame(DataFormat.LIBSVM,
        TrainConfig.builder().dataPath("d.csv").outputPath("o").format(DataFormat.LIBSVM).build().format);
  }

  @Test
  void boundaryValuesAreAccepted() {
    TrainConfig c = valid().maxIter(1).miniBatchFraction(1.0).regParam(0).tol(0).minStepSize(0)
        .numPartitions(0).validationFraction(0.999).stepSize(Double.MIN_VALUE).build();
    assertEquals(1, c.maxIter);
    assertEquals(0.999, c.validationFraction);
    assertEquals(Double.MIN_NORMAL, valid().miniBatchFraction(Double.MIN_NORMAL).build().miniBatchFraction);
  }

  @Test
  void toBuilderCopiesEveryField() {
    TrainConfig c = valid().format(DataFormat.CSV).labelCol("t").numFeatures(7).maxIter(9)
        .stepSize(0.5).lrSchedule(LrSchedule.INVERSE_SQRT).miniBatchFraction(0.25).regParam(0.3)
        .fitIntercept(false).standardization(false).tol(1e-3).minStepSize(1e-4).seed(-5)
        .numPartitions(3).validationFraction(0.2).overwrite(true).build();
    TrainConfig d = c.toBuilder().build();
    assertEquals(c.toOptionMap(), d.toOptionMap());
    assertEquals(c.dataPath, d.dataPath);
    assertEquals(c.outputPath, d.outputPath);
    assertEquals(c.overwrite, d.overwrite);
  }

  @Test
  void optionMapUsesCliNames() {
    Map<String, Object> m = valid().lrSchedule(LrSchedule.INVERSE_SQRT).build().toOptionMap();
    assertEquals("auto", m.get("format"));
    assertEquals("csv", valid().format(DataFormat.CSV).build().toOptionMap().get("format"));
    assertEquals("inverse-sqrt", m.get("lr-schedule"));
    assertEquals(1000, m.get("max-iter"));
    assertEquals("default", m.get("step-size"));
    assertEquals(0.1, valid().stepSize(0.1).build().toOptionMap().get("step-size"));
    assertEquals(42L, m.get("seed"));
    assertFalse(m.containsKey("data"));
    assertFalse(m.containsKey("output"));
  }

  @ParameterizedTest
  @ValueSource(doubles = {0.0, -0.0, -1.0, Double.NaN, Double.POSITIVE_INFINITY,
      Double.NEGATIVE_INFINITY})
  void invalidStepSize(double v) {
    assertInvalid("--step-size", b -> b.stepSize(v));
  }

  @ParameterizedTest
  @ValueSource(doubles = {0.0, -0.5, 1.0000001, 2.0, Double.NaN, Double.POSITIVE_INFINITY})
  void invalidMiniBatchFraction(double v) {
    assertInvalid("--mini-batch-fraction", b -> b.miniBatchFraction(v));
  }

  @ParameterizedTest
  @ValueSource(ints = {0, -1, Integer.MIN_VALUE})
  void invalidMaxIter(int v) {
    assertInvalid("--max-iter", b -> b.maxIter(v));
  }

  @ParameterizedTest
  @ValueSource(doubles = {-1e-12, -1.0, Double.NaN, Double.POSITIVE_INFINITY})
  void invalidRegParam(double v) {
    assertInvalid("--reg-param", b -> b.regParam(v));
  }

  @ParameterizedTest
  @ValueSource(doubles = {-1e-9, Double.NaN, Double.POSITIVE_INFINITY})
  void invalidTol(double v) {
    assertInvalid("--tol", b -> b.tol(v));
  }

  @ParameterizedTest
  @ValueSource(doubles = {-0.001, Double.NaN, Double.NEGATIVE_INFINITY})
  void invalidMinStepSize(double v) {
    assertInvalid("--min-step-size", b -> b.minStepSize(v));
  }

  @Test
  void invalidNumPartitions() {
    assertInvalid("--num-partitions", b -> b.numPartitions(-1));
  }

  @Test
  void invalidNumFeatures() {
    assertInvalid("--num-features", b -> b.numFeatures(-1));
  }

  @ParameterizedTest
  @ValueSource(doubles = {1.0, 1.5, -0.1, Double.NaN, Double.POSITIVE_INFINITY})
  void invalidValidationFraction(double v) {
    assertInvalid("--validation-fraction", b -> b.validationFraction(v));
  }

  @Test
  void missingOrBlankPaths() {
    assertInvalid("--data", b -> b.dataPath(null));
    assertInvalid("--data", b -> b.dataPath("  "));
    assertInvalid("--output", b -> b.outputPath(null));
    assertInvalid("--output", b -> b.outputPath(""));
  }

  @Test
  void blankLabelCol() {
    assertInvalid("--label-col", b -> b.labelCol(" "));
    assertInvalid("--label-col", b -> b.labelCol(null));
  }

  @Test
  void messageQuotesTheBadValue() {
    ConfigException e = assertThrows(ConfigException.class, () -> valid().stepSize(-2.5).build());
    assertTrue(e.getMessage().contains("-2.5"), e.getMessage());
  }

  @Test
  void dataFormatResolvedFromTheFileNames() {
    List<String> none = List.of();
    assertSame(DataFormat.CSV, DataFormat.resolve(null, "data.csv", none));
    assertSame(DataFormat.CSV, DataFormat.resolve(null, "hdfs://nn/x/DATA.CSV", none));
    assertSame(DataFormat.CSV, DataFormat.resolve(null, "data.csv.gz", none));
    assertSame(DataFormat.CSV, DataFormat.resolve(null, "dir/*.csv", none));
    assertSame(DataFormat.CSV, DataFormat.resolve(null, "dir.csv/", none));
    assertSame(DataFormat.LIBSVM, DataFormat.resolve(null, "a.libsvm", none));
    assertSame(DataFormat.LIBSVM, DataFormat.resolve(null, "a.txt", none));
    assertSame(DataFormat.LIBSVM, DataFormat.resolve(null, "x.bin", none));
    // A directory: CSV only when every data file in it is.
    assertSame(DataFormat.CSV, DataFormat.resolve(null, "dir", List.of("a.csv", "b.CSV.gz")));
    assertSame(DataFormat.LIBSVM, DataFormat.resolve(null, "dir", List.of("a.csv", "part-00000")));
    assertSame(DataFormat.LIBSVM, DataFormat.resolve(null, "dir", List.of("part-00000")));
    // --format wins.
    assertSame(DataFormat.LIBSVM, DataFormat.resolve(DataFormat.LIBSVM, "data.csv", List.of("data.csv")));
    assertSame(DataFormat.CSV, DataFormat.resolve(DataFormat.CSV, "x.bin", none));
  }

  @Test
  void dataFormatParse() {
    assertSame(DataFormat.LIBSVM, DataFormat.parse("libsvm"));
    assertSame(DataFormat.LIBSVM, DataFormat.parse(" SVMLight "));
    assertSame(DataFormat.CSV, DataFormat.parse("CSV"));
    assertSame(DataFormat.PARQUET, DataFormat.parse("Parquet"));
    ConfigException e = assertThrows(ConfigException.class, () -> DataFormat.parse("orc"));
    assertTrue(e.getMessage().startsWith("--format ") && e.getMessage().contains("'orc'"),
        e.getMessage());
    assertEquals("csv", DataFormat.CSV.cliName());
    assertEquals("libsvm", DataFormat.LIBSVM.cliName());
  }

  @Test
  void lrScheduleParse() {
    assertSame(LrSchedule.CONSTANT, LrSchedule.parse("constant"));
    assertSame(LrSchedule.INVERSE_SQRT, LrSchedule.parse(" Inverse-Sqrt "));
    for (LrSchedule s : LrSchedule.values()) {
      assertSame(s, LrSchedule.parse(s.cliName()));
    }
    for (String bad : new String[] {"cubic", "inverse_sqrt", "INVERSE_SQRT", ""}) {
      ConfigException e = assertThrows(ConfigException.class, () -> LrSchedule.parse(bad));
      assertTrue(e.getMessage().startsWith("--lr-schedule ") && e.getMessage().contains("'" + bad + "'"),
          e.getMessage());
    }
  }
}
