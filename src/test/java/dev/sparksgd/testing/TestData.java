package dev.sparksgd.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sparksgd.cli.Main;
import dev.sparksgd.data.Generator;
import dev.sparksgd.data.ParsedRecord;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Writes small data files and runs the real CLI against the shared session. */
public final class TestData {
  private static final ObjectMapper JSON = new ObjectMapper();

  private TestData() {
  }

  /** Rows of {@link Generator} as a LIBSVM or CSV file; returns the rows as (x, y) too. */
  public static Rows write(Path file, long seed, int n, int d, double noise, double intercept) throws IOException {
    boolean csv = file.toString().endsWith(".csv");
    Generator g = new Generator(seed, d, 0, noise, intercept);
    ParsedRecord r = new ParsedRecord();
    StringBuilder sb = new StringBuilder();
    List<String> lines = new ArrayList<>();
    double[][] x = new double[n][d];
    double[] y = new double[n];
    if (csv) {
      StringBuilder h = new StringBuilder("label");
      for (int j = 1; j <= d; j++) {
        h.append(",x").append(j);
      }
      lines.add(h.toString());
    }
    for (int i = 0; i < n; i++) {
      g.row(i, r);
      for (int k = 0; k < r.nnz; k++) {
        x[i][r.indices[k]] = r.values[k];
      }
      y[i] = r.label;
      lines.add(Generator.format(r, csv, d, sb));
    }
    Files.write(file, lines, StandardCharsets.UTF_8);
    return new Rows(x, y, g.weights(), g.intercept());
  }

  /** Generated rows and the weights they were made with. */
  public record Rows(double[][] x, double[] y, double[] trueWeights, double trueIntercept) {
  }

  /** Result of one CLI run. */
  public record Run(int exitCode, String out, String err) {
  }

  /** Runs {@code Main.run(args)} on the shared session, capturing stdout and stderr. */
  public static synchronized Run cli(String... args) {
    SparkTestSession.get();
    return cliOnCurrentSession(args);
  }

  /** As {@link #cli} but on whatever session is current (a test may have switched it). */
  public static synchronized Run cliOnCurrentSession(String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int code = Main.run(args);
      return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
      oldOut.print(out.toString(StandardCharsets.UTF_8));
      oldErr.print(err.toString(StandardCharsets.UTF_8));
    }
  }

  public static JsonNode json(Path file) throws IOException {
    return JSON.readTree(file.toFile());
  }

  public static double[] weights(Path modelDir) throws IOException {
    JsonNode w = json(modelDir.resolve("model.json")).get("weights");
    double[] v = new double[w.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = w.get(i).asDouble();
    }
    return v;
  }

  public static double intercept(Path modelDir) throws IOException {
    return json(modelDir.resolve("model.json")).get("intercept").asDouble();
  }

  /** The model's weights and intercept as raw bits, for bit-for-bit comparison. */
  public static long[] modelBits(Path modelDir) throws IOException {
    double[] w = weights(modelDir);
    long[] b = new long[w.length + 1];
    for (int j = 0; j < w.length; j++) {
      b[j] = Double.doubleToRawLongBits(w[j]);
    }
    b[w.length] = Double.doubleToRawLongBits(intercept(modelDir));
    return b;
  }

  /** history.csv without its wall-time column (millis), the one column a rerun may change. */
  public static List<String> historyWithoutMillis(Path modelDir) throws IOException {
    List<String> rows = new ArrayList<>();
    for (String line : Files.readAllLines(modelDir.resolve("history.csv"), StandardCharsets.UTF_8)) {
      String[] c = line.split(",", -1);
      c[5] = "";
      rows.add(String.join(",", c));
    }
    return rows;
  }

  /** The names in a directory, sorted. */
  public static List<String> fileNames(Path dir) throws IOException {
    try (java.util.stream.Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
