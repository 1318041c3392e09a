package dev.sparksgd.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs project scripts ({@code ./submit.sh}, the cluster script) as child processes, the way a
 * user would: stdout is read line by line as it comes (a test can react to a progress line) and
 * kept in a log file with stderr next to it.
 */
public final class Submit {
  public static final Path PROJECT_DIR =
      Path.of(System.getProperty("spark.sgd.project.dir", ".")).toAbsolutePath().normalize();
  /** The Scala binary version of the Spark line under test (2.12: Spark 3.5, 2.13: Spark 4). */
  public static final String SCALA = System.getProperty("spark.sgd.scala.binary.version", "2.12");
  /** The application jar of the line under test, which submit.sh picks for that line. */
  public static final Path APP_JAR = PROJECT_DIR.resolve("target/spark-sgd-app_" + SCALA + ".jar");
  /** submit.sh's name of that line (SPARK_SGD_SPARK_LINE). */
  public static final String LINE = "2.12".equals(SCALA) ? "3.5" : "4";

  private Submit() {
  }

  /** A finished run: exit code, stdout lines, stderr text. */
  public record Result(int exitCode, List<String> out, String err) {
    public String describe() {
      return "exit " + exitCode + "\n--- stdout\n" + String.join("\n", out) + "\n--- stderr\n" + err;
    }
  }

  /** A running child. */
  public static final class Running {
    public final Process process;
    private final Thread reader;
    private final List<String> out;
    private final Path err;

    Running(Process process, Thread reader, List<String> out, Path err) {
      this.process = process;
      this.reader = reader;
      this.out = out;
      this.err = err;
    }

    /** Waits for the end (killing the child after {@code timeout}) and returns what it printed. */
    public Result await(Duration timeout) throws IOException, InterruptedException {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        // submit.sh's children too: it does not exec spark-submit when it waits for a driver.
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        reader.join(10_000);
        fail("did not finish within " + timeout + "; killed.\n" + result().describe());
      }
      reader.join(30_000);
      return result();
    }

    private Result result() throws IOException {
      synchronized (out) {
        return new Result(process.isAlive() ? -1 : process.exitValue(), new ArrayList<>(out),
            Files.readString(err, StandardCharsets.UTF_8));
      }
    }
  }

  /**
   * Starts {@code command} in the project directory with {@code env} added to (or, for a null
   * value, removed from) this JVM's environment. {@code onLine} sees each stdout line as it comes.
   */
  public static Running start(List<String> command, Map<String, String> env, Path logDir, String name,
      Consumer<String> onLine) throws IOException {
    return start(command, PROJECT_DIR, env, logDir, name, onLine);
  }

  /** As {@link #start(List, Map, Path, String, Consumer)}, in the working directory {@code dir}. */
  public static Running start(List<String> command, Path dir, Map<String, String> env, Path logDir, String name,
      Consumer<String> onLine) throws IOException {
    Files.createDirectories(logDir);
    Path outLog = logDir.resolve(name + ".out");
    Path errLog = logDir.resolve(name + ".err");
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .redirectError(errLog.toFile());
    env.forEach((k, v) -> {
      if (v == null) {
        pb.environment().remove(k);
      } else {
        pb.environment().put(k, v);
      }
    });
    Process p = pb.start();
    List<String> lines = Collections.synchronizedList(new ArrayList<>());
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
          PrintWriter w = new PrintWriter(Files.newBufferedWriter(outLog, StandardCharsets.UTF_8), true)) {
        String line;
        while ((line = r.readLine()) != null) {
          lines.add(line);
          w.println(line);
          onLine.accept(line);
        }
      } catch (IOException e) {
        lines.add("(reading stdout failed: " + e + ")");
      }
    }, "stdout of " + name);
    reader.setDaemon(true);
    reader.start();
    return new Running(p, reader, lines, errLog);
  }

  /** {@code ./submit.sh args...}, never rebuilding (the package phase built the jar). */
  public static Running submit(Map<String, String> env, Path logDir, String name, Consumer<String> onLine,
      List<String> args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("bash", PROJECT_DIR.resolve("submit.sh").toString()));
    cmd.addAll(args);
    Map<String, String> e = new java.util.HashMap<>();
    e.put("SPARK_SGD_SKIP_BUILD", "1");
    e.put("SPARK_SGD_SPARK_LINE", LINE);
    e.put("SPARK_HOME", null);
    e.put("SPARK_SGD_JAVA_OPTS", null);
    e.put("SPARK_LOCAL_IP", "127.0.0.1");
    e.putAll(env);
    if (!Files.isRegularFile(APP_JAR)) {
      fail(APP_JAR + " is missing: integration tests run after `mvn package` (mvn verify)");
    }
    return start(cmd, e, logDir, name, onLine);
  }

  public static Result run(Map<String, String> env, Path logDir, String name, Duration timeout, List<String> args)
      throws IOException, InterruptedException {
    return submit(env, logDir, name, line -> { }, args).await(timeout);
  }
}
