package dev.sparksgd.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.sparksgd.config.ConfigException;
import dev.sparksgd.data.CtrGenerator;
import dev.sparksgd.data.Generator;
import dev.sparksgd.data.ParsedRecord;
import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code generate}: synthetic data with known weights, for demos and benchmarks. */
@Command(name = "generate", mixinStandardHelpOptions = true, sortOptions = false,
    versionProvider = Main.Version.class,
    description = {"Writes synthetic data with a known model, recorded in a truth file next to the data.",
        "--kind regression: x ~ N(0,1), y = w·x + b + noise·N(0,1), with known w (in [-2, 2]) and b.",
        "--kind ctr: a click-through table shaped like Criteo's (CSV only): a 0/1 label, 13 integer "
            + "columns I1..I13 with empty cells (2%% to 44%% per column), 26 categorical columns C1..C26 of "
            + "8-digit hex strings (3 to 10^6 levels, frequencies ∝ rank^-1.2), the label drawn from a "
            + "logistic model over the FeatureHasher indices of the categories (2^22 slots) and the counts.",
        "An --output ending in .libsvm or .csv is one file written by the driver; any other "
            + "--output is a directory of part files written by Spark in parallel. Row i depends only "
            + "on --seed and i."})
public final class GenerateCommand implements Callable<Integer> {
  @Option(names = "--output", required = true, paramLabel = "PATH", description = "File or directory to write.")
  String output;

  @Option(names = "--kind", paramLabel = "regression|ctr", defaultValue = "regression",
      description = "What to generate. Default: ${DEFAULT-VALUE}.")
  String kind;

  @Option(names = "--rows", paramLabel = "N", defaultValue = "10000", description = "Rows. Default: ${DEFAULT-VALUE}.")
  long rows;

  @Option(names = "--features", paramLabel = "D", defaultValue = "10", description = "Features. Default: ${DEFAULT-VALUE}.")
  int features;

  @Option(names = "--sparse-nnz", paramLabel = "K", defaultValue = "0",
      description = "Non-zero features per row; 0 = dense. Default: ${DEFAULT-VALUE}.")
  int sparseNnz;

  @Option(names = "--format", paramLabel = "libsvm|csv",
      description = "Default: from the extension, else libsvm.")
  String format;

  @Option(names = "--noise", paramLabel = "X", defaultValue = "0.1", description = "Noise std. Default: ${DEFAULT-VALUE}.")
  double noise;

  @Option(names = "--intercept", paramLabel = "X", defaultValue = "1.0", description = "True intercept. Default: ${DEFAULT-VALUE}.")
  double intercept;

  @Option(names = "--seed", paramLabel = "N", defaultValue = "42", description = "Default: ${DEFAULT-VALUE}.")
  long seed;

  @Option(names = "--num-partitions", paramLabel = "N", defaultValue = "0",
      description = "Part files for directory output; 0 = Spark's default parallelism.")
  int numPartitions;

  @Option(names = "--overwrite", description = "Replace --output if it exists.")
  boolean overwrite;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (rows < 1) {
      throw new ConfigException("--rows must be >= 1 (got " + rows + ")");
    }
    if (features < 1) {
      throw new ConfigException("--features must be >= 1 (got " + features + ")");
    }
    if (sparseNnz < 0) {
      throw new ConfigException("--sparse-nnz must be >= 0 (got " + sparseNnz + ")");
    }
    if (!(noise >= 0) || !Double.isFinite(noise) || !Double.isFinite(intercept)) {
      throw new ConfigException("--noise must be >= 0 and --intercept finite");
    }
    String lower = output.toLowerCase(Locale.ROOT);
    boolean singleFile = lower.endsWith(".libsvm") || lower.endsWith(".csv");
    boolean ctr = parseKind(kind);
    if (ctr) {
      for (String o : new String[] {"--features", "--sparse-nnz", "--noise", "--intercept"}) {
        if (spec != null && spec.commandLine().getParseResult().hasMatchedOption(o)) {
          throw new ConfigException(o + " does not apply to --kind ctr (its columns are fixed)");
        }
      }
      if ((format != null && !parseCsv(format)) || lower.endsWith(".libsvm")) {
        throw new ConfigException("--kind ctr writes CSV only (its columns hold strings)");
      }
    }
    boolean csv = ctr || (format != null ? parseCsv(format) : lower.endsWith(".csv"));
    Generator gen = new Generator(seed, features, sparseNnz, noise, intercept);
    CtrGenerator ctrGen = new CtrGenerator(seed);

    Configuration hadoop = singleFile ? new Configuration() : null;
    JavaSparkContext sc = null;
    if (!singleFile) {
      sc = JavaSparkContext.fromSparkContext(Spark.session("spark-sgd generate").sparkContext());
      hadoop = sc.hadoopConfiguration();
    }
    Path out = new Path(output);
    FileSystem fs = out.getFileSystem(hadoop);
    fs.setWriteChecksum(false);
    if (fs.exists(out)) {
      if (!overwrite) {
        throw new ConfigException("--output " + output + " already exists; give --overwrite to replace it");
      }
      fs.delete(out, true);
    }
    if (singleFile && ctr) {
      try (Writer w = new BufferedWriter(new OutputStreamWriter(fs.create(out), StandardCharsets.UTF_8), 1 << 16)) {
        w.write(CtrGenerator.header());
        w.write('\n');
        for (Iterator<String> it = ctrGen.lines(0, rows); it.hasNext(); ) {
          w.write(it.next());
          w.write('\n');
        }
      }
    } else if (ctr) {
      CtrGenerator.write(sc, ctrGen, 0, rows, numPartitions > 0 ? numPartitions : sc.defaultParallelism(), output);
    } else if (singleFile) {
      try (Writer w = new BufferedWriter(new OutputStreamWriter(fs.create(out), StandardCharsets.UTF_8), 1 << 16)) {
        if (csv) {
          w.write(header(features));
          w.write('\n');
        }
        ParsedRecord rec = new ParsedRecord();
        StringBuilder sb = new StringBuilder();
        for (long i = 0; i < rows; i++) {
          gen.row(i, rec);
          w.write(Generator.format(rec, csv, features, sb));
          w.write('\n');
        }
      }
    } else {
      int parts = numPartitions > 0 ? numPartitions : sc.defaultParallelism();
      final long n = rows;
      final int d = features;
      final boolean fcsv = csv;
      List<Integer> ids = new ArrayList<>();
      for (int p = 0; p < parts; p++) {
        ids.add(p);
      }
      // One id per partition; its rows are made as the writer asks for them, not held in memory.
      sc.parallelize(ids, parts).mapPartitions((Iterator<Integer> it) -> rowsOf(gen, it.next(), parts, n, d, fcsv))
          .saveAsTextFile(output);
    }
    Path truth = singleFile ? new Path(output + ".truth.json") : new Path(out, "_truth.json");
    Map<String, Object> t = ctr ? ctrTruth(ctrGen) : regressionTruth(gen);
    try (Writer w = new OutputStreamWriter(fs.create(truth, true), StandardCharsets.UTF_8)) {
      w.write(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(t));
      w.write('\n');
    }
    if (ctr) {
      System.out.printf(Locale.ROOT, "spark-sgd: wrote %d click-through rows (label, %d numeric and %d categorical "
          + "columns, csv) to %s; the planted model in %s%n", rows, CtrGenerator.NUMERIC, CtrGenerator.CATEGORICAL,
          output, truth);
    } else {
      System.out.printf(Locale.ROOT, "spark-sgd: wrote %d rows x %d features (%s) to %s; true weights in %s%n",
          rows, features, csv ? "csv" : "libsvm", output, truth);
    }
    return ExitCodes.OK;
  }

  private Map<String, Object> ctrTruth(CtrGenerator g) {
    Map<String, Object> t = new LinkedHashMap<>();
    t.put("kind", "ctr");
    t.put("rows", rows);
    t.put("seed", seed);
    t.put("columns", CtrGenerator.columns());
    double[] missing = new double[CtrGenerator.NUMERIC];
    double[] numericWeights = new double[CtrGenerator.NUMERIC];
    for (int j = 0; j < missing.length; j++) {
      missing[j] = CtrGenerator.missingRate(j);
      numericWeights[j] = g.numericWeight(j);
    }
    int[] levels = new int[CtrGenerator.CATEGORICAL];
    for (int k = 0; k < levels.length; k++) {
      levels[k] = CtrGenerator.cardinality(k);
    }
    t.put("missingRates", missing);
    t.put("levels", levels);
    t.put("zipfExponent", CtrGenerator.ZIPF_EXPONENT);
    t.put("intercept", CtrGenerator.INTERCEPT);
    t.put("numericWeights", numericWeights);
    t.put("categoryHashBits", CtrGenerator.TRUTH_HASH_BITS);
    t.put("categoryWeights", "N(0, " + CtrGenerator.CATEGORY_WEIGHT_STD + "^2) per hashed slot, from the seed");
    return t;
  }

  private Map<String, Object> regressionTruth(Generator gen) {
    Map<String, Object> t = new LinkedHashMap<>();
    t.put("rows", rows);
    t.put("features", features);
    t.put("sparseNnz", gen.isDense() ? 0 : sparseNnz);
    t.put("noise", noise);
    t.put("seed", seed);
    t.put("intercept", gen.intercept());
    t.put("weights", gen.weights());
    return t;
  }

  /**
   * The text rows of partition {@code p} of {@code parts}, made as the writer asks for them. Static,
   * so that the task's closure does not capture the command (picocli's object is not serializable).
   */
  private static Iterator<String> rowsOf(Generator gen, int p, int parts, long n, int d, boolean csv) {
    long from = n * p / parts;
    long to = n * (p + 1) / parts;
    ParsedRecord rec = new ParsedRecord();
    StringBuilder sb = new StringBuilder();
    return new Iterator<String>() {
      private long i = csv ? from - 1 : from;

      @Override
      public boolean hasNext() {
        return i < to;
      }

      @Override
      public String next() {
        long row = i++;
        if (row < from) {
          return header(d);
        }
        gen.row(row, rec);
        return Generator.format(rec, csv, d, sb);
      }
    };
  }

  static String header(int d) {
    StringBuilder sb = new StringBuilder("label");
    for (int j = 1; j <= d; j++) {
      sb.append(",x").append(j);
    }
    return sb.toString();
  }

  private static boolean parseKind(String k) {
    switch (k.trim().toLowerCase(Locale.ROOT)) {
      case "ctr": return true;
      case "regression": return false;
      default: throw new ConfigException("--kind must be regression or ctr (got '" + k + "')");
    }
  }

  private static boolean parseCsv(String f) {
    switch (f.trim().toLowerCase(Locale.ROOT)) {
      case "csv": return true;
      case "libsvm": return false;
      default: throw new ConfigException("--format must be libsvm or csv (got '" + f + "')");
    }
  }
}
