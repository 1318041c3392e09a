package dev.sparksgd.data;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Synthetic click-through rows shaped like the Criteo display-advertising table: a 0/1 label,
 * {@value #NUMERIC} integer columns {@code I1..I13} with empty cells, and {@value #CATEGORICAL}
 * categorical columns {@code C1..C26} of 8-digit hex strings.
 *
 * <ul>
 *   <li>I<sub>j</sub> is round(exp(N(μ_j, 1))) − 1 (counts, long-tailed), empty with probability
 *       {@link #missingRate(int)} (0.02 … 0.44 across the columns, mean {@link #meanMissingRate()}).
 *   <li>C<sub>k</sub> has {@link #cardinality(int)} levels (3 … 10^6, log-spaced across the
 *       columns); a row draws level r with probability ∝ r^−{@value #ZIPF_EXPONENT} (a truncated
 *       power law, drawn by inverting its continuous distribution and taking the floor), and its
 *       value is the hex of a hash of (seed, column, r).
 *   <li>The label is 1 with probability σ(m): m = b + Σ_j v_j·I_j + Σ_k w[h("C_k=value")] − c,
 *       where h is FeatureHasher's index ({@link FeatureHashing#index}) in
 *       2^{@value #TRUTH_HASH_BITS} slots, w[i] ~ N(0, {@value #CATEGORY_WEIGHT_STD}²) a function of
 *       (seed, i), v_j ~ N(0, 0.3²) ÷ the mean of I_j, b = {@value #INTERCEPT}, and c the mean of
 *       the sums over the rows (the numbers' from their means, the categories' from their
 *       {@value #CENTERED_LEVELS} most frequent levels), so that the mean margin is b whatever the
 *       seed. A missing I_j still counts with its drawn value: the empty cell hides it.
 * </ul>
 * Row i depends only on (seed, i), so the rows do not depend on how they are split into files.
 */
public final class CtrGenerator implements java.io.Serializable {
  private static final long serialVersionUID = 1L;
  public static final int NUMERIC = 13;
  public static final int CATEGORICAL = 26;
  public static final double ZIPF_EXPONENT = 1.2;
  public static final int TRUTH_HASH_BITS = 22;
  public static final double CATEGORY_WEIGHT_STD = 0.5;
  public static final double INTERCEPT = -2.0;
  /** The most frequent levels of each column whose weights the centring of the margin averages. */
  static final int CENTERED_LEVELS = 4096;
  private static final int MAX_CARDINALITY = 1_000_000;

  private final long seed;
  private transient double[] numericWeights;
  /** c, the mean of the weight sums (see the class comment), once {@link #centered}. */
  private transient double center;
  /** Whether {@link #center} is computed (false again after deserialization, as the field is 0). */
  private transient boolean centered;

  public CtrGenerator(long seed) {
    this.seed = seed;
  }

  public long seed() {
    return seed;
  }

  /** label, I1..I13, C1..C26. */
  public static String[] columns() {
    String[] c = new String[1 + NUMERIC + CATEGORICAL];
    c[0] = "label";
    for (int j = 0; j < NUMERIC; j++) {
      c[1 + j] = numericName(j);
    }
    for (int k = 0; k < CATEGORICAL; k++) {
      c[1 + NUMERIC + k] = categoricalName(k);
    }
    return c;
  }

  public static String numericName(int j) {
    return "I" + (j + 1);
  }

  public static String categoricalName(int k) {
    return "C" + (k + 1);
  }

  public static String header() {
    return String.join(",", columns());
  }

  /** The probability that a cell of numeric column j is empty. */
  public static double missingRate(int j) {
    return 0.02 + 0.42 * j / (NUMERIC - 1);
  }

  public static double meanMissingRate() {
    double s = 0;
    for (int j = 0; j < NUMERIC; j++) {
      s += missingRate(j);
    }
    return s / NUMERIC;
  }

  /** Levels of categorical column k: 3 … 10^6, log-spaced. */
  public static int cardinality(int k) {
    return (int) Math.round(3 * Math.pow(MAX_CARDINALITY / 3.0, (double) k / (CATEGORICAL - 1)));
  }

  /** The mean of I_j (before cells are emptied), about exp(μ_j + ½) − 1. */
  private static double numericMean(int j) {
    return Math.exp(logMean(j) + 0.5) - 1;
  }

  /** c: the numbers' weighted means plus each column's mean weight over its most frequent levels. */
  private double center() {
    double c = 0;
    for (int j = 0; j < NUMERIC; j++) {
      c += numericWeight(j) * numericMean(j);
    }
    int slots = 1 << TRUTH_HASH_BITS;
    for (int k = 0; k < CATEGORICAL; k++) {
      int n = cardinality(k);
      double a = 1 - ZIPF_EXPONENT;
      double top = Math.pow(n + 1, a);
      for (int r = 1; r <= Math.min(n, CENTERED_LEVELS); r++) {
        // P(level r) of zipf(): the u that reach [r, r + 1), the last level taking the rest.
        double lo = (Math.pow(r, a) - 1) / (top - 1);
        double hi = r == n ? 1 : (Math.pow(r + 1, a) - 1) / (top - 1);
        c += (hi - lo) * categoryWeight(FeatureHashing.index(categoricalName(k) + "=" + level(k, r), slots));
      }
    }
    return c;
  }

  /** μ_j of numeric column j's log-normal counts. */
  private static double logMean(int j) {
    return 0.5 + 2.5 * ((j * 5) % NUMERIC) / (NUMERIC - 1);
  }

  /** v_j, the planted weight of numeric column j: N(0, 0.3²) over the column's mean count. */
  public double numericWeight(int j) {
    return 0.3 * new SplittableRandom(Seeds.derive(seed, 0x4e55L, j)).nextGaussian() / Math.exp(logMean(j) + 0.5);
  }

  /** w[i], the planted weight of hashed slot i (of 2^TRUTH_HASH_BITS). */
  public double categoryWeight(int slot) {
    return CATEGORY_WEIGHT_STD * new SplittableRandom(Seeds.derive(seed, 0x43L, slot)).nextGaussian();
  }

  /** Level r (1-based) of categorical column k as its 8-digit hex value. */
  public String level(int k, long r) {
    return String.format(Locale.ROOT, "%08x", (int) Seeds.derive(seed, 0x4c56L, k, r));
  }

  /** Appends row {@code i} as a CSV line (no line end) to {@code sb}, cleared first. */
  public void row(long i, StringBuilder sb) {
    sb.setLength(0);
    SplittableRandom r = new SplittableRandom(Seeds.derive(seed, 0x5257L, i));
    if (!centered) {
      center = center();
      centered = true;
    }
    double m = INTERCEPT - center;
    if (numericWeights == null) {
      double[] v = new double[NUMERIC];
      for (int j = 0; j < NUMERIC; j++) {
        v[j] = numericWeight(j);
      }
      numericWeights = v;
    }
    long[] num = new long[NUMERIC];
    boolean[] missing = new boolean[NUMERIC];
    for (int j = 0; j < NUMERIC; j++) {
      num[j] = Math.max(0, Math.round(Math.exp(logMean(j) + r.nextGaussian())) - 1);
      missing[j] = r.nextDouble() < missingRate(j);
      m += numericWeights[j] * num[j];
    }
    String[] cat = new String[CATEGORICAL];
    int slots = 1 << TRUTH_HASH_BITS;
    for (int k = 0; k < CATEGORICAL; k++) {
      cat[k] = level(k, zipf(r.nextDouble(), cardinality(k)));
      m += categoryWeight(FeatureHashing.index(categoricalName(k) + "=" + cat[k], slots));
    }
    double p = 1 / (1 + Math.exp(-m));
    sb.append(r.nextDouble() < p ? '1' : '0');
    for (int j = 0; j < NUMERIC; j++) {
      sb.append(',');
      if (!missing[j]) {
        sb.append(num[j]);
      }
    }
    for (int k = 0; k < CATEGORICAL; k++) {
      sb.append(',').append(cat[k]);
    }
  }

  /** A level in 1..n with probability about ∝ r^-s: the floor of the continuous inverse. */
  static long zipf(double u, int n) {
    double a = 1 - ZIPF_EXPONENT;
    double top = Math.pow(n + 1, a);
    double x = Math.pow(1 + u * (top - 1), 1 / a);
    return Math.min(n, Math.max(1, (long) Math.floor(x)));
  }

  /**
   * Writes rows [from, to) as a directory of {@code parts} CSV part files (each with the header),
   * in parallel; each task makes its rows as the writer asks for them.
   */
  public static void write(JavaSparkContext sc, CtrGenerator gen, long from, long to, int parts, String dir) {
    List<Integer> ids = new ArrayList<>();
    for (int p = 0; p < parts; p++) {
      ids.add(p);
    }
    long n = to - from;
    sc.parallelize(ids, parts).mapPartitions((Iterator<Integer> it) -> {
      int p = it.next();
      Iterator<String> rows = gen.lines(from + n * p / parts, from + n * (p + 1) / parts);
      return new Iterator<String>() {
        private boolean first = true;

        @Override
        public boolean hasNext() {
          return first || rows.hasNext();
        }

        @Override
        public String next() {
          if (first) {
            first = false;
            return header();
          }
          return rows.next();
        }
      };
    }).saveAsTextFile(dir);
  }

  /** Rows [from, to) as CSV lines, made one at a time as they are asked for. */
  public Iterator<String> lines(long from, long to) {
    return new Iterator<>() {
      private long next = from;
      private final StringBuilder sb = new StringBuilder(256);

      @Override
      public boolean hasNext() {
        return next < to;
      }

      @Override
      public String next() {
        if (next >= to) {
          throw new NoSuchElementException();
        }
        row(next++, sb);
        return sb.toString();
      }
    };
  }
}
