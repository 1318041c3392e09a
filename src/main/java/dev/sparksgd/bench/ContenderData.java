package dev.sparksgd.bench;

import dev.sparksgd.data.DataLoader;
import dev.sparksgd.data.Generator;
import dev.sparksgd.data.ParsedRecord;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.mllib.linalg.Vector;
import org.apache.spark.mllib.linalg.Vectors;
import org.apache.spark.mllib.regression.LabeledPoint;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.Tuple2;

/**
 * The generated rows in each contender's own representation, made on the executors with the same
 * split as {@link DataLoader#fromGenerator}: partition p holds rows [n·p/P, n·(p+1)/P), so every
 * contender trains on the same numbers in the same partitions.
 */
final class ContenderData {
  private ContenderData() {
  }

  /** One row object from a generated record (whose arrays are reused: copy them). */
  interface RowMaker<T> extends Serializable {
    T make(ParsedRecord r, int numFeatures, boolean dense);
  }

  static <T> JavaRDD<T> rows(JavaSparkContext sc, Generator gen, long n, int parts, RowMaker<T> maker) {
    int d = gen.numFeatures();
    boolean dense = gen.isDense();
    return sc.parallelize(DataLoader.partitionIds(parts), parts).mapPartitions(it -> {
      List<T> out = new ArrayList<>();
      ParsedRecord rec = new ParsedRecord();
      while (it.hasNext()) {
        int p = it.next();
        for (long i = n * p / parts, end = n * (p + 1) / parts; i < end; i++) {
          gen.row(i, rec);
          out.add(maker.make(rec, d, dense));
        }
      }
      return out.iterator();
    });
  }

  static Vector mllibVector(ParsedRecord r, int d, boolean dense) {
    return dense ? Vectors.dense(Arrays.copyOf(r.values, r.nnz))
        : Vectors.sparse(d, Arrays.copyOf(r.indices, r.nnz), Arrays.copyOf(r.values, r.nnz));
  }

  /** What {@code GradientDescent.runMiniBatchSGD} takes: (label, features). */
  static JavaRDD<Tuple2<Object, Vector>> mllibPairs(JavaSparkContext sc, Generator gen, long n, int parts) {
    return rows(sc, gen, n, parts, (r, d, dense) -> new Tuple2<>((Object) r.label, mllibVector(r, d, dense)));
  }

  static JavaRDD<LabeledPoint> labeledPoints(JavaSparkContext sc, Generator gen, long n, int parts) {
    return rows(sc, gen, n, parts, (r, d, dense) -> new LabeledPoint(r.label, mllibVector(r, d, dense)));
  }

  /** spark.ml's input: a DataFrame of (label double, features ml Vector). */
  static Dataset<Row> dataFrame(SparkSession spark, Generator gen, long n, int parts) {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    JavaRDD<Row> rows = rows(sc, gen, n, parts, (r, d, dense) -> RowFactory.create(r.label,
        mllibVector(r, d, dense).asML()));
    StructType schema = new StructType()
        .add("label", DataTypes.DoubleType, false)
        .add("features", SQLDataTypes.VectorType(), false);
    return spark.createDataFrame(rows, schema);
  }
}
