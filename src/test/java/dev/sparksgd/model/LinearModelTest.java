package dev.sparksgd.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class LinearModelTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final double[] AWKWARD = {0.1, 1.0 / 3, -2.0 / 7, 1e-320, Double.MIN_VALUE,
      Double.MAX_VALUE, -0.0, 0.0, 123456789.123456789, Math.PI * 1e-200, -Math.E * 1e200};

  private static Map<String, Object> options() {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("format", "csv");
    o.put("max-iter", 1000);
    o.put("step-size", 0.1);
    o.put("fit-intercept", true);
    o.put("seed", 42L);
    o.put("lr-schedule", "inverse-sqrt");
    return o;
  }

  private static LinearModel model(String[] names) {
    double[] mean = new double[AWKWARD.length];
    double[] std = new double[AWKWARD.length];
    for (int j = 0; j < mean.length; j++) {
      mean[j] = j * 0.3;
      std[j] = 1.0 / (j + 3);
    }
    return new LinearModel(AWKWARD.clone(), -0.7 / 3, "squared", names, mean, std, options(), 17,
        "tol");
  }

  private static void assertBitsEqual(double[] expected, double[] actual, String what) {
    assertEquals(expected.length, actual.length, what + " length");
    for (int j = 0; j < expected.length; j++) {
      assertEquals(Double.doubleToRawLongBits(expected[j]), Double.doubleToRawLongBits(actual[j]),
          what + "[" + j + "]: " + expected[j] + " vs " + actual[j]);
    }
  }

  /**
   * Every finite double, drawn as random bits (all exponents, subnormals, both zeros), and values
   * near decimal boundaries come back with the same bits, and the JDK's own number parser reads
   * the written text as the same bits.
   */
  @Test
  void randomBitsRoundTripExactly() {
    java.util.SplittableRandom r = new java.util.SplittableRandom(20261201L);
    int n = 200_000;
    double[] w = new double[n];
    double[] mean = new double[n];
    double[] std = new double[n];
    for (int j = 0; j < n; j++) {
      double x;
      do {
        x = Double.longBitsToDouble(r.nextLong());
      } while (!Double.isFinite(x));
      w[j] = x;
      mean[j] = r.nextDouble() * Math.pow(10, r.nextInt(-30, 30));
      std[j] = Math.nextUp((double) r.nextInt(1, 1_000_000) / 1000.0);
    }
    LinearModel m = new LinearModel(w, -0.0, "squared", null, mean, std, options(), 3, "tol");
    String text = m.toJson();
    LinearModel back = LinearModel.fromJson(text);
    assertBitsEqual(w, back.weights, "weights");
    assertBitsEqual(mean, back.featureMean, "mean");
    assertBitsEqual(std, back.featureStd, "std");
    int from = text.indexOf('[', text.indexOf("\"weights\"")) + 1;
    String[] written = text.substring(from, text.indexOf(']', from)).split(",");
    assertEquals(n, written.length, "every weight is written");
    for (int j = 0; j < n; j++) {
      assertEquals(Double.doubleToRawLongBits(w[j]), Double.doubleToRawLongBits(Double.parseDouble(written[j].trim())),
          "weights[" + j + "] as written: " + written[j]);
    }
  }

  @Test
  void roundTripWithoutFeatureNames() {
    LinearModel m = model(null);
    LinearModel back = LinearModel.fromJson(m.toJson());
    assertBitsEqual(m.weights, back.weights, "weights");
    assertEquals(Double.doubleToRawLongBits(m.intercept), Double.doubleToRawLongBits(back.intercept));
    assertNull(back.featureNames);
    assertBitsEqual(m.featureMean, back.featureMean, "mean");
    assertBitsEqual(m.featureStd, back.featureStd, "std");
    assertEquals("squared", back.loss);
    assertEquals(17, back.iterations);
    assertEquals("tol", back.stopReason);
    assertEquals(AWKWARD.length, back.numFeatures());
    // Options keep their order and values (JSON does not keep Long vs Integer, so compare text).
    assertEquals(new ArrayList<>(m.options.keySet()), new ArrayList<>(back.options.keySet()));
    for (Map.Entry<String, Object> e : m.options.entrySet()) {
      assertEquals(String.valueOf(e.getValue()), String.valueOf(back.options.get(e.getKey())), e.getKey());
    }
    assertEquals(m.toJson(), back.toJson(), "writing what was read gives the same text");
  }

  @Test
  void roundTripWithFeatureNames() {
    String[] names = new String[AWKWARD.length];
    for (int j = 0; j < names.length; j++) {
      names[j] = j == 0 ? "quote \" and, comma" : j == 1 ? "ünïcødé" : "x" + j;
    }
    LinearModel back = LinearModel.fromJson(model(names).toJson());
    assertArrayEquals(names, back.featureNames);
  }

  @Test
  void emptyOptionsAndNullOptions() {
    LinearModel m = new LinearModel(new double[] {1}, 0, "squared", null, new double[] {0},
        new double[] {1}, null, 0, "max-iter");
    assertTrue(m.options.isEmpty());
    assertTrue(LinearModel.fromJson(m.toJson()).options.isEmpty());
  }

  @Test
  void writesTheDocumentedFields() throws Exception {
    ObjectNode root = (ObjectNode) JSON.readTree(model(null).toJson());
    assertEquals(LinearModel.FORMAT, root.get("format").asText());
    assertEquals(1, root.get("formatVersion").asInt());
    assertEquals("linear-regression", root.get("modelType").asText());
    assertEquals(AWKWARD.length, root.get("numFeatures").asInt());
    assertTrue(root.get("featureStatistics").has("mean"));
    assertTrue(root.get("options").has("step-size"));
    assertTrue(!root.has("featureNames"), "no featureNames when there are none");
  }

  @Test
  void predict() {
    LinearModel m = new LinearModel(new double[] {2, -1}, 0.5, "squared", null, new double[2],
        new double[2], null, 1, "tol");
    assertEquals(2 * 3 - 4 + 0.5, m.predict(new double[] {3, 4}));
  }

  private static String edited(Consumer<ObjectNode> edit) throws Exception {
    ObjectNode root = (ObjectNode) JSON.readTree(model(null).toJson());
    edit.accept(root);
    return JSON.writeValueAsString(root);
  }

  private static void assertRejected(String text, String... parts) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> LinearModel.fromJson(text));
    for (String part : parts) {
      assertTrue(e.getMessage().contains(part), () -> "message should mention '" + part + "': " + e.getMessage());
    }
  }

  @Test
  void rejectsTextThatIsNotJson() {
    assertRejected("this is not json", "not valid JSON");
    assertRejected("{\"format\": ", "not valid JSON");
  }

  @Test
  void rejectsJsonWithoutFormat() throws Exception {
    assertRejected("{}", "not a spark-sgd model", LinearModel.FORMAT);
    assertRejected("[1, 2]", "not a spark-sgd model");
    assertRejected("", "not a spark-sgd model");
    assertRejected(edited(r -> r.remove("format")), "not a spark-sgd model");
    assertRejected(edited(r -> r.put("format", "sklearn")), "not a spark-sgd model");
  }

  @Test
  void rejectsWrongFormatVersion() throws Exception {
    assertRejected(edited(r -> r.put("formatVersion", 2)), "formatVersion 2");
    assertRejected(edited(r -> r.put("formatVersion", 0)), "formatVersion 0");
    assertRejected(edited(r -> r.remove("formatVersion")), "formatVersion");
  }

  @Test
  void rejectsNumFeaturesMismatch() throws Exception {
    assertRejected(edited(r -> r.put("numFeatures", AWKWARD.length + 1)),
        "numFeatures " + (AWKWARD.length + 1), AWKWARD.length + " weights");
    assertRejected(edited(r -> r.remove("numFeatures")), "numFeatures");
  }

  @Test
  void rejectsNonNumericWeight() throws Exception {
    assertRejected(edited(r -> r.withArray("weights").set(2, "1.5")), "weights[2] is not a number");
    assertRejected(edited(r -> r.withArray("weights").set(0, JSON.nullNode())), "weights[0]");
    assertRejected(edited(r -> r.put("weights", "1,2,3")), "weights is missing or not an array");
    assertRejected(edited(r -> r.remove("weights")), "weights is missing or not an array");
  }

  @Test
  void rejectsMissingOrNonNumericIntercept() throws Exception {
    assertRejected(edited(r -> r.remove("intercept")), "intercept is missing or not a number");
    assertRejected(edited(r -> r.put("intercept", "0.5")), "intercept is missing or not a number");
    assertRejected(edited(r -> r.putNull("intercept")), "intercept");
  }

  @Test
  void rejectsNonNumericFeatureStatistics() throws Exception {
    assertRejected(edited(r -> ((ObjectNode) r.get("featureStatistics")).withArray("std").set(1, "x")),
        "featureStatistics.std[1] is not a number");
  }

  @Test
  void everyRejectionIsOneLine() throws Exception {
    List<String> bad = List.of("nope", "{}", edited(r -> r.put("formatVersion", 9)),
        edited(r -> r.remove("intercept")));
    for (String text : bad) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> LinearModel.fromJson(text));
      assertTrue(!e.getMessage().isBlank(), text);
    }
  }
}
