package dev.sparksgd.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Rows made in the test (x, y, optional weights) and written as LIBSVM, CSV or Parquet, or handed
 * to spark.ml as a DataFrame ("label", "features", "weight").
 */
public record Rows(double[][] x, double[] y, double[] w) {

  public int n() {
    return y.length;
  }

  public int d() {
    return x[0].length;
  }

  /** x ~ N(0, 1)^d, y = w·x + b + noise·N(0, 1); a fraction of rows get a gross error ±outlier. */
  public static Rows regression(long seed, int n, double[] weights, double b, double noise,
      double outlierFraction, double outlier) {
    Random r = new Random(seed);
    double[][] x = new double[n][];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = gaussian(r, weights.length);
      y[i] = margin(x[i], weights, b) + noise * r.nextGaussian();
      if (r.nextDouble() < outlierFraction) {
        y[i] += (r.nextBoolean() ? 1 : -1) * outlier * (1 + r.nextDouble());
      }
      y[i] = round(y[i]);
    }
    return new Rows(x, y, null);
  }

  /** x ~ N(0, 1)^d, y ~ Bernoulli(sigmoid(w·x + b)) as 1 or {@code negative} (0 or −1). */
  public static Rows logistic(long seed, int n, double[] weights, double b, double negative) {
    Random r = new Random(seed);
    double[][] x = new double[n][];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = gaussian(r, weights.length);
      y[i] = r.nextDouble() < 1.0 / (1.0 + Math.exp(-margin(x[i], weights, b))) ? 1.0 : negative;
    }
    return new Rows(x, y, null);
  }

  private static double[] gaussian(Random r, int d) {
    double[] x = new double[d];
    for (int j = 0; j < d; j++) {
      x[j] = round(r.nextGaussian());
    }
    return x;
  }

  private static double margin(double[] x, double[] w, double b) {
    double m = b;
    for (int j = 0; j < w.length; j++) {
      m += w[j] * x[j];
    }
    return m;
  }

  /** The same rows with the labels −1 instead of 0. */
  public Rows plusMinusOne() {
    double[] yy = y.clone();
    for (int i = 0; i < yy.length; i++) {
      yy[i] = yy[i] > 0 ? 1.0 : -1.0;
    }
    return new Rows(x, yy, w);
  }

  public Rows withWeights(double[] weights) {
    return new Rows(x, y, weights);
  }

  /** Values as the files hold them: 6 decimals, so text and Parquet carry the same numbers. */
  static double round(double v) {
    return Math.round(v * 1e6) / 1e6;
  }

  /** LIBSVM (every feature written), or CSV with header label,x1..xd[,weight] for a .csv name. */
  public Path write(Path file) throws IOException {
    boolean csv = file.toString().endsWith(".csv");
    List<String> lines = new ArrayList<>();
    if (csv) {
      StringBuilder h = new StringBuilder("label");
      for (int j = 1; j <= d(); j++) {
        h.append(",x").append(j);
      }
      if (w != null) {
        h.append(",weight");
      }
      lines.add(h.toString());
    }
    for (int i = 0; i < n(); i++) {
      StringBuilder sb = new StringBuilder().append(y[i]);
      for (int j = 0; j < d(); j++) {
        sb.append(csv ? "," : " " + (j + 1) + ":").append(x[i][j]);
      }
      if (csv && w != null) {
        sb.append(',').append(w[i]);
      }
      lines.add(sb.toString());
    }
    Files.write(file, lines, StandardCharsets.UTF_8);
    return file;
  }

  /** label, features (a Spark ML dense Vector) and, with weights, weight. */
  public Dataset<Row> vectorFrame(SparkSession spark) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n(); i++) {
      rows.add(w == null ? RowFactory.create(y[i], Vectors.dense(x[i]))
          : RowFactory.create(y[i], Vectors.dense(x[i]), w[i]));
    }
    List<StructField> f = new ArrayList<>(List.of(
        DataTypes.createStructField("label", DataTypes.DoubleType, false),
        DataTypes.createStructField("features", new VectorUDT(), false)));
    if (w != null) {
      f.add(DataTypes.createStructField("weight", DataTypes.DoubleType, false));
    }
    return spark.createDataFrame(rows, new StructType(f.toArray(new StructField[0])));
  }

  /** label, x1..xd as numeric columns and, with weights, weight. */
  public Dataset<Row> columnFrame(SparkSession spark) {
    List<Row> rows = new ArrayList<>();
    List<StructField> f = new ArrayList<>();
    f.add(DataTypes.createStructField("label", DataTypes.DoubleType, false));
    for (int j = 1; j <= d(); j++) {
      f.add(DataTypes.createStructField("x" + j, DataTypes.DoubleType, false));
    }
    if (w != null) {
      f.add(DataTypes.createStructField("weight", DataTypes.DoubleType, false));
    }
    for (int i = 0; i < n(); i++) {
      Object[] v = new Object[f.size()];
      v[0] = y[i];
      for (int j = 0; j < d(); j++) {
        v[j + 1] = x[i][j];
      }
      if (w != null) {
        v[d() + 1] = w[i];
      }
      rows.add(RowFactory.create(v));
    }
    return spark.createDataFrame(rows, new StructType(f.toArray(new StructField[0])));
  }

  /** Writes {@code frame} as a directory of {@code parts} Parquet files. */
  public static Path writeParquet(Dataset<Row> frame, Path dir, int parts) {
    frame.repartition(parts).write().parquet(dir.toString());
    return dir;
  }
}
