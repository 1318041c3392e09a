package dev.sparksgd.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.sparksgd.testing.DefaultLineOnly;
import dev.sparksgd.testing.Hang;
import dev.sparksgd.testing.Submit;
import dev.sparksgd.testing.TestData;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.hadoop.yarn.api.records.ApplicationReport;
import org.apache.hadoop.yarn.api.records.FinalApplicationStatus;
import org.apache.hadoop.yarn.api.records.YarnApplicationState;
import org.apache.hadoop.yarn.client.api.YarnClient;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.server.MiniYARNCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Training on YARN: Hadoop's MiniYARNCluster (a ResourceManager and one NodeManager in this JVM, on
 * 127.0.0.1; the NodeManager starts each container as a process of its own) and
 * {@code ./submit.sh --master yarn} in client and cluster deploy mode, without a Spark
 * distribution (spark-yarn from Maven on submit.sh's classpath; the cluster's configuration in
 * HADOOP_CONF_DIR). The model is bit-identical to local mode, in cluster mode with the iterations
 * as a gang of long-running tasks (the default on a cluster master), also when an executor's container is
 * killed with kill -9 and when the application's first attempt (the driver, in cluster mode) is
 * killed and YARN's second attempt resumes from the checkpoint; submit.sh's exit code agrees with
 * the application's final status in YARN.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class YarnIT {
  static final Path WORK = Submit.PROJECT_DIR.resolve("target/yarn-it");
  static final Duration RUN_TIMEOUT = Hang.BOUND;
  /** In the environment of every container of this test's applications: finds them, and only them. */
  static final String TOKEN = "SPARK_SGD_YARN_TOKEN=" + UUID.randomUUID();
  static MiniYARNCluster yarn;
  static YarnClient client;
  static Path hadoopConf;
  static Path data;
  static long[] localModel;

  @BeforeAll
  static void startYarn() throws Exception {
    deleteTree(WORK);
    deleteTree(Submit.PROJECT_DIR.resolve("target/test/data/YarnIT")); // an earlier run's cluster
    Files.createDirectories(WORK);
    YarnConfiguration conf = new YarnConfiguration();
    conf.set(YarnConfiguration.RM_HOSTNAME, "127.0.0.1");
    conf.set(YarnConfiguration.RM_BIND_HOST, "127.0.0.1");
    conf.set(YarnConfiguration.NM_BIND_HOST, "127.0.0.1");
    // One NodeManager with room for an ApplicationMaster and two executors (512 MiB + 384 MiB
    // overhead each); memory is not policed (the JVMs' virtual sizes would trip the checks).
    conf.setInt(YarnConfiguration.NM_PMEM_MB, 4096);
    conf.setInt(YarnConfiguration.NM_VCORES, 4);
    conf.setInt(YarnConfiguration.RM_SCHEDULER_MINIMUM_ALLOCATION_MB, 128);
    conf.setBoolean(YarnConfiguration.NM_PMEM_CHECK_ENABLED, false);
    conf.setBoolean(YarnConfiguration.NM_VMEM_CHECK_ENABLED, false);
    conf.set("yarn.nodemanager.disk-health-checker.max-disk-utilization-per-disk-percentage", "100.0");
    // The containers' java: this JVM's (the NodeManager passes on JAVA_HOME only if it has one).
    conf.set(YarnConfiguration.NM_ADMIN_USER_ENV, "JAVA_HOME=" + System.getProperty("java.home"));
    // hadoop-client-minicluster has no capacity-scheduler.xml: one queue, all of the cluster.
    conf.set("yarn.scheduler.capacity.root.queues", "default");
    conf.setInt("yarn.scheduler.capacity.root.default.capacity", 100);
    conf.setInt("yarn.scheduler.capacity.root.default.maximum-capacity", 100);
    conf.setFloat("yarn.scheduler.capacity.root.default.user-limit-factor", 1);
    conf.set("yarn.scheduler.capacity.root.default.state", "RUNNING");
    conf.set("yarn.scheduler.capacity.root.default.acl_submit_applications", "*");
    conf.set("yarn.scheduler.capacity.root.default.acl_administer_queue", "*");
    conf.setInt("yarn.scheduler.capacity.node-locality-delay", -1);
    yarn = new MiniYARNCluster("YarnIT", 1, 1, 1);
    yarn.init(conf);
    yarn.start();
    // start() can return before the ResourceManager has written its port into the configuration.
    long deadline = System.nanoTime() + Hang.BOUND.toNanos();
    while (yarn.getConfig().get(YarnConfiguration.RM_ADDRESS).endsWith(":0")) {
      if (System.nanoTime() > deadline) {
        fail("the ResourceManager did not publish its address: " + yarn.getConfig().get(YarnConfiguration.RM_ADDRESS));
      }
      Thread.sleep(50);
    }
    assertTrue(yarn.waitForNodeManagersToConnect(Hang.BOUND.toMillis()), "the NodeManager registered");

    // What a user's HADOOP_CONF_DIR holds: the cluster's addresses, and file:/// as the default
    // filesystem (the staging directory, the output and the checkpoints are local paths).
    hadoopConf = WORK.resolve("hadoop-conf");
    Files.createDirectories(hadoopConf);
    Path site = hadoopConf.resolve("yarn-site.xml");
    Path tmp = hadoopConf.resolve(".yarn-site.xml.tmp");
    try (OutputStream out = Files.newOutputStream(tmp)) {
      yarn.getConfig().writeXml(out);
    }
    Files.move(tmp, site, StandardCopyOption.ATOMIC_MOVE);

    client = YarnClient.createYarnClient();
    client.init(yarn.getConfig());
    client.start();

    data = WORK.resolve("data.libsvm");
    TestData.write(data, 11, 6000, 8, 0.3, 0.5);
    Path out = WORK.resolve("local-model");
    Submit.Result local = Submit.submit(Map.of(), WORK, "local", line -> { }, trainArgs(List.of("--master", "local[2]"), out))
        .await(RUN_TIMEOUT);
    assertEquals(0, local.exitCode(), local.describe());
    localModel = TestData.modelBits(out);
  }

  @AfterAll
  static void stopYarn() throws Exception {
    try {
      if (client != null) {
        client.stop();
      }
    } finally {
      if (yarn != null) {
        yarn.stop();
      }
    }
    // The NodeManager stops its containers; any left (a crashed stop) are ended by PID.
    List<ProcessHandle> left = ours("").toList();
    left.forEach(ProcessHandle::destroyForcibly);
    assertEquals(List.of(), left.stream().map(p -> p.pid() + " " + p.info().commandLine().orElse("")).toList(),
        "no container process outlives the cluster");
  }

  /**
   * The training options ClusterIT uses too: 30 iterations, mini-batches, one job per iteration (not
   * as a gang of long-running tasks: the faults here hit jobs).
   */
  static List<String> trainArgs(List<String> sparkArgs, Path out, String... more) {
    return trainArgs(sparkArgs, "false", out, more);
  }

  /** {@link #trainArgs} with {@code spark.sgd.gangIterations} set to {@code gang}. */
  static List<String> trainArgs(List<String> sparkArgs, String gang, Path out, String... more) {
    List<String> a = new ArrayList<>(sparkArgs);
    a.addAll(List.of("--driver-memory", "512m", "--conf", "spark.ui.enabled=false",
        "--conf", "spark.sgd.gangIterations=" + gang,
        "train", "--data", data.toString(), "--output", out.toString(), "--overwrite"));
    a.addAll(ClusterIT.TRAIN);
    a.addAll(List.of("--prefetch-mb", "0"));
    a.addAll(Arrays.asList(more));
    return a;
  }

  /**
   * spark-submit options for this cluster; {@code name} names the application in YARN. Spark's jars
   * reach the containers as {@code local:} paths (the NodeManager runs on this machine, where the
   * Maven jars are), so that nothing is copied to the staging directory or localized:
   * submit.sh's default ships the build's 170 jars (about 265 MB) on each submission, which costs
   * a minute or more here and is run once, by {@link #clusterModeModelIsBitIdenticalToLocalMode}.
   */
  static List<String> onYarn(String deployMode, String name, int executors, int maxAttempts) throws IOException {
    List<String> a = new ArrayList<>(onYarnShippingJars(deployMode, name, executors, maxAttempts));
    String jars = Arrays.stream(Files.readString(Submit.PROJECT_DIR.resolve("target/scala-" + Submit.SCALA + "/spark-classpath.txt")).trim().split(":"))
        .map(j -> "local:" + j).collect(Collectors.joining(","));
    a.addAll(List.of("--conf", "spark.yarn.jars=" + jars));
    return a;
  }

  /** {@link #onYarn} with submit.sh's default spark.yarn.jars: the build's jars, shipped. */
  static List<String> onYarnShippingJars(String deployMode, String name, int executors, int maxAttempts) {
    return List.of("--master", "yarn", "--deploy-mode", deployMode, "--name", name,
        "--num-executors", Integer.toString(executors), "--executor-cores", "1", "--executor-memory", "512m",
        "--conf", "spark.yarn.am.memory=512m",
        // on the default filesystem (file:///): under target/, not in the user's home directory
        "--conf", "spark.yarn.stagingDir=" + WORK.resolve("staging"),
        "--conf", "spark.yarn.maxAppAttempts=" + maxAttempts,
        "--conf", "spark.yarn.appMasterEnv." + TOKEN,
        "--conf", "spark.executorEnv." + TOKEN,
        // Spark in the containers binds to loopback only, as submit.sh's driver does.
        "--conf", "spark.yarn.appMasterEnv.SPARK_LOCAL_IP=127.0.0.1",
        "--conf", "spark.executorEnv.SPARK_LOCAL_IP=127.0.0.1");
  }

  static Submit.Running submit(String name, List<String> args, Consumer<String> onLine) throws IOException {
    return Submit.submit(Map.of("HADOOP_CONF_DIR", hadoopConf.toString()), WORK, name, onLine, args);
  }

  /** The application named {@code name}, as YARN's ResourceManager reports it. */
  /**
   * The application named {@code name}, once it has ended. In client mode submit.sh returns when
   * the driver does; the ApplicationMaster then unregisters on its own, a moment later, and the
   * application is RUNNING (final status UNDEFINED) until it has.
   */
  static ApplicationReport app(String name) throws Exception {
    Set<YarnApplicationState> ended = EnumSet.of(YarnApplicationState.FINISHED, YarnApplicationState.FAILED,
        YarnApplicationState.KILLED);
    long deadline = System.nanoTime() + Hang.BOUND.toNanos();
    while (true) {
      List<ApplicationReport> apps = client.getApplications(EnumSet.allOf(YarnApplicationState.class)).stream()
          .filter(a -> a.getName().equals(name)).toList();
      assertEquals(1, apps.size(), "one application named " + name + ": " + apps);
      ApplicationReport app = apps.get(0);
      if (ended.contains(app.getYarnApplicationState()) || System.nanoTime() > deadline) {
        return app;
      }
      Thread.sleep(200);
    }
  }

  /** Live processes of this test's containers whose command line contains {@code part}. */
  static Stream<ProcessHandle> ours(String part) {
    return ProcessHandle.allProcesses().filter(p -> {
      if (!String.join(" ", p.info().arguments().orElse(new String[0])).contains(part)) {
        return false;
      }
      try {
        byte[] env = Files.readAllBytes(Path.of("/proc", Long.toString(p.pid()), "environ"));
        return Arrays.asList(new String(env, StandardCharsets.UTF_8).split("\0")).contains(TOKEN);
      } catch (IOException e) {
        return false; // it has just ended
      }
    });
  }

  static void kill9(ProcessHandle p) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-9", Long.toString(p.pid())).inheritIO().start();
    assertEquals(0, kill.waitFor());
  }

  /**
   * Every container log file of the application, concatenated (the NodeManager's log directory).
   * The NodeManager deletes an ended application's private directories while the walk runs, so a
   * file or directory that vanishes under it is passed over.
   */
  static String containerLogs(ApplicationReport app, String file) throws IOException {
    // MiniYARNCluster's directories: target/test/data/YarnIT/yarn-NNN/YarnIT-logDir-nm-0_0/APP/CONTAINER/
    List<Path> found = new ArrayList<>();
    Files.walkFileTree(Submit.PROJECT_DIR.resolve("target/test/data/YarnIT"), new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path p, BasicFileAttributes attrs) {
        if (p.getFileName().toString().equals(file) && p.toString().contains("-logDir-")
            && p.toString().contains("/" + app.getApplicationId() + "/")) {
          found.add(p);
        }
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFileFailed(Path p, IOException e) throws IOException {
        if (e instanceof NoSuchFileException) {
          return FileVisitResult.CONTINUE;
        }
        throw e;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
        if (e != null && !(e instanceof NoSuchFileException)) {
          throw e;
        }
        return FileVisitResult.CONTINUE;
      }
    });
    Collections.sort(found);
    StringBuilder sb = new StringBuilder();
    for (Path p : found) {
      try {
        String text = Files.readString(p);
        sb.append("==> ").append(p).append('\n').append(text);
      } catch (NoSuchFileException e) {
        // deleted by the NodeManager between the walk and the read
      }
    }
    return sb.toString();
  }

  static void deleteTree(Path p) throws IOException {
    if (Files.exists(p)) {
      try (Stream<Path> s = Files.walk(p)) {
        s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }

  /**
   * Client mode: the driver in submit.sh's JVM, two executors in containers; one executor's JVM is
   * killed with kill -9 at an iteration from 3 to 20, and YARN's container for it ends. Spark
   * reruns its tasks on the other executor: the same model, bit for bit.
   */
  @Test
  @Order(1)
  @DefaultLineOnly
  void clientModeLosingAnExecutorContainerGivesTheSameModel() throws Exception {
    String name = "yarn-client";
    Path out = WORK.resolve(name);
    AtomicReference<String> killed = new AtomicReference<>();
    Submit.Result r = submit(name, trainArgs(onYarn("client", name, 2, 1), out), line -> {
      Matcher m = ClusterIT.ITER_LINE.matcher(line);
      if (m.lookingAt() && Integer.parseInt(m.group(1)) >= 3 && Integer.parseInt(m.group(1)) <= 20 && killed.get() == null) {
        Optional<ProcessHandle> executor = ours("YarnCoarseGrainedExecutorBackend").findFirst();
        if (executor.isPresent()) {
          killed.set(executor.get().pid() + " at " + line);
          try {
            kill9(executor.get());
          } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
          }
        }
      }
    }).await(RUN_TIMEOUT);
    assertEquals(0, r.exitCode(), r.describe());
    assertNotNull(killed.get(), "an executor's container was killed mid-run:\n" + r.describe());
    assertTrue(r.err().contains("Lost executor"), "the driver saw the executor go:\n" + r.err());
    assertTrue(r.out().stream().anyMatch(l -> l.startsWith("iter 30/30")), r.describe());
    ApplicationReport app = app(name);
    assertEquals(FinalApplicationStatus.SUCCEEDED, app.getFinalApplicationStatus(), app.toString());
    assertEquals("yarn", TestData.json(out.resolve("metrics.json")).get("master").asText());
    assertArrayEquals(localModel, TestData.modelBits(out), "YARN client mode, an executor lost, vs local[2]");
  }

  /**
   * Cluster mode: the driver in YARN's ApplicationMaster container, with submit.sh's defaults (the
   * build's Spark jars shipped through the staging directory, as to a cluster elsewhere) and the
   * default iteration mode on a cluster master: two executors, a task slot for each partition, so
   * the iterations run as a gang of long-running tasks.
   */
  @Test
  @Order(2)
  void clusterModeModelIsBitIdenticalToLocalMode() throws Exception {
    String name = "yarn-cluster";
    Path out = WORK.resolve(name);
    Submit.Result r = submit(name, trainArgs(onYarnShippingJars("cluster", name, 2, 1), "auto", out), line -> { })
        .await(RUN_TIMEOUT);
    assertEquals(0, r.exitCode(), r.describe());
    ApplicationReport app = app(name);
    assertTrue(containerLogs(app, "launch_container.sh").contains("\"__spark_libs__/spark-core_"),
        "the containers ran with the jars submit.sh shipped");
    assertEquals(FinalApplicationStatus.SUCCEEDED, app.getFinalApplicationStatus(), app.toString());
    assertTrue(containerLogs(app, "stdout").lines().anyMatch(l -> l.startsWith("iter 30/30")),
        "the driver trained in the ApplicationMaster's container");
    String driverLog = containerLogs(app, "stderr");
    assertTrue(driverLog.contains(ClusterIT.GANG) && !driverLog.contains(ClusterIT.GANG_FAILED),
        "the iterations ran as a gang:\n" + driverLog);
    assertArrayEquals(localModel, TestData.modelBits(out), "YARN cluster mode vs local[2]");
  }

  /**
   * A training that fails (a bad record: exit code 2) is FAILED in YARN and exit code 2 of submit.sh
   * in both modes (in cluster mode read from YARN's diagnostics, in place of spark-submit's 1). The record is found while Spark reads the data, so the application exists in YARN
   * (a missing file is refused before Spark starts, and in client mode then no application is made).
   */
  @Test
  @Order(3)
  void aFailedTrainingIsFailedInYarnAndTheDriversExitCode() throws Exception {
    Path bad = WORK.resolve("bad-record.libsvm");
    Files.writeString(bad, "1.0 1:0.5 2:1.5\n2.0 1:not-a-number 2:1.0\n");
    for (String mode : List.of("cluster", "client")) {
      String name = "yarn-" + mode + "-failed";
      Path out = WORK.resolve(name);
      List<String> args = new ArrayList<>(onYarn(mode, name, 1, 1));
      args.addAll(List.of("--driver-memory", "512m", "--conf", "spark.ui.enabled=false",
          "train", "--data", bad.toString(), "--output", out.toString()));
      Submit.Result r = submit(name, args, line -> { }).await(RUN_TIMEOUT);
      ApplicationReport app = app(name);
      assertEquals(FinalApplicationStatus.FAILED, app.getFinalApplicationStatus(), mode + ": " + app + "\n" + r.describe());
      assertEquals(2, r.exitCode(), "the driver's own exit code (bad input), as in local mode:\n" + r.describe());
      if (mode.equals("cluster")) {
        assertTrue(app.getDiagnostics().contains("User application exited with status 2"), app.getDiagnostics());
        assertFalse(r.err().contains("\tat org.apache.spark"), "no stack trace of spark-submit's:\n" + r.err());
        assertTrue(r.err().lines().anyMatch(l -> l.startsWith("submit.sh: Application " + app.getApplicationId())
            && l.contains("the driver exited with code 2")), "one line says what ended:\n" + r.err());
      }
      assertFalse(Files.exists(out));
    }
  }

  static final Pattern RESUMED = Pattern.compile("resuming after iteration (\\d+) from ");

  /**
   * Cluster mode with {@code spark.yarn.maxAppAttempts=2}, {@code --checkpoint-dir} and
   * {@code --resume}: the first attempt's ApplicationMaster (the driver's JVM) is killed with
   * kill -9 once a checkpoint after iteration 4 or later exists; YARN starts the second attempt,
   * which resumes from the newest checkpoint and publishes the model of an uninterrupted run.
   */
  @Test
  @Order(4)
  @DefaultLineOnly
  void aKilledApplicationAttemptIsRetriedAndResumesToTheSameBits() throws Exception {
    String name = "yarn-cluster-retried";
    Path out = WORK.resolve(name);
    Path ck = WORK.resolve(name + "-checkpoints");
    deleteTree(ck);
    Submit.Running submit = submit(name, trainArgs(onYarn("cluster", name, 1, 2), out,
        "--checkpoint-dir", ck.toString(), "--checkpoint-interval", "2", "--resume"), line -> { });
    long deadline = System.nanoTime() + RUN_TIMEOUT.toNanos();
    ProcessHandle am = null;
    while (DriverRestartIT.newestCheckpoint(ck) < 4) {
      if (!submit.process.isAlive()) {
        fail("the run ended before a checkpoint after iteration 4 appeared:\n" + submit.await(RUN_TIMEOUT).describe());
      }
      if (System.nanoTime() > deadline) {
        fail("no checkpoint after iteration 4 within " + RUN_TIMEOUT);
      }
      if (am == null) {
        am = ours("org.apache.spark.deploy.yarn.ApplicationMaster").filter(p -> p.info().arguments()
            .map(a -> Arrays.asList(a).contains(out.toString())).orElse(false)).findFirst().orElse(null);
      }
      Thread.sleep(5);
    }
    assertNotNull(am, "the first attempt's ApplicationMaster JVM was found");
    kill9(am);
    int killedAt = DriverRestartIT.newestCheckpoint(ck);
    assertTrue(killedAt < 30, "killed mid-run, newest checkpoint after iteration " + killedAt);

    Submit.Result r = submit.await(RUN_TIMEOUT);
    assertEquals(0, r.exitCode(), r.describe());
    ApplicationReport app = app(name);
    assertEquals(FinalApplicationStatus.SUCCEEDED, app.getFinalApplicationStatus(), app.toString());
    assertEquals(2, client.getApplicationAttempts(app.getApplicationId()).size(), "a second attempt ran");
    Matcher resumed = RESUMED.matcher(containerLogs(app, "stderr"));
    assertTrue(resumed.find(), "the second attempt resumed from a checkpoint");
    assertTrue(Integer.parseInt(resumed.group(1)) >= killedAt,
        "resumed after iteration " + resumed.group(1) + ", the newest checkpoint at the kill was " + killedAt);
    assertArrayEquals(localModel, TestData.modelBits(out), "retried and resumed vs local[2] uninterrupted");
    assertEquals(TestData.historyWithoutMillis(WORK.resolve("local-model")), TestData.historyWithoutMillis(out));
  }
}
