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

    @Test
    void unquoteUndoesPrintfQ() {
        assertEquals("local[*]", unquote("local\\[\\*\\]"));
        assertEquals("a b", unquote("a\\ b"));
        assertEquals("", unquote("''"));
        assertEquals("x\ny", unquote("$'x\\ny'"));
    }
}
