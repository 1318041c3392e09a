package dev.sparksgd.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sparksgd.testing.SparkTestSession;
import dev.sparksgd.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.mllib.linalg.Vector;
import org.apache.spark.mllib.linalg.Vectors;
import org.apache.spark.mllib.optimization.GradientDescent;
import org.apache.spark.mllib.optimization.LeastSquaresGradient;
import org.apache.spark.mllib.optimization.SimpleUpdater;
import org.apache.spark.mllib.regression.LabeledPoint;
import org.apache.spark.mllib.util.MLUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.Tuple2;

/**
 * With inverse-sqrt, no intercept, the optimizer on the raw features (no preconditioning) and
 * fraction 1.0, our update is exactly MLlib's GradientDescent with LeastSquaresGradient and
 * SimpleUpdater.
 */
class MllibEquivalenceTest {
  @TempDir
  Path tmp;

  @Test
  void twentyIterationsMatchRunMiniBatchSgd() throws Exception {
    int d = 7;
    Path data = tmp.resolve("data.libsvm");
    TestData.write(data, 5, 800, d, 0.2, 0.0);
    double step = 0.3;
    int iters = 20;

    Path out = tmp.resolve("model");
    TestData.Run run = TestData.cli("train", "--data", data.toString(), "--output", out.toString(),
        "--lr-schedule", "inverse-sqrt", "--step-size", String.valueOf(step), "--fit-intercept", "false",
        "--standardization", "false", "--precondition", "false", "--mini-batch-fraction", "1.0", "--max-iter", String.valueOf(iters),
        "--tol", "0", "--min-step-size", "0", "--num-partitions", "2");
    assertEquals(0, run.exitCode(), run.err());
    double[] ours = TestData.weights(out);

    JavaSparkContext sc = SparkTestSession.jsc();
    JavaRDD<LabeledPoint> points = MLUtils.loadLibSVMFile(sc.sc(), data.toString()).toJavaRDD();
    JavaRDD<Tuple2<Object, Vector>> pairs = points.map(p -> new Tuple2<>((Object) p.label(), p.features()));
    pairs.cache();
    Tuple2<Vector, double[]> mllib = GradientDescent.runMiniBatchSGD(pairs.rdd(), new LeastSquaresGradient(),
        new SimpleUpdater(), step, iters, 0.0, 1.0, Vectors.zeros(d), 0.0);
    double[] theirs = mllib._1().toArray();

    assertEquals(d, ours.length);
    for (int j = 0; j < d; j++) {
      assertEquals(theirs[j], ours[j], 1e-9, "weight " + j);
    }
    // MLlib's loss history is the batch loss before each update, as ours.
    var lines = Files.readAllLines(out.resolve("history.csv"));
    double[] losses = mllib._2();
    for (int i = 0; i < iters; i++) {
      double loss = Double.parseDouble(lines.get(i + 1).split(",")[1]);
      assertEquals(losses[i], loss, 1e-9 * Math.max(1, Math.abs(losses[i])), "loss of iteration " + (i + 1));
    }
    pairs.unpersist();
  }
}
