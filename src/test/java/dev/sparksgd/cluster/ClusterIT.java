package dev.sparksgd.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.sparksgd.data.SharedArray;
import dev.sparksgd.testing.DefaultLineOnly;
import dev.sparksgd.testing.Hang;
import dev.sparksgd.testing.Submit;
import dev.sparksgd.testing.TestData;
import dev.sparksgd.train.Trainer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Training on a real Spark standalone cluster (one Master, two Workers with one core each, all on
 * 127.0.0.1, started by src/test/cluster/local-cluster.sh) through {@code ./submit.sh --master
 * spark://...}: the model is bit-identical to local mode with the same seed and partitioning, also
 * when a task fails and is retried and when a worker is killed with kill -9 in the middle; with the
 * driver in the cluster too ({@code --deploy-mode cluster}), where a failed training is a non-zero
 * exit of submit.sh and a killed {@code --supervise}d driver is restarted by its worker and resumes
 * from its checkpoint.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {
  static final Path TARGET = Submit.PROJECT_DIR.resolve("target");
  static final Path CLUSTER_DIR = TARGET.resolve("cluster-it");
  static final Path WORK = TARGET.resolve("cluster-it-runs");
  static final Duration RUN_TIMEOUT = Hang.BOUND;
  static String masterUrl;
  static Path data;
  static long[] localModel;

  /**
   * Training options shared by every run here: mini-batches, so sampling is exercised too, rows
   * not on the driver (--prefetch-mb 0), and a partition per executor core, so that the iterations
   * run as a gang of long-running tasks (a job per iteration once a fault ends the gang, and in
   * cluster deploy mode, where the driver takes a worker's core).
   */
  static final List<String> TRAIN = List.of("--max-iter", "30", "--mini-batch-fraction", "0.3",
      "--step-size", "0.2", "--min-step-size", "0", "--tol", "0", "--seed", "5", "--num-partitions", "2",
      "--validation-fraction", "0.1");

  static Submit.Result cluster(String script) throws IOException, InterruptedException {
    return Submit.start(List.of("bash", Submit.PROJECT_DIR.resolve("src/test/cluster/local-cluster.sh").toString(), script),
        Map.of("LOCAL_CLUSTER_DIR", CLUSTER_DIR.toString(), "WORKERS", "2", "WORKER_CORES", "1",
            "WORKER_MEMORY", "1g", "START_TIMEOUT", Long.toString(Hang.BOUND.toSeconds())), WORK, "local-cluster-" + script, line -> { })
        .await(Hang.BOUND);
  }

  @BeforeAll
  static void startCluster() throws Exception {
    Files.createDirectories(WORK);
    // A cluster left running by an interrupted earlier run of this test (its own token only).
    cluster("stop");
    Submit.Result r = cluster("start");
    if (r.exitCode() != 0) {
      fail("src/test/cluster/local-cluster.sh start failed (logs in " + CLUSTER_DIR.resolve("logs") + "):\n"
          + r.describe());
    }
    masterUrl = Files.readString(CLUSTER_DIR.resolve("master-url")).trim();
    assertTrue(masterUrl.matches("spark://127\\.0\\.0\\.1:\\d+"), masterUrl);

    data = WORK.resolve("data.libsvm");
    TestData.write(data, 11, 6000, 8, 0.3, 0.5);
    Path out = WORK.resolve("local-model");
    Submit.Result local = train("local", out, List.of("--master", "local[2]"), Map.of(), line -> { });
    assertEquals(0, local.exitCode(), local.describe());
    localModel = TestData.modelBits(out);
  }

  @AfterAll
  static void stopCluster() throws Exception {
    Submit.Result r = cluster("stop");
    assertEquals(0, r.exitCode(), r.describe());
    assertFalse(Files.exists(CLUSTER_DIR.resolve("master.pid")));
  }

  static Submit.Result train(String name, Path out, List<String> sparkArgs, Map<String, String> env,
      Consumer<String> onLine) throws IOException, InterruptedException {
    return train(name, out, sparkArgs, env, onLine, "0");
  }

  static Submit.Result train(String name, Path out, List<String> sparkArgs, Map<String, String> env,
      Consumer<String> onLine, String prefetchMb) throws IOException, InterruptedException {
    return start(name, out, sparkArgs, env, onLine, prefetchMb).await(RUN_TIMEOUT);
  }

  static Submit.Running start(String name, Path out, List<String> sparkArgs, Map<String, String> env,
      Consumer<String> onLine, String prefetchMb) throws IOException {
    List<String> args = new ArrayList<>(sparkArgs);
    args.addAll(List.of("--driver-memory", "512m", "--conf", "spark.ui.enabled=false",
        "--conf", "spark.local.dir=" + WORK.resolve("spark-local"),
        "train", "--data", data.toString(), "--output", out.toString(), "--overwrite"));
    args.addAll(TRAIN);
    args.addAll(List.of("--prefetch-mb", prefetchMb));
    return Submit.submit(env, WORK, name, onLine, args);
  }

  /** spark-submit options for the cluster: small executors, and wait for both before loading. */
  static List<String> onCluster(String... more) {
    List<String> a = new ArrayList<>(List.of("--master", masterUrl, "--executor-memory", "512m",
        "--conf", "spark.scheduler.minRegisteredResourcesRatio=1.0",
        "--conf", "spark.scheduler.maxRegisteredResourcesWaitingTime=120s"));
    a.addAll(Arrays.asList(more));
    return a;
  }

  static void assertRanOnTheCluster(Path out) throws IOException {
    assertEquals(masterUrl, TestData.json(out.resolve("metrics.json")).get("master").asText());
  }

  static final String GANG = "iterations run as a gang of 2 long-running tasks";
  static final String GANG_FAILED = "the gang of tasks failed";

  @Test
  @Order(1)
  void clusterModelIsBitIdenticalToLocalMode() throws Exception {
    Path out = WORK.resolve("cluster-model");
    Submit.Result r = train("cluster", out, onCluster(), Map.of(), line -> { });
    assertEquals(0, r.exitCode(), r.describe());
    assertRanOnTheCluster(out);
    assertTrue(r.err().contains(GANG) && !r.err().contains(GANG_FAILED), "the iterations ran as a gang:\n" + r.describe());
    assertArrayEquals(localModel, TestData.modelBits(out), "cluster vs local[2], same seed and 2 partitions");
  }

  /**
   * Results through the block manager from executors in other JVMs (every array result, by
   * {@code spark.sgd.blockResults.minBytes=0}: the gradient sums, and the mini-batches drawn ahead,
   * packed; and the whole training set fetched once for iterations on the driver): the same model.
   */
  @Test
  @Order(2)
  void blockResultsFromExecutorsGiveTheSameModel() throws Exception {
    // Rows drawn ahead by the executors (iterations on the driver and as a gang off: the rows would fit).
    Path out = WORK.resolve("cluster-block-results");
    Submit.Result r = train("cluster-block-results", out, onCluster("--conf", "spark.sgd.blockResults.minBytes=0",
        "--conf", "spark.sgd.driverIterations=false", "--conf", "spark.sgd.gangIterations=false"), Map.of(),
        line -> { }, "64");
    assertEquals(0, r.exitCode(), r.describe());
    assertRanOnTheCluster(out);
    assertTrue(r.err().contains("mini-batches drawn ahead"), "mini-batches were drawn ahead:\n" + r.describe());
    assertArrayEquals(localModel, TestData.modelBits(out), "cluster with block results vs local[2]");

    // The whole training set fetched from the executors once, the iterations on the driver.
    Path onDriver = WORK.resolve("cluster-driver-iterations");
    r = train("cluster-driver-iterations", onDriver, onCluster("--conf", "spark.sgd.blockResults.minBytes=0"),
        Map.of(), line -> { }, "64");
    assertEquals(0, r.exitCode(), r.describe());
    assertRanOnTheCluster(onDriver);
    assertTrue(r.err().contains("iterations run on the driver"), "iterations ran on the driver:\n" + r.describe());
    assertArrayEquals(localModel, TestData.modelBits(onDriver), "cluster, iterations on the driver, vs local[2]");
  }

  /** Also the SPARK_HOME path: the cluster's Maven-made SPARK_HOME has Spark's own launcher in bin/. */
  @Test
  @Order(3)
  void aFailedTaskIsRetriedOnTheClusterWithTheSameModel() throws Exception {
    Path out = WORK.resolve("cluster-retried");
    // The coefficients as a broadcast here (the other runs send them inside the task: they are small).
    Submit.Result r = train("cluster-retried", out,
        onCluster("--conf", "spark.task.maxFailures=4", "--conf", "spark.sgd.test.failTaskAtIteration=7",
            "--conf", SharedArray.CONF_INLINE_MAX_BYTES + "=-1"),
        Map.of("SPARK_HOME", CLUSTER_DIR.resolve("spark-home").toString()), line -> { });
    assertEquals(0, r.exitCode(), r.describe());
    assertTrue(r.err().contains("Lost task") && r.err().contains("injected task failure (spark.sgd.test.failTaskAtIteration=7)"),
        "the injected failure happened and was retried:\n" + r.err());
    // It hit the gang's task first: iteration 7 and the rest ran as jobs, whose first attempt failed again.
    assertTrue(r.err().contains("iteration 7: gradient: " + GANG_FAILED), r.err());
    assertRanOnTheCluster(out);
    assertArrayEquals(localModel, TestData.modelBits(out));
  }

  static final Pattern SUBMITTED = Pattern.compile("Driver successfully submitted as (driver-\\S+)");

  /** The work directory (stdout, stderr) of the driver that submit.sh's output names. */
  static Path driverDir(Submit.Result r) throws IOException {
    Matcher m = SUBMITTED.matcher(r.err());
    assertTrue(m.find(), "submit.sh names the driver it submitted:\n" + r.describe());
    try (Stream<Path> s = Files.list(CLUSTER_DIR.resolve("work"))) {
      return s.map(w -> w.resolve(m.group(1))).filter(Files::isDirectory).findFirst()
          .orElseThrow(() -> new AssertionError("no work directory of " + m.group(1) + " under " + CLUSTER_DIR.resolve("work")));
    }
  }

  /** The driver's JVM started by a worker of this cluster for the run writing to {@code out}. */
  static Optional<ProcessHandle> driverJvm(Path out) {
    String token;
    try {
      token = "SPARK_SGD_CLUSTER_TOKEN=" + Files.readString(CLUSTER_DIR.resolve("token")).trim();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return ProcessHandle.allProcesses().filter(p -> {
      List<String> args = Arrays.asList(p.info().arguments().orElse(new String[0]));
      if (!args.contains("org.apache.spark.deploy.worker.DriverWrapper") || !args.contains(out.toString())) {
        return false;
      }
      try {
        // Ours only: the worker's environment (with this cluster's token) is the driver's.
        byte[] env = Files.readAllBytes(Path.of("/proc", Long.toString(p.pid()), "environ"));
        return Arrays.asList(new String(env, StandardCharsets.UTF_8).split("\0")).contains(token);
      } catch (IOException e) {
        return false; // it has just ended
      }
    }).findFirst();
  }

  @Test
  @Order(4)
  void clusterDeployModeModelIsBitIdenticalToLocalMode() throws Exception {
    Path out = WORK.resolve("cluster-mode-model");
    Submit.Result r = train("cluster-mode", out, onCluster("--deploy-mode", "cluster"), Map.of(), line -> { });
    assertEquals(0, r.exitCode(), r.describe());
    assertTrue(r.out().stream().noneMatch(l -> l.startsWith("iter ")), "the driver's progress is not submit.sh's:\n" + r.describe());
    Path driver = driverDir(r);
    assertTrue(Files.readAllLines(driver.resolve("stdout")).stream().anyMatch(l -> l.startsWith("iter 30/30")),
        "the driver on the worker trained: " + driver);
    assertRanOnTheCluster(out);
    assertArrayEquals(localModel, TestData.modelBits(out), "driver in the cluster vs local[2]");
  }

  /** Through SPARK_HOME (Spark's own launcher) too: spark-submit itself exits 0 for a FAILED driver. */
  @Test
  @Order(5)
  void aFailingDriverInClusterModeIsANonZeroExitOfSubmitSh() throws Exception {
    Path out = WORK.resolve("cluster-mode-failed");
    Path missing = WORK.resolve("no-such-data.libsvm");
    List<String> args = new ArrayList<>(onCluster("--deploy-mode", "cluster"));
    args.addAll(List.of("--driver-memory", "512m", "--conf", "spark.ui.enabled=false",
        "train", "--data", missing.toString(), "--output", out.toString(), "--overwrite"));
    Submit.Result r = Submit.submit(Map.of("SPARK_HOME", CLUSTER_DIR.resolve("spark-home").toString()), WORK,
        "cluster-mode-failed", line -> { }, args).await(RUN_TIMEOUT);
    assertEquals(1, r.exitCode(), r.describe());
    assertTrue(r.err().contains("State of driver driver-") && r.err().contains(" is FAILED"), r.describe());
    assertTrue(r.err().lines().anyMatch(l -> l.startsWith("submit.sh: driver driver-") && l.contains(" ended FAILED")), r.describe());
    String driverErr = Files.readString(driverDir(r).resolve("stderr"));
    assertTrue(driverErr.contains("spark-sgd: error:") && driverErr.contains(missing.toString()),
        "the driver failed on the missing input (exit code 2):\n" + driverErr);
    assertFalse(Files.exists(out));
  }

  /**
   * {@code --supervise} with {@code --checkpoint-dir} and {@code --resume}: the driver's JVM on the
   * worker is killed with kill -9 once a checkpoint after iteration 4 or later exists; the worker
   * starts it again, it resumes from its newest checkpoint, and submit.sh exits 0 with the model
   * of an uninterrupted run.
   */
  @Test
  @Order(6)
  @DefaultLineOnly
  void aKilledSupervisedDriverIsRestartedAndResumesToTheSameBits() throws Exception {
    Path out = WORK.resolve("cluster-mode-supervised");
    Path ck = WORK.resolve("cluster-mode-checkpoints");
    for (Path p : List.of(out, ck)) {
      if (Files.exists(p)) {
        try (Stream<Path> s = Files.walk(p)) {
          s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
      }
    }
    List<String> args = new ArrayList<>(onCluster("--deploy-mode", "cluster", "--supervise"));
    args.addAll(List.of("--driver-memory", "512m", "--conf", "spark.ui.enabled=false",
        "--conf", "spark.local.dir=" + WORK.resolve("spark-local"),
        "train", "--data", data.toString(), "--output", out.toString(), "--overwrite"));
    args.addAll(TRAIN);
    args.addAll(List.of("--prefetch-mb", "0", "--checkpoint-dir", ck.toString(), "--checkpoint-interval", "2", "--resume"));
    Submit.Running submit = Submit.submit(Map.of(), WORK, "cluster-mode-supervised", line -> { }, args);

    long deadline = System.nanoTime() + RUN_TIMEOUT.toNanos();
    ProcessHandle first = null;
    int at = -1;
    while (at < 4) {
      if (!submit.process.isAlive()) {
        fail("the run ended before a checkpoint after iteration 4 appeared:\n" + submit.await(RUN_TIMEOUT).describe());
      }
      if (System.nanoTime() > deadline) {
        fail("no checkpoint after iteration 4 within " + RUN_TIMEOUT + ":\n" + submit.await(Duration.ZERO).describe());
      }
      if (first == null) {
        first = driverJvm(out).orElse(null);
      }
      Thread.sleep(5);
      at = DriverRestartIT.newestCheckpoint(ck);
    }
    assertNotNull(first, "the driver's JVM was found on the worker");
    Process kill = new ProcessBuilder("kill", "-9", Long.toString(first.pid())).inheritIO().start();
    assertEquals(0, kill.waitFor());
    int killedAt = DriverRestartIT.newestCheckpoint(ck);
    assertTrue(killedAt < 30, "killed mid-run, newest checkpoint after iteration " + killedAt);

    Submit.Result r = submit.await(RUN_TIMEOUT);
    assertEquals(0, r.exitCode(), r.describe());
    assertFalse(first.isAlive());
    String driverErr = Files.readString(driverDir(r).resolve("stderr"));
    Matcher resumed = Pattern.compile("resuming after iteration (\\d+) from ").matcher(driverErr);
    assertTrue(resumed.find(), "the restarted driver resumed:\n" + driverErr);
    assertTrue(Integer.parseInt(resumed.group(1)) >= killedAt, "resumed after iteration " + resumed.group(1)
        + ", the newest checkpoint at the kill was " + killedAt);
    assertRanOnTheCluster(out);
    assertArrayEquals(localModel, TestData.modelBits(out), "restarted and resumed vs local[2] uninterrupted");
    assertEquals(TestData.historyWithoutMillis(WORK.resolve("local-model")), TestData.historyWithoutMillis(out));
  }

  static final Pattern ITER_LINE = Pattern.compile("iter (\\d+)/30 ");

  /** Last: afterwards the cluster has one worker left. */
  @Test
  @Order(7)
  void losingAWorkerMidTrainingGivesTheSameModel() throws Exception {
    long workerPid = Long.parseLong(Files.readString(CLUSTER_DIR.resolve("worker-1.pid")).trim());
    ProcessHandle worker = ProcessHandle.of(workerPid).orElseThrow(() -> new AssertionError("worker 1 is not running"));
    assertTrue(worker.info().arguments().map(a -> String.join(" ", a)).orElse("")
        .contains("org.apache.spark.deploy.worker.Worker"), "pid " + workerPid + " is the worker");
    Path out = WORK.resolve("cluster-worker-lost");
    // Partition 0's gang task holds iteration 12 until Spark kills it: the worker dies while the
    // gang serves the run (its iterations are too quick to aim a kill at otherwise).
    Path marker = WORK.resolve("cluster-worker-lost.stalled");
    Files.deleteIfExists(marker);
    Submit.Running run = start("cluster-worker-lost", out, onCluster("--conf", Trainer.STALL_GANG_AT_ITERATION + "=12",
        "--conf", Trainer.STALL_MARKER + "=" + marker), Map.of(), line -> { }, "0");
    long deadline = System.nanoTime() + RUN_TIMEOUT.toNanos();
    while (!Files.exists(marker) && run.process.isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(50); // polling for the marker, the condition
    }
    boolean stalled = Files.exists(marker);
    if (stalled) {
      Process kill = new ProcessBuilder("kill", "-9", Long.toString(workerPid)).inheritIO().start();
      assertEquals(0, kill.waitFor());
    }
    Submit.Result r = run.await(RUN_TIMEOUT);
    assertTrue(stalled, "the gang's task never stalled at iteration 12:\n" + r.describe());
    assertEquals(0, r.exitCode(), r.describe());
    assertFalse(worker.isAlive(), "worker 1 was killed");
    assertTrue(r.out().stream().anyMatch(l -> l.startsWith("iter 30/30")), "training went on after the kill:\n"
        + r.describe());
    assertTrue(r.err().contains("iteration 12: gradient: " + GANG_FAILED), "iteration 12 on ran as jobs:\n" + r.err());
    // The driver saw the executor go. (Whether Spark also logs "No more replicas available for
    // rdd_…" depends on whether the scheduler had put cached blocks on the killed executor, which
    // varies from run to run; the model's bits below are what must not vary.)
    assertTrue(r.err().contains("Lost executor"), r.err());
    assertRanOnTheCluster(out);
    assertArrayEquals(localModel, TestData.modelBits(out), "after losing a worker mid-training");
  }
}
