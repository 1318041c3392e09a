package dev.sparksgd.docs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The figures of docs/performance.md, made from the {@code bench --output} JSON files in
 * docs/bench/: one table per figure, the targets, and two charts (scaling with the row count,
 * time to accuracy) as PNG. The page keeps its hand-written method and analysis around the
 * generated part, which sits between {@link #BEGIN} and {@link #END}.
 */
final class PerformancePage {
  static final String BEGIN = "<!-- generated from docs/bench/*.json by PerformancePage: do not edit by hand -->";
  static final String END = "<!-- end of the generated part -->";
  static final String REGENERATE =
      "mvn -B -q test -Dtest=PerformancePageTest -Dsurefire.failIfNoSpecifiedTests=false -Dspark.sgd.writeDocs=true";
  static final String SCALING_PNG = "images/scaling.png";
  static final String TTA_PNG = "images/time-to-accuracy.png";

  private static final String OURS = "spark-sgd";
  private static final String MLLIB = "mllib-sgd";
  private static final Color[] COLORS = {new Color(31, 119, 180), new Color(214, 39, 40),
      new Color(44, 160, 44), new Color(148, 103, 189), new Color(255, 127, 14)};

  /** One bench JSON file. */
  record Run(String file, JsonNode root) {
    JsonNode env() {
      return root.path("environment");
    }

    List<JsonNode> sizes() {
      List<JsonNode> out = new ArrayList<>();
      root.path("sizes").forEach(out::add);
      return out;
    }
  }

  private PerformancePage() {
  }

  static List<Run> read(Path benchDir) throws IOException {
    ObjectMapper json = new ObjectMapper();
    List<Run> runs = new ArrayList<>();
    // docs/bench/*.json (the default line) and docs/bench/spark-LINE/*.json (another line).
    try (Stream<Path> files = Files.walk(benchDir, 2)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
        runs.add(new Run(benchDir.relativize(f).toString().replace('\\', '/'), json.readTree(f.toFile())));
      }
    }
    return runs;
  }

  /** The generated part of the page, markers included. */
  static String markdown(List<Run> runs) {
    StringBuilder md = new StringBuilder(BEGIN).append('\n');
    md.append("\nRegenerate this part and the charts after committing new JSON files:\n\n```sh\n")
        .append(REGENERATE).append("\n```\n");
    runsTable(md, runs);
    figureTable(md, runs, "full-batch", "Full-batch iteration",
        "Time per iteration over all rows; the rooflines are one plain thread, that time divided by the cores, "
            + "and as many plain threads as cores.");
    figureTable(md, runs, "mini-batch", "Mini-batch iteration",
        "Time per iteration; each sample is the mean of one call of iterations, the draw of mini-batches included.");
    figureTable(md, runs, "small-data", "Small data: iterations on the driver",
        "Full-batch iteration time of ours with the rows on the driver (--prefetch-mb 512: fetched once, "
            + "the iterations on the driver's threads) and off the driver (--prefetch-mb 0; the JSON's mode says "
            + "whether as a Spark job per iteration or as a gang of long-running tasks).");
    ttaTable(md, runs);
    figureTable(md, runs, "memory", "Memory",
        "Cached bytes (memory plus disk) of each contender's representation, and the raw sizes.");
    figureTable(md, runs, "ctr", "Click-through rows: time to a holdout log loss",
        "Rows of generate --kind ctr. Wall time of the first fit (fits at growing budgets, each from the cached "
            + "rows, after a warm-up fit) whose log loss on held-out rows is within 0.5% of the best final "
            + "one: ours (hashed, mean-filled, logistic) in mini-batch iterations and in full-batch iterations "
            + "(spark-sgd-full-batch), each at the defaults, and spark.ml's Pipeline(Imputer, FeatureHasher, "
            + "LogisticRegression).");
    figureTable(md, runs, "ctr-iteration", "Click-through rows: our mini-batch iteration",
        "Time between the ends of successive iterations of our mini-batch fits on the click rows: where the "
            + "JSON's figure gives rounds, fits of one epoch at each hash size in turn, round after round (a "
            + "machine's slow and fast stretches then fall on every size alike); otherwise our longest fit at "
            + "each size.");
    figureTable(md, runs, "ctr-memory", "Click-through rows: cached bytes",
        "Ours: the hashed, filled blocks; spark.ml: its cached DataFrame of the raw rows.");
    scalingTable(md, runs);
    releasesTable(md, runs);
    targetsTable(md, runs);
    return md.append('\n').append(END).toString();
  }

  private static void runsTable(StringBuilder md, List<Run> runs) {
    md.append("\n## Runs\n\n")
        .append("Each file under [bench/](bench/) is the `--output` of one `./submit.sh … bench` command "
            + "(under bench/spark-4/: on the Spark 4 line, `SPARK_SGD_SPARK_LINE=4 ./submit.sh … bench`); the load average (1, 5 and 15 minutes) says how busy the machine was.\n\n")
        .append("| file | arguments | date (UTC) | CPU | cores | master | Java | Spark | heap | load average before → after |\n")
        .append("|---|---|---|---|---|---|---|---|---|---|\n");
    for (Run r : runs) {
      JsonNode e = r.env();
      List<String> args = new ArrayList<>();
      r.root().path("arguments").forEach(a -> args.add(a.asText()));
      md.append("| [").append(r.file()).append("](bench/").append(r.file()).append(") | `")
          .append(String.join(" ", args)).append("` | ").append(text(e, "date")).append(" | ")
          .append(text(e, "cpu")).append(" | ").append(text(e, "availableProcessors")).append(" | `")
          .append(text(e, "master")).append("` | ")
          .append(text(e, "javaVersion")).append(" | ").append(text(e, "sparkVersion")).append(" | ")
          .append(e.has("maxHeapBytes") ? String.format(Locale.ROOT, "%.1f GiB", e.get("maxHeapBytes").asDouble() / (1L << 30)) : "")
          .append(" | ").append(text(e, "loadAverageBefore")).append(" → ").append(text(e, "loadAverageAfter"))
          .append(" |\n");
    }
  }

  /** The runs by the Spark release they ran on, in the order of the release. */
  static Map<String, List<Run>> byRelease(List<Run> runs) {
    Map<String, List<Run>> out = new java.util.TreeMap<>();
    for (Run r : runs) {
      out.computeIfAbsent(text(r.env(), "sparkVersion"), k -> new ArrayList<>()).add(r);
    }
    return out;
  }

  private static void figureTable(StringBuilder md, List<Run> runs, String figure, String title, String what) {
    Map<String, List<String[]>> tables = new LinkedHashMap<>();
    for (Map.Entry<String, List<Run>> line : byRelease(runs).entrySet()) {
      List<String[]> rows = figureRows(line.getValue(), figure);
      if (!rows.isEmpty()) {
        tables.put(line.getKey(), rows);
      }
    }
    if (tables.isEmpty()) {
      return;
    }
    md.append("\n## ").append(title).append("\n\n").append(what).append(" Ratio = the contender's median ÷ ours.\n");
    for (Map.Entry<String, List<String[]>> t : tables.entrySet()) {
      md.append("\nSpark ").append(t.getKey()).append(":\n\n")
          .append("| data | contender | median | min | max | ratio |\n|---|---|---|---|---|---|\n");
      t.getValue().forEach(row -> md.append("| ").append(String.join(" | ", row)).append(" |\n"));
    }
  }

  private static List<String[]> figureRows(List<Run> runs, String figure) {
    List<String[]> rows = new ArrayList<>();
    for (Run r : runs) {
      for (JsonNode size : r.sizes()) {
        for (JsonNode f : size.path("figures")) {
          if (f.path("figure").asText().equals(figure)) {
            boolean bytes = f.path("unit").asText().equals("bytes");
            // A contender that did not reach the target within a bounded budget: its largest fit's time, a lower bound.
            String atLeast = f.path("lowerBound").asBoolean(false) ? "≥ " : "";
            rows.add(new String[] {label(size), math(f.path("contender").asText()), atLeast + value(f.get("median"), bytes),
                bytes ? "" : atLeast + value(f.get("min"), false), bytes ? "" : atLeast + value(f.get("max"), false),
                f.get("ratio") != null && f.get("ratio").isNumber() ? atLeast + ratio(f.get("ratio")) : ""});
          }
        }
      }
    }
    return rows;
  }

  private static void ttaTable(StringBuilder md, List<Run> runs) {
    Map<String, List<String>> tables = new LinkedHashMap<>();
    for (Map.Entry<String, List<Run>> line : byRelease(runs).entrySet()) {
      List<String> rows = ttaRows(line.getValue());
      if (!rows.isEmpty()) {
        tables.put(line.getKey(), rows);
      }
    }
    if (tables.isEmpty()) {
      return;
    }
    md.append("\n## Time to accuracy\n\n")
        .append("Wall time from cached input to a model whose mean training loss is within 1e-4 relative of the "
            + "optimum. Ratio = the contender's median ÷ ours.\n\n")
        .append("![time to accuracy](").append(TTA_PNG).append(")\n");
    for (Map.Entry<String, List<String>> t : tables.entrySet()) {
      md.append("\nSpark ").append(t.getKey()).append(":\n\n")
          .append("| data | contender | median | min | max | ratio | iterations | stopped by |\n")
          .append("|---|---|---|---|---|---|---|---|\n");
      t.getValue().forEach(row -> md.append(row).append('\n'));
    }
  }

  private static List<String> ttaRows(List<Run> runs) {
    List<String> rows = new ArrayList<>();
    for (Run r : runs) {
      for (JsonNode size : r.sizes()) {
        for (JsonNode f : size.path("figures")) {
          if (!f.path("figure").asText().equals("time-to-accuracy")) {
            continue;
          }
          boolean reached = f.path("reached").asBoolean(true);
          String iterations = f.has("iterations") ? f.get("iterations").asText() : "";
          String within = f.has("firstIterationWithinTarget") && !f.get("firstIterationWithinTarget").isNull()
              ? f.get("firstIterationWithinTarget").asText() : "";
          rows.add("| " + label(size) + " | " + f.path("contender").asText() + " | "
              + (reached ? seconds(f.get("median")) : "not reached") + " | "
              + (reached ? seconds(f.get("min")) : "") + " | " + (reached ? seconds(f.get("max")) : "") + " | "
              + ratio(f.get("ratio")) + " | " + iterations + (within.isEmpty() ? "" : " (within target after " + within + ")")
              + " | " + (f.has("stopReason") ? text(f, "stopReason") : "—") + " |");
        }
      }
    }
    return rows;
  }

  /**
   * Where runs on two Spark releases measured the same data and figure: each release's median and
   * ratio side by side, and how the ratio moved.
   */
  private static void releasesTable(StringBuilder md, List<Run> runs) {
    Map<String, List<Run>> lines = byRelease(runs);
    if (lines.size() < 2) {
      return;
    }
    List<String> releases = new ArrayList<>(lines.keySet());
    String first = releases.get(0);
    List<String> rows = new ArrayList<>();
    for (String other : releases.subList(1, releases.size())) {
      for (Run r : lines.get(other)) {
        for (JsonNode size : r.sizes()) {
          for (JsonNode f : size.path("figures")) {
            JsonNode base = sameFigure(lines.get(first), size, f);
            if (base == null || !f.path("ratio").isNumber() || !base.path("ratio").isNumber()
                || OURS.equals(f.path("contender").asText())) {
              continue;
            }
            boolean bytes = f.path("unit").asText().equals("bytes");
            rows.add("| " + label(size) + " | " + f.path("figure").asText() + " | " + math(f.path("contender").asText())
                + " | " + other + " | " + value(base.get("median"), bytes) + " → " + value(f.get("median"), bytes)
                + " | " + ratio(base.get("ratio")) + " → " + ratio(f.get("ratio")) + " | "
                + String.format(Locale.ROOT, "%+.0f%%", 100 * (f.get("ratio").asDouble() / base.get("ratio").asDouble() - 1))
                + " |");
          }
        }
      }
    }
    if (rows.isEmpty()) {
      return;
    }
    md.append("\n## Spark ").append(first).append(" against later releases\n\n")
        .append("The same bench arguments on each release: the contender's median and its ratio to ours on Spark ")
        .append(first).append(" → on the later release, and how much the ratio moved.\n\n")
        .append("| data | figure | contender | release | contender's median | ratio | ratio moved |\n")
        .append("|---|---|---|---|---|---|---|\n");
    rows.forEach(row -> md.append(row).append('\n'));
  }

  /** The figure of {@code runs} with the same data, figure and contender as {@code f}, or null. */
  private static JsonNode sameFigure(List<Run> runs, JsonNode size, JsonNode f) {
    for (Run r : runs) {
      for (JsonNode s : r.sizes()) {
        if (label(s).equals(label(size)) && s.path("batchRows").asText().equals(size.path("batchRows").asText())) {
          JsonNode g = find(s, f.path("figure").asText(), f.path("contender").asText());
          if (g != null) {
            return g;
          }
        }
      }
    }
    return null;
  }

  /** The mini-batch and full-batch medians of runs that measured more than one row count. */
  private static Map<String, double[][]> scalingSeries(List<Run> runs) {
    Map<String, double[][]> series = new LinkedHashMap<>();
    for (Run r : runs) {
      List<JsonNode> sizes = r.sizes();
      if (sizes.size() < 2) {
        continue;
      }
      for (String figure : List.of("mini-batch", "full-batch")) {
        for (String contender : List.of(OURS, MLLIB)) {
          double[] x = new double[sizes.size()];
          double[] y = new double[sizes.size()];
          int n = 0;
          for (JsonNode size : sizes) {
            JsonNode f = find(size, figure, contender);
            if (f != null && f.get("median").isNumber()) {
              x[n] = size.path("rows").asDouble();
              y[n++] = f.get("median").asDouble();
            }
          }
          if (n >= 2) {
            series.put(contender + ", " + figure, new double[][] {java.util.Arrays.copyOf(x, n), java.util.Arrays.copyOf(y, n)});
          }
        }
      }
    }
    return series;
  }

  private static void scalingTable(StringBuilder md, List<Run> runs) {
    List<String> rows = new ArrayList<>();
    for (Run r : runs) {
      if (r.sizes().size() < 2) {
        continue;
      }
      for (JsonNode size : r.sizes()) {
        for (String figure : List.of("mini-batch", "full-batch")) {
          JsonNode ours = find(size, figure, OURS);
          JsonNode mllib = find(size, figure, MLLIB);
          if (ours != null && mllib != null) {
            rows.add("| " + label(size) + " | " + figure + " | " + value(ours.get("median"), false) + " | "
                + value(mllib.get("median"), false) + " | " + ratio(mllib.get("ratio")) + " |");
          }
        }
      }
    }
    if (rows.isEmpty()) {
      return;
    }
    md.append("\n## Scaling with the row count\n\n")
        .append("The same command at several row counts: our mini-batch iteration draws by index, so its cost "
            + "follows the batch, not the rows; MLlib scans every cached row to sample.\n\n")
        .append("![scaling with the row count](").append(SCALING_PNG).append(")\n\n")
        .append("| data | figure | spark-sgd median | mllib-sgd median | MLlib ÷ ours |\n|---|---|---|---|---|\n");
    rows.forEach(row -> md.append(row).append('\n'));
  }

  private static void targetsTable(StringBuilder md, List<Run> runs) {
    md.append("\n## Targets\n\n")
        .append("As `bench` checks them on each run (a target set at another size is checked all the same, "
            + "and says so).\n\n")
        .append("| file | target | data | value | want | met? |\n|---|---|---|---|---|---|\n");
    for (Run r : runs) {
      for (JsonNode t : r.root().path("targets")) {
        String note = t.path("note").isNull() || t.path("note").asText().isEmpty() ? "" : " (" + t.get("note").asText() + ")";
        md.append("| ").append(r.file()).append(" | ").append(math(t.path("target").asText() + note)).append(" | ")
            .append(t.path("size").asText()).append(" | ")
            .append(t.get("value") == null || t.get("value").isNull() ? "n/a"
                : String.format(Locale.ROOT, "%.3g", t.get("value").asDouble()))
            .append(" | ").append(math(t.path("threshold").asText())).append(" | ")
            .append(t.path("met").asBoolean() ? "met" : "**missed**").append(" |\n");
      }
    }
  }

  /** The bench's ASCII operators as the page writes them. */
  private static String math(String s) {
    return s.replace("<=", "≤").replace(">=", "≥").replace("*", "·");
  }

  /** Writes the two charts under {@code docsDir}. */
  static void writeCharts(List<Run> allRuns, Path docsDir) throws IOException {
    System.setProperty("java.awt.headless", "true");
    // The charts show the first release's runs (the default line); the tables give every release.
    Map<String, List<Run>> lines = byRelease(allRuns);
    if (lines.isEmpty()) {
      return;
    }
    String release = lines.keySet().iterator().next();
    List<Run> runs = lines.get(release);
    Files.createDirectories(docsDir.resolve("images"));
    Map<String, double[][]> scaling = scalingSeries(runs);
    if (!scaling.isEmpty()) {
      XYChart chart = new XYChartBuilder().width(800).height(480).title("Iteration time against the row count (Spark " + release + ")")
          .xAxisTitle("rows (log scale)").yAxisTitle("median ms per iteration (log scale)").build();
      chart.getStyler().setXAxisLogarithmic(true);
      chart.getStyler().setYAxisLogarithmic(true);
      chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
      chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
      chart.getStyler().setChartBackgroundColor(Color.WHITE);
      for (Map.Entry<String, double[][]> s : scaling.entrySet()) {
        XYSeries xy = chart.addSeries(s.getKey(), s.getValue()[0], s.getValue()[1]);
        Color c = COLORS[s.getKey().startsWith(OURS) ? 0 : 1];
        xy.setLineColor(c);
        xy.setMarkerColor(c);
        xy.setMarker(s.getKey().endsWith("mini-batch") ? SeriesMarkers.CIRCLE : SeriesMarkers.DIAMOND);
        xy.setLineStyle(s.getKey().endsWith("mini-batch") ? new java.awt.BasicStroke(2f)
            : new java.awt.BasicStroke(2f, java.awt.BasicStroke.CAP_BUTT, java.awt.BasicStroke.JOIN_MITER, 10f,
                new float[] {6f, 4f}, 0f));
      }
      write(BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG), docsDir.resolve(SCALING_PNG));
    }
    List<String> sizes = new ArrayList<>();
    Map<String, List<Double>> byContender = new LinkedHashMap<>();
    for (Run r : runs) {
      for (JsonNode size : r.sizes()) {
        List<JsonNode> tta = new ArrayList<>();
        size.path("figures").forEach(f -> {
          if (f.path("figure").asText().equals("time-to-accuracy")) {
            tta.add(f);
          }
        });
        if (tta.isEmpty()) {
          continue;
        }
        sizes.add(label(size));
        for (JsonNode f : tta) {
          byContender.computeIfAbsent(f.path("contender").asText(), k -> new ArrayList<>());
        }
        for (Map.Entry<String, List<Double>> c : byContender.entrySet()) {
          JsonNode f = tta.stream().filter(x -> x.path("contender").asText().equals(c.getKey())).findFirst().orElse(null);
          boolean reached = f != null && f.path("reached").asBoolean(true) && f.get("median").isNumber();
          while (c.getValue().size() < sizes.size() - 1) {
            c.getValue().add(0.0);
          }
          c.getValue().add(reached ? f.get("median").asDouble() / 1000 : 0.0);
        }
      }
    }
    if (!sizes.isEmpty()) {
      CategoryChart chart = new CategoryChartBuilder().width(800).height(480)
          .title("Time to within 1e-4 of the optimal loss (0 = not reached; Spark " + release + ")")
          .xAxisTitle("data").yAxisTitle("seconds (median)").build();
      chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
      chart.getStyler().setChartBackgroundColor(Color.WHITE);
      int i = 0;
      for (Map.Entry<String, List<Double>> c : byContender.entrySet()) {
        while (c.getValue().size() < sizes.size()) {
          c.getValue().add(0.0);
        }
        chart.addSeries(c.getKey(), sizes, c.getValue()).setFillColor(COLORS[i++ % COLORS.length]);
      }
      write(BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG), docsDir.resolve(TTA_PNG));
    }
  }

  /** The page with its generated part replaced. */
  static String replaceGenerated(String page, String generated) {
    int b = page.indexOf(BEGIN);
    int e = page.indexOf(END);
    if (b < 0 || e < b) {
      throw new IllegalStateException("docs/performance.md has no generated part (" + BEGIN + " … " + END + ")");
    }
    return page.substring(0, b) + generated + page.substring(e + END.length());
  }

  static String generatedPart(String page) {
    int b = page.indexOf(BEGIN);
    int e = page.indexOf(END);
    return b < 0 || e < b ? "" : page.substring(b, e + END.length());
  }

  private static void write(byte[] bytes, Path file) throws IOException {
    Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
    Files.write(tmp, bytes);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static JsonNode find(JsonNode size, String figure, String contender) {
    Predicate<JsonNode> is = f -> f.path("figure").asText().equals(figure) && f.path("contender").asText().equals(contender);
    for (JsonNode f : size.path("figures")) {
      if (is.test(f)) {
        return f;
      }
    }
    return null;
  }

  private static String label(JsonNode size) {
    long rows = size.path("rows").asLong();
    if (size.path("kind").asText().equals("ctr")) {
      return String.format(Locale.ROOT, "%s click rows × 2^%d hashed", count(rows), size.path("hashBits").asInt());
    }
    long nnz = size.path("sparseNnz").asLong();
    return String.format(Locale.ROOT, "%s × %,d %s", count(rows), size.path("features").asLong(),
        nnz > 0 ? "sparse (" + nnz + " non-zeros a row)" : "dense");
  }

  private static String count(long rows) {
    if (rows >= 1_000_000 && rows % 1_000_000 == 0) {
      return rows / 1_000_000 + "M";
    }
    if (rows >= 1_000 && rows % 1_000 == 0) {
      return rows / 1_000 + "k";
    }
    return String.format(Locale.ROOT, "%,d", rows);
  }

  private static String value(JsonNode v, boolean bytes) {
    if (v == null || !v.isNumber()) {
      return "not reached";
    }
    return bytes ? String.format(Locale.ROOT, "%,.1f MB", v.asDouble() / 1e6)
        : String.format(Locale.ROOT, "%.1f ms", v.asDouble());
  }

  private static String seconds(JsonNode v) {
    return v == null || !v.isNumber() ? "" : String.format(Locale.ROOT, "%.2f s", v.asDouble() / 1000);
  }

  private static String ratio(JsonNode v) {
    return v == null || !v.isNumber() ? "" : String.format(Locale.ROOT, "%.2f", v.asDouble());
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v == null || v.isNull() ? "" : v.asText();
  }
}
