package dev.sparksgd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.sparksgd.testing.Hang;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import dev.sparksgd.testing.Submit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Checks the command line that submit.sh builds, using its dry-run mode (SPARK_SGD_DRY_RUN=1 prints
 * the command, one %q-quoted argument per line). No build, no Spark, no JVM started by the script.
 */
class SubmitScriptTest {

    private static final Path PROJECT_DIR =
            Path.of(System.getProperty("spark.sgd.project.dir", ".")).toAbsolutePath().normalize();
    private static final String SPARK_SUBMIT_CLASS = "org.apache.spark.deploy.SparkSubmit";
    private static final String MAIN = "dev.sparksgd.cli.Main";

    private record Result(int exitCode, List<String> command, String stderr) {}

    private static Result run(Map<String, String> extraEnv, Path cwd, Path script, String... args)
            throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of("bash", script.toString()));
        argv.addAll(Arrays.asList(args));
        File out = File.createTempFile("submit-dry-run", ".out");
        File err = File.createTempFile("submit-dry-run", ".err");
        try {
            ProcessBuilder pb = new ProcessBuilder(argv).directory(cwd.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(out).redirectError(err);
            Map<String, String> env = pb.environment();
            env.remove("SPARK_HOME");
            env.remove("SPARK_SGD_JAVA_OPTS");
            env.put("SPARK_SGD_DRY_RUN", "1");
            env.put("SPARK_SGD_SKIP_BUILD", "1");
            env.put("SPARK_SGD_SPARK_LINE", Submit.LINE);
            extraEnv.forEach((k, v) -> {
                if (v == null) {
                    env.remove(k);
                } else {
                    env.put(k, v);
                }
            });
            Process p = pb.start();
            if (!p.waitFor(Hang.BOUND.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail("submit.sh did not finish within " + Hang.BOUND + ": " + argv);
            }
            List<String> command = new ArrayList<>();
            for (String line : Files.readAllLines(out.toPath(), StandardCharsets.UTF_8)) {
                command.add(unquote(line));
            }
            return new Result(p.exitValue(), command,
                    Files.readString(err.toPath(), StandardCharsets.UTF_8));
        } finally {
            out.delete();
            err.delete();
        }
    }

    private static Result run(String... args) throws IOException, InterruptedException {
        return run(Map.of(), PROJECT_DIR, PROJECT_DIR.resolve("submit.sh"), args);
    }

    /** Undoes bash's printf %q: backslash escapes, '...' and $'...' quoting. */
    static String unquote(String q) {
        StringBuilder sb = new StringBuilder();
        int i = 0;
        while (i < q.length()) {
            char c = q.charAt(i);
            if (c == '\\' && i + 1 < q.length()) {
                sb.append(q.charAt(i + 1));
                i += 2;
            } else if (c == '\'') {
                int end = q.indexOf('\'', i + 1);
                sb.append(q, i + 1, end);
                i = end + 1;
            } else if (c == '$' && i + 1 < q.length() && q.charAt(i + 1) == '\'') {
                i += 2;
                while (q.charAt(i) != '\'') {
                    char d = q.charAt(i);
                    if (d != '\\') {
                        sb.append(d);
                        i++;
                        continue;
                    }
                    char e = q.charAt(i + 1);
                    i += 2;
                    switch (e) {
                        case 'n' -> sb.append('\n');
                        case 't' -> sb.append('\t');
                        case 'r' -> sb.append('\r');
                        case 'E', 'e' -> sb.append('\u001b');
                        case '0', '1', '2', '3', '4', '5', '6', '7' -> {
                            int start = i - 1;
                            while (i < q.length() && i - start < 3 && q.charAt(i) >= '0' && q.charAt(i) <= '7') {
                                i++;
                            }
                            sb.append((char) Integer.parseInt(q.substring(start, i), 8));
                        }
                        default -> sb.append(e);
                    }
                }
                i++;
            } else {
                sb.append(c);
                i++;
            }
        }
        return sb.toString();
    }

    private static int indexOf(List<String> command, String arg) {
        int i = command.indexOf(arg);
        assertTrue(i >= 0, () -> "expected '" + arg + "' in " + command);
        return i;
    }

    private static int indexOfSublist(List<String> command, List<String> part) {
        int i = Collections.indexOfSubList(command, part);
        assertTrue(i >= 0, () -> "expected " + part + " in " + command);
        return i;
    }

    private static String sampleData() throws IOException {
        return PROJECT_DIR.toRealPath() + "/sample-data/regression.libsvm";
    }

    /** The application jar submit.sh picks for the line of Scala binary version {@code scala}. */
    private static String jar(String scala) throws IOException {
        return PROJECT_DIR.toRealPath() + "/target/spark-sgd-app_" + scala + ".jar";
    }

    /**
     * What submit.sh puts between java and -cp for a line: the words of the line's
     * spark-java-options.txt (written from the pom's spark.java.options), or in a dry run before that
     * line was built, the file's name.
     */
    private static List<String> javaOptions(String scala) throws IOException {
        Path f = PROJECT_DIR.toRealPath().resolve("target/scala-" + scala + "/spark-java-options.txt");
        if (!Files.isRegularFile(f)) {
            return List.of("<" + f + ">");
        }
        return List.of(Files.readString(f, StandardCharsets.UTF_8).trim().split("\\s+"));
    }

    /** A directory that looks like a Spark distribution: bin/spark-submit, and the given files. */
    private static Path fakeSparkHome(Path dir, Map<String, String> files) throws IOException {
        Files.createDirectories(dir.resolve("bin"));
        Files.createDirectories(dir.resolve("jars"));
        Path submit = dir.resolve("bin/spark-submit");
        Files.writeString(submit, "#!/bin/sh\nexit 1\n");
        submit.toFile().setExecutable(true);
        for (Map.Entry<String, String> f : files.entrySet()) {
            Path p = dir.resolve(f.getKey());
            Files.createDirectories(p.getParent());
            Files.writeString(p, f.getValue());
        }
        return dir;
    }

    @Test
    void noArgumentsRunsTheDemoThroughSparkSubmitInProcess() throws Exception {
        Result r = run();
        List<String> cmd = r.command();
        assertEquals(0, r.exitCode(), r.stderr());
        assertTrue(cmd.get(0).endsWith("java"), () -> "java first: " + cmd);
        int mainClass = indexOf(cmd, SPARK_SUBMIT_CLASS);
        assertTrue(indexOf(cmd, "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED") < mainClass);
        assertTrue(indexOf(cmd, "--add-modules=jdk.incubator.vector") < mainClass);
        // exactly the pom's flags of the line under test, right after java
        List<String> pomOptions = List.of(System.getProperty("spark.sgd.java.options", "").trim().split("\\s+"));
        assertTrue(pomOptions.size() > 10, pomOptions::toString);
        assertEquals(pomOptions, cmd.subList(1, 1 + pomOptions.size()));
        assertTrue(indexOf(cmd, "-cp") < mainClass);
        assertTrue(indexOfSublist(cmd, List.of("--master", "local[*]")) > mainClass);
        int cls = indexOfSublist(cmd, List.of("--class", MAIN));
        assertEquals(jar(Submit.SCALA), cmd.get(cls + 2));
        assertEquals(List.of("train", "--data", sampleData()), cmd.subList(cls + 3, cls + 6));
        assertTrue(cmd.contains("--overwrite"), cmd::toString);
        assertTrue(cmd.stream().anyMatch(a -> a.startsWith("-Dlog4j2.configurationFile=file:")
                && a.endsWith("/conf/log4j2.properties")), cmd::toString);
        assertTrue(r.stderr().contains("demo"), r.stderr());
    }

    @Test
    void sparkOptionsGoBeforeTheJarAndTheSubCommandAfterIt() throws Exception {
        List<String> sparkArgs = List.of("--master", "spark://127.0.0.1:7077", "--executor-memory", "4g",
                "--name", "train");
        List<String> appArgs = List.of("train", "--data", "x.csv", "--max-iter", "5");
        List<String> args = new ArrayList<>(sparkArgs);
        args.addAll(appArgs);
        Result r = run(args.toArray(String[]::new));
        List<String> cmd = r.command();
        assertEquals(0, r.exitCode(), r.stderr());
        int cls = indexOf(cmd, "--class");
        assertTrue(indexOfSublist(cmd, sparkArgs) > indexOf(cmd, SPARK_SUBMIT_CLASS));
        assertEquals(cls, indexOfSublist(cmd, sparkArgs) + sparkArgs.size());
        assertEquals(jar(Submit.SCALA), cmd.get(cls + 2));
        assertEquals(appArgs, cmd.subList(cls + 3, cmd.size()));
        assertFalse(cmd.contains("local[*]"), cmd::toString);
    }

    @ParameterizedTest
    @ValueSource(strings = {"--driver-memory 3g", "--driver-memory=3g", "--conf spark.driver.memory=3g",
        "--driver-memory 3G"})
    void driverMemoryBecomesXmxOfTheDriverJvm(String memoryOption) throws Exception {
        List<String> args = new ArrayList<>(List.of(memoryOption.split(" ")));
        args.addAll(List.of("train", "--data", "x"));
        Result r = run(args.toArray(String[]::new));
        List<String> cmd = r.command();
        assertEquals(0, r.exitCode(), r.stderr());
        assertTrue(indexOf(cmd, "-Xmx3g") < indexOf(cmd, SPARK_SUBMIT_CLASS));
        assertTrue(indexOfSublist(cmd, List.of(memoryOption.split(" "))) > indexOf(cmd, SPARK_SUBMIT_CLASS));
    }

    @Test
    void driverJavaOptionsAndClassPathGoToTheDriverJvm() throws Exception {
        Result r = run("--driver-java-options", "-Dfoo=1 -Dbar=2", "--driver-class-path", "/extra/x.jar",
                "predict", "--help");
        List<String> cmd = r.command();
        assertEquals(0, r.exitCode(), r.stderr());
        int mainClass = indexOf(cmd, SPARK_SUBMIT_CLASS);
        assertTrue(indexOf(cmd, "-Dfoo=1") < mainClass);
        assertTrue(indexOf(cmd, "-Dbar=2") < mainClass);
        assertTrue(cmd.get(indexOf(cmd, "-cp") + 1).startsWith("/extra/x.jar:"), cmd::toString);
    }

    @Test
    void unknownSubCommandFailsWithExitCode2() throws Exception {
        Result r = run("bogus", "--data", "x");
        assertEquals(2, r.exitCode());
        assertTrue(r.stderr().contains("bogus"), r.stderr());
        assertTrue(r.command().isEmpty(), () -> "nothing printed: " + r.command());
    }

    @Test
    void withSparkHomeItExecsSparkSubmit(@TempDir Path tmp) throws Exception {
        // A Spark of the line under test (run() names that line in SPARK_SGD_SPARK_LINE).
        Path home = fakeSparkHome(tmp.resolve("spark"), Map.of("RELEASE",
                "Spark " + org.apache.spark.package$.MODULE$.SPARK_VERSION() + " built for Hadoop 3.3.4\n"));
        Result r = run(Map.of("SPARK_HOME", home.toString()), PROJECT_DIR, PROJECT_DIR.resolve("submit.sh"),
                "--name", "train", "evaluate", "--data", "x");
        List<String> cmd = r.command();
        assertEquals(0, r.exitCode(), r.stderr());
        assertEquals(home + "/bin/spark-submit", cmd.get(0));
        int cls = indexOfSublist(cmd, List.of("--class", MAIN));
        assertEquals(List.of("--name", "train"), cmd.subList(1, 3));
        assertTrue(indexOf(cmd, "--driver-java-options") < cls);
        assertEquals(List.of("evaluate", "--data", "x"), cmd.subList(cls + 3, cmd.size()));
        assertFalse(cmd.contains(SPARK_SUBMIT_CLASS), cmd::toString);
        assertFalse(cmd.contains("local[*]"), cmd::toString);
    }

    @Test
    void worksThroughASymlinkFromAnotherDirectory(@TempDir Path tmp) throws Exception {
        Path link = tmp.resolve("sgd-submit");
        try {
            Files.createSymbolicLink(link, PROJECT_DIR.resolve("submit.sh").toAbsolutePath());
        } catch (UnsupportedOperationException | IOException e) {
            Assumptions.abort("no symlinks here: " + e);
        }
        Result r = run(Map.of(), tmp, link, "generate", "--output", "rel/out");
        List<String> cmd = r.command();
        assertEquals(0, r.exitCode(), r.stderr());
        int cls = indexOfSublist(cmd, List.of("--class", MAIN));
        assertEquals(jar(Submit.SCALA), cmd.get(cls + 2));
        // relative paths are the user's: passed through untouched
        assertEquals(List.of("generate", "--output", "rel/out"), cmd.subList(cls + 3, cmd.size()));
    }

    /** SPARK_HOME's Spark decides the jar, from its jars/, else RELEASE, else spark-submit --version. */
    @ParameterizedTest
    @ValueSource(strings = {"jars/spark-core_2.13-4.0.1.jar|2.13", "jars/spark-core_2.12-3.5.3.jar|2.12",
        "RELEASE=Spark 4.1.2 built for Hadoop 3.4.1|2.13", "RELEASE=Spark 3.5.1 built for Hadoop 3.3.4|2.12",
        "VERSION=4.2.0|2.13", "VERSION=3.5.9|2.12"})
    void sparkHomesVersionPicksTheJarOfItsLine(String spec, @TempDir Path tmp) throws Exception {
        String what = spec.substring(0, spec.indexOf('|'));
        String scala = spec.substring(spec.indexOf('|') + 1);
        Path home = fakeSparkHome(tmp.resolve("spark"), Map.of());
        if (what.startsWith("RELEASE=")) {
            Files.writeString(home.resolve("RELEASE"), what.substring(8) + "\nBuild flags: -B\n");
        } else if (what.startsWith("VERSION=")) {
            Files.writeString(home.resolve("bin/spark-submit"), "#!/bin/sh\ncat >&2 <<EOF\nWelcome to\n   version "
                    + what.substring(8) + "\nUsing Scala version " + scala + ".16, OpenJDK 64-Bit Server VM, 17\nEOF\n");
        } else {
            Files.writeString(home.resolve(what), "");
        }
        Result r = run(Map.of("SPARK_HOME", home.toString(), "SPARK_SGD_SPARK_LINE", ""), PROJECT_DIR,
                PROJECT_DIR.resolve("submit.sh"), "predict", "--help");
        assertEquals(0, r.exitCode(), r.stderr());
        List<String> cmd = r.command();
        assertEquals(home + "/bin/spark-submit", cmd.get(0));
        assertEquals(jar(scala), cmd.get(indexOf(cmd, "--class") + 2));
    }

    /** A Spark that no line serves ends with one line on stderr and exit code 2, before any build. */
    @ParameterizedTest
    @ValueSource(strings = {"RELEASE=Spark 3.4.1 built for Hadoop 3.3.4|3.4.1", "RELEASE=Spark 2.4.8 built for Hadoop 2.7|2.4.8",
        "jars/spark-core_2.13-3.5.1.jar|Scala 2.13", "jars/spark-core_2.12-3.4.4.jar|3.4.4", "none|cannot tell"})
    void anUnsupportedSparkHomeExitsWith2(String spec, @TempDir Path tmp) throws Exception {
        String what = spec.substring(0, spec.indexOf('|'));
        String said = spec.substring(spec.indexOf('|') + 1);
        Path home = fakeSparkHome(tmp.resolve("spark"), what.equals("none") ? Map.of()
                : what.startsWith("RELEASE=") ? Map.of("RELEASE", what.substring(8) + "\n") : Map.of(what, ""));
        Result r = run(Map.of("SPARK_HOME", home.toString(), "SPARK_SGD_SKIP_BUILD", "0"), PROJECT_DIR,
                PROJECT_DIR.resolve("submit.sh"), "train", "--data", "x");
        assertEquals(2, r.exitCode(), r.stderr());
        assertEquals(1, r.stderr().strip().lines().count(), r.stderr());
        assertTrue(r.stderr().startsWith("submit.sh: ") && r.stderr().contains(said), r.stderr());
        assertTrue(r.command().isEmpty(), r.command()::toString);
    }

    @Test
    void withoutSparkHomeTheLineIsSparkSgdSparkLineElse35() throws Exception {
        for (String[] c : new String[][] {{null, "2.12"}, {"3.5", "2.12"}, {"4", "2.13"}}) {
            Map<String, String> env = new java.util.HashMap<>();
            env.put("SPARK_SGD_SPARK_LINE", c[0]);
            Result r = run(env, PROJECT_DIR, PROJECT_DIR.resolve("submit.sh"), "predict", "--help");
            assertEquals(0, r.exitCode(), r.stderr());
            List<String> cmd = r.command();
            List<String> opts = javaOptions(c[1]);
            assertEquals(opts, cmd.subList(1, 1 + opts.size()), () -> "line " + c[0] + ": " + cmd);
            String cp = cmd.get(indexOf(cmd, "-cp") + 1);
            assertTrue(cp.contains("_" + c[1] + "-") || cp.contains("target/scala-" + c[1] + "/spark-classpath.txt"), cp);
            assertEquals(jar(c[1]), cmd.get(indexOf(cmd, "--class") + 2));
        }
        Result r = run(Map.of("SPARK_SGD_SPARK_LINE", "3"), PROJECT_DIR, PROJECT_DIR.resolve("submit.sh"), "train");
        assertEquals(2, r.exitCode(), r.stderr());
        assertTrue(r.stderr().contains("SPARK_SGD_SPARK_LINE=3"), r.stderr());
    }

    @Test
    void aLineThatContradictsSparkHomeExitsWith2(@TempDir Path tmp) throws Exception {
        Path home = fakeSparkHome(tmp.resolve("spark"), Map.of("jars/spark-core_2.13-4.2.0.jar", ""));
        Result r = run(Map.of("SPARK_HOME", home.toString(), "SPARK_SGD_SPARK_LINE", "3.5"), PROJECT_DIR,
                PROJECT_DIR.resolve("submit.sh"), "train");
        assertEquals(2, r.exitCode(), r.stderr());
        assertTrue(r.stderr().contains("SPARK_SGD_SPARK_LINE=3.5") && r.stderr().contains("4.2.0"), r.stderr());
    }

    private static String confValue(List<String> command, String key) {
        String found = null;
        for (int i = 0; i + 1 < command.size(); i++) {
            if (command.get(i).equals("--conf") && command.get(i + 1).startsWith(key + "=")) {
                assertTrue(found == null, () -> key + " given twice: " + command);
                found = command.get(i + 1).substring(key.length() + 1);
            }
        }
        return found;
    }

    /**
     * In cluster deploy mode the driver's JVM is started by the cluster manager: it gets the
     * Java 17 flags through spark.driver.extraJavaOptions, followed by the user's own options
     * (--driver-java-options winning over --conf, as in spark-submit), and the submitting JVM gets
     * none of the driver's memory, options or class path.
     */
    @ParameterizedTest
    @ValueSource(strings = {"", "SPARK_HOME"})
    void clusterModeDriverGetsTheJavaFlagsMergedWithTheUsersOptions(String sparkHome, @TempDir Path tmp)
            throws Exception {
        Map<String, String> env = sparkHome.isEmpty() ? Map.of()
                : Map.of("SPARK_HOME", fakeSubmittingSparkHome(tmp.resolve("spark")).toString());
        Result r = run(env, PROJECT_DIR, PROJECT_DIR.resolve("submit.sh"), "--master", "spark://127.0.0.1:7077",
                "--conf", "spark.driver.extraJavaOptions=-Dlost=1", "--deploy-mode", "cluster",
                "--driver-memory", "3g", "--driver-java-options", "-Dfoo=1 '-Dbar=x y'",
                "--driver-class-path", "/extra/x.jar", "train", "--data", "x");
        List<String> cmd = r.command();
        assertEquals(0, r.exitCode(), r.stderr());
        String opts = confValue(cmd, "spark.driver.extraJavaOptions");
        assertTrue(opts != null && opts.startsWith("-XX:+IgnoreUnrecognizedVMOptions "), () -> "flags first: " + cmd);
        assertTrue(opts.contains(" --add-opens=java.base/sun.nio.ch=ALL-UNNAMED "), opts);
        assertTrue(opts.contains(" --add-modules=jdk.incubator.vector "), opts);
        assertTrue(opts.endsWith(" -Dfoo=1 '-Dbar=x y'"), () -> "the user's options last, quotes kept: " + opts);
        assertFalse(cmd.contains("--driver-java-options"), cmd::toString);
        assertFalse(opts.contains("-Dlost=1"), () -> "--driver-java-options wins over --conf, as in spark-submit: " + opts);
        assertFalse(cmd.contains("-Xmx3g"), cmd::toString);
        assertFalse(cmd.contains("-Dfoo=1"), cmd::toString);
        assertEquals("3g", cmd.get(indexOf(cmd, "--driver-memory") + 1));
        assertEquals("/extra/x.jar", cmd.get(indexOf(cmd, "--driver-class-path") + 1));
        if (sparkHome.isEmpty()) {
            assertFalse(cmd.get(indexOf(cmd, "-cp") + 1).startsWith("/extra/x.jar"), cmd::toString);
        }
        int cls = indexOfSublist(cmd, List.of("--class", MAIN));
        assertEquals(List.of("train", "--data", "x"), cmd.subList(cls + 3, cmd.size()));
    }

    @Test
    void clusterModeConfFormAndNoUserOptions() throws Exception {
        Result r = run("--master", "yarn", "--conf", "spark.submit.deployMode=cluster",
                "--conf", "spark.driver.extraJavaOptions=-Dmine=2", "train", "--data", "x");
        List<String> cmd = r.command();
        assertEquals(0, r.exitCode(), r.stderr());
        String opts = confValue(cmd, "spark.driver.extraJavaOptions");
        assertTrue(opts.startsWith("-XX:+IgnoreUnrecognizedVMOptions ") && opts.endsWith(" -Dmine=2"), opts);
        assertEquals(null, confValue(cmd, "spark.standalone.submit.waitAppCompletion"), "not a standalone master");

        Result none = run("--master", "yarn", "--deploy-mode=cluster", "train", "--data", "x");
        String plain = confValue(none.command(), "spark.driver.extraJavaOptions");
        // exactly the line's flags (the pom's spark.java.options of the line under test)
        assertEquals(System.getProperty("spark.sgd.java.options", "").trim(), plain);
    }

    @Test
    void clientModeLeavesTheDriversOptionsAlone() throws Exception {
        Result r = run("--master", "spark://127.0.0.1:7077", "--deploy-mode", "client",
                "--conf", "spark.driver.extraJavaOptions=-Dmine=2", "train", "--data", "x");
        List<String> cmd = r.command();
        assertEquals(0, r.exitCode(), r.stderr());
        assertEquals("-Dmine=2", confValue(cmd, "spark.driver.extraJavaOptions"));
        assertTrue(indexOf(cmd, "-Dmine=2") < indexOf(cmd, SPARK_SUBMIT_CLASS));
        assertEquals(null, confValue(cmd, "spark.standalone.submit.waitAppCompletion"));
    }

    /** A standalone cluster's spark-submit waits for the driver to end, unless the user says otherwise. */
    @Test
    void standaloneClusterModeWaitsForTheDriverUnlessToldNotTo() throws Exception {
        Result r = run("--master", "spark://127.0.0.1:7077", "--deploy-mode", "cluster", "train", "--data", "x");
        assertEquals(0, r.exitCode(), r.stderr());
        assertEquals("true", confValue(r.command(), "spark.standalone.submit.waitAppCompletion"));

        Result no = run("--master", "spark://127.0.0.1:7077", "--deploy-mode", "cluster",
                "--conf", "spark.standalone.submit.waitAppCompletion=false", "train", "--data", "x");
        assertEquals(0, no.exitCode(), no.stderr());
        assertEquals("false", confValue(no.command(), "spark.standalone.submit.waitAppCompletion"));
    }

    @Test
    void anotherApplicationJarIsSubmittedAsGiven() throws Exception {
        Result r = run(Map.of("SPARK_SGD_APP_JAR", "hdfs:///apps/spark-sgd-app.jar"), PROJECT_DIR,
                PROJECT_DIR.resolve("submit.sh"), "--master", "spark://127.0.0.1:7077", "--deploy-mode", "cluster",
                "train", "--data", "x");
        List<String> cmd = r.command();
        assertEquals(0, r.exitCode(), r.stderr());
        int cls = indexOfSublist(cmd, List.of("--class", MAIN));
        assertEquals("hdfs:///apps/spark-sgd-app.jar", cmd.get(cls + 2));
    }

    /**
     * A fake spark-submit (SPARK_HOME/bin/spark-submit) that prints what a standalone cluster's
     * submission client prints last, "State of driver ... is $FAKE_STATE", and exits $FAKE_RC.
     */
    private static Path fakeSubmittingSparkHome(Path dir) throws IOException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        // A Spark of the line under test, so that submit.sh picks this line.
        Files.writeString(dir.resolve("RELEASE"),
                "Spark " + org.apache.spark.package$.MODULE$.SPARK_VERSION() + " built for Hadoop 3.3.4\n");
        Path submit = bin.resolve("spark-submit");
        Files.writeString(submit, String.join("\n",
                "#!/usr/bin/env bash",
                "echo \"spark-submit $*\"",
                "if [[ -n ${FAKE_WAIT:-} ]]; then",
                "  trap 'kill $! 2>/dev/null; echo \"spark-submit: got TERM\" >&2; exit 143' TERM",
                "  sleep 60 >/dev/null 2>&1 &",
                "  echo started",
                "  wait",
                "fi",
                "if [[ -n ${FAKE_YARN_STATUS:-} ]]; then",
                "  if [[ $FAKE_YARN_STATUS != none ]]; then",
                "    echo \"26/11/30 03:10:00 ERROR Client: Application diagnostics message: User application exited with"
                        + " status $FAKE_YARN_STATUS\" >&2",
                "  fi",
                "  echo 'Exception in thread \"main\" org.apache.spark.SparkException: Application"
                        + " application_1796007521079_0003 finished with failed status' >&2",
                "  printf '\\tat org.apache.spark.deploy.yarn.Client.run(Client.scala:1312)\\n' >&2",
                "  printf '\\tat org.apache.spark.deploy.SparkSubmit.main(SparkSubmit.scala)\\n' >&2",
                "  echo 'a line after the trace' >&2",
                "fi",
                "if [[ -n ${FAKE_STATE:-} ]]; then",
                "  echo \"26/11/30 00:49:54 INFO ClientEndpoint: State of driver driver-20261130004429-0000 is"
                        + " $FAKE_STATE, exiting spark-submit JVM.\" >&2",
                "fi",
                "exit ${FAKE_RC:-0}", ""));
        assertTrue(submit.toFile().setExecutable(true));
        return dir;
    }

    private static Process startStandaloneCluster(Path sparkHome, Map<String, String> env, Path out, Path err,
            String... extra) throws IOException {
        return startClusterMode("spark://127.0.0.1:7077", sparkHome, env, out, err, extra);
    }

    private static Process startClusterMode(String master, Path sparkHome, Map<String, String> env, Path out, Path err,
            String... extra) throws IOException {
        List<String> argv = new ArrayList<>(List.of("bash", PROJECT_DIR.resolve("submit.sh").toString(),
                "--master", master, "--deploy-mode", "cluster"));
        argv.addAll(Arrays.asList(extra));
        argv.addAll(List.of("train", "--data", "x"));
        ProcessBuilder pb = new ProcessBuilder(argv).directory(PROJECT_DIR.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().remove("SPARK_SGD_DRY_RUN");
        pb.environment().put("SPARK_HOME", sparkHome.toString());
        pb.environment().put("SPARK_SGD_APP_JAR", "hdfs:///apps/spark-sgd-app.jar"); // no local jar needed
        pb.environment().putAll(env);
        return pb.start();
    }

    /** spark-submit exits 0 for every final state of a standalone cluster's driver; submit.sh does not. */
    @ParameterizedTest
    @ValueSource(strings = {"FINISHED:0:0", "FAILED:0:1", "KILLED:0:1", "ERROR:0:1", ":0:1", "FAILED:255:255"})
    void standaloneClusterModeExitCodeFollowsTheDriversFinalState(String stateRcExpected, @TempDir Path tmp)
            throws Exception {
        String[] f = stateRcExpected.split(":", -1);
        Path out = tmp.resolve("out");
        Path err = tmp.resolve("err");
        Process p = startStandaloneCluster(fakeSubmittingSparkHome(tmp.resolve("spark")), Map.of("FAKE_STATE", f[0], "FAKE_RC", f[1]),
                out, err);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "submit.sh ended");
        String stderr = Files.readString(err);
        assertEquals(Integer.parseInt(f[2]), p.exitValue(), stderr);
        assertTrue(Files.readString(out).contains("--conf spark.standalone.submit.waitAppCompletion=true"),
                Files.readString(out));
        if (!f[0].isEmpty()) {
            assertTrue(stderr.contains("State of driver driver-20261130004429-0000 is " + f[0]), "passed through: " + stderr);
        }
        if (f[1].equals("0") && !f[0].equals("FINISHED")) {
            assertTrue(stderr.lines().anyMatch(l -> l.startsWith("submit.sh: ")), "one line says why: " + stderr);
        }
    }

    /**
     * YARN cluster mode: spark-submit ends a FAILED application with a stack trace and exit code 1;
     * submit.sh shows one line instead of the trace and exits with the driver's own code when YARN's
     * diagnostics give it ({@code status:spark-submit's code:expected}).
     */
    @ParameterizedTest
    @ValueSource(strings = {"2:1:2", "4:1:4", "none:1:1", ":0:0"})
    void yarnClusterModeExitCodeIsTheDriversAndNoStackTrace(String statusRcExpected, @TempDir Path tmp) throws Exception {
        String[] f = statusRcExpected.split(":", -1);
        Path out = tmp.resolve("out");
        Path err = tmp.resolve("err");
        Process p = startClusterMode("yarn", fakeSubmittingSparkHome(tmp.resolve("spark")),
                f[0].isEmpty() ? Map.of("FAKE_RC", f[1]) : Map.of("FAKE_YARN_STATUS", f[0], "FAKE_RC", f[1]), out, err);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "submit.sh ended");
        String stderr = Files.readString(err);
        assertEquals(Integer.parseInt(f[2]), p.exitValue(), stderr);
        assertFalse(stderr.contains("\tat org.apache.spark"), "no stack trace: " + stderr);
        if (f[0].isEmpty()) {
            assertFalse(stderr.contains("submit.sh:"), stderr);
            return;
        }
        assertTrue(stderr.contains("a line after the trace"), "only the trace is left out: " + stderr);
        List<String> ours = stderr.lines().filter(l -> l.startsWith("submit.sh: ")).toList();
        assertEquals(1, ours.size(), stderr);
        assertTrue(ours.get(0).startsWith("submit.sh: Application application_1796007521079_0003 finished with failed status"), stderr);
        assertTrue(ours.get(0).endsWith("(its log: yarn logs -applicationId application_1796007521079_0003)"), stderr);
        if (!f[0].equals("none")) {
            assertTrue(stderr.contains("User application exited with status " + f[0]), "the diagnostics are passed through: " + stderr);
            assertTrue(ours.get(0).contains("the driver exited with code " + f[0]), stderr);
        }
    }

    @Test
    void withoutWaitingForTheDriverTheExitCodeIsSparkSubmits(@TempDir Path tmp) throws Exception {
        Process p = startStandaloneCluster(fakeSubmittingSparkHome(tmp.resolve("spark")), Map.of(), tmp.resolve("out"),
                tmp.resolve("err"), "--conf", "spark.standalone.submit.waitAppCompletion=false");
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "submit.sh ended");
        assertEquals(0, p.exitValue(), Files.readString(tmp.resolve("err")));
    }

    /** As when submit.sh execs spark-submit: a TERM to submit.sh reaches spark-submit. */
    @Test
    void termReachesSparkSubmitWhileWaitingForTheDriver(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("out");
        Path err = tmp.resolve("err");
        Process p = startStandaloneCluster(fakeSubmittingSparkHome(tmp.resolve("spark")), Map.of("FAKE_WAIT", "1"), out, err);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.readString(out).contains("started")) {
            assertTrue(p.isAlive() && System.nanoTime() < deadline, "the fake spark-submit started: " + Files.readString(err));
            Thread.sleep(10);
        }
        new ProcessBuilder("kill", "-TERM", Long.toString(p.pid())).inheritIO().start().waitFor();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "submit.sh ended");
        assertEquals(143, p.exitValue(), Files.readString(err));
        assertTrue(Files.readString(err).contains("spark-submit: got TERM"), Files.readString(err));
    }

    @Test
    void unquoteUndoesPrintfQ() {
        assertEquals("local[*]", unquote("local\\[\\*\\]"));
        assertEquals("a b", unquote("a\\ b"));
        assertEquals("", unquote("''"));
        assertEquals("x\ny", unquote("$'x\\ny'"));
    }
}
