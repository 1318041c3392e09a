package dev.sparksgd.testing;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs {@code dev.sparksgd.cli.Main} in a JVM of its own, as submit.sh would (the project's
 * conf/log4j2.properties, a fresh Spark), to see exactly what a user sees on stdout and stderr.
 * Costs a JVM and a Spark start (several seconds): for the few tests about the real console.
 */
public final class ChildJvm {
  private ChildJvm() {
  }

  public record Result(int exitCode, String out, String err) {
    /**
     * The lines of stderr after the JVM's own notice "WARNING: Using incubator modules:
     * jdk.incubator.vector", which every JVM started with that module prints first (submit.sh adds
     * it for the Vector API kernels, Spark 4's launcher for its own), before any code of ours runs.
     */
    public List<String> errLines() {
      List<String> lines = err.strip().lines().toList();
      return !lines.isEmpty() && lines.get(0).startsWith("WARNING: Using incubator modules:")
          ? lines.subList(1, lines.size()) : lines;
    }
  }

  public static Path projectDir() {
    return Path.of(System.getProperty("spark.sgd.project.dir", ".")).toAbsolutePath();
  }

  /** @param jvmOptions extra -D options (e.g. Spark conf as system properties) */
  public static Result run(Path workDir, List<String> jvmOptions, String... args)
      throws IOException, InterruptedException {
    List<String> cmd = command(jvmOptions, args);
    File out = workDir.resolve("child.out").toFile();
    File err = workDir.resolve("child.err").toFile();
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile())
        .redirectOutput(out).redirectError(err);
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    Process p = pb.start();
    if (!p.waitFor(Hang.BOUND.toSeconds(), TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("child JVM did not finish within " + Hang.BOUND + ": " + cmd);
    }
    return new Result(p.exitValue(), Files.readString(out.toPath(), StandardCharsets.UTF_8),
        Files.readString(err.toPath(), StandardCharsets.UTF_8));
  }

  /**
   * Starts the child and returns at once: {@code onLine} sees each stdout line as it comes (a test
   * can react to a progress line or signal the process); stdout and stderr are kept in
   * {@code workDir/name.out} and {@code .err}.
   */
  public static Submit.Running start(Path workDir, String name, List<String> jvmOptions,
      Consumer<String> onLine, String... args) throws IOException {
    return Submit.start(command(jvmOptions, args), workDir, Map.of("SPARK_LOCAL_IP", "127.0.0.1"), workDir, name,
        onLine);
  }

  private static List<String> command(List<String> jvmOptions, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // The JVM flags of the Spark line under test (the pom's spark.java.options, which surefire
    // passes), else the module options this JVM was started with.
    String lineOptions = System.getProperty("spark.sgd.java.options", "").trim();
    if (!lineOptions.isEmpty()) {
      cmd.addAll(List.of(lineOptions.split("\\s+")));
    } else {
      for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
        if (a.startsWith("--add-opens") || a.startsWith("-XX:+IgnoreUnrecognizedVMOptions")
            || a.startsWith("-Djdk.reflect")) {
          cmd.add(a);
        }
      }
    }
    cmd.add("-Xmx768m");
    cmd.add("-Dlog4j2.configurationFile=file:" + projectDir().resolve("conf/log4j2.properties"));
    cmd.add("-Dspark.master=local[2]");
    cmd.add("-Dspark.ui.enabled=false");
    cmd.add("-Dspark.driver.host=127.0.0.1");
    cmd.add("-Dspark.driver.bindAddress=127.0.0.1");
    cmd.addAll(jvmOptions);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("dev.sparksgd.cli.Main");
    cmd.addAll(List.of(args));
    return cmd;
  }
}
