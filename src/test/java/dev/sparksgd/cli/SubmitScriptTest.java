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
            env.putAll(extraEnv);
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

    @Test
    void noArgumentsRunsTheDemoThroughSparkSubmitInProcess() throws Exception {
        Result r = run();
        List<String> cmd = r.command();
        assertEquals(0, r.exitCode(), r.stderr());
        assertTrue(cmd.get(0).endsWith("java"), () -> "java first: " + cmd);
        int mainClass = indexOf(cmd, SPARK_SUBMIT_CLASS);
        assertTrue(indexOf(cmd, "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED") < mainClass);
        assertTrue(indexOf(cmd, "--add-modules=jdk.incubator.vector") < mainClass);
        assertTrue(indexOf(cmd, "-cp") < mainClass);
        assertTrue(indexOfSublist(cmd, List.of("--master", "local[*]")) > mainClass);
        int cls = indexOfSublist(cmd, List.of("--class", MAIN));
        String jar = PROJECT_DIR.toRealPath() + "/target/spark-sgd-app.jar";
        assertEquals(jar, cmd.get(cls + 2));
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
        assertTrue(cmd.get(cls + 2).endsWith("/target/spark-sgd-app.jar"), cmd::toString);
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
    void withSparkHomeItExecsSparkSubmit() throws Exception {
        Result r = run(Map.of("SPARK_HOME", "/opt/fake-spark"), PROJECT_DIR, PROJECT_DIR.resolve("submit.sh"),
                "--name", "train", "evaluate", "--data", "x");
        List<String> cmd = r.command();
        assertEquals(0, r.exitCode(), r.stderr());
        assertEquals("/opt/fake-spark/bin/spark-submit", cmd.get(0));
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
        assertEquals(PROJECT_DIR.toRealPath() + "/target/spark-sgd-app.jar", cmd.get(cls + 2));
        // relative paths are the user's: passed through untouched
        assertEquals(List.of("generate", "--output", "rel/out"), cmd.subList(cls + 3, cmd.size()));
    }

    @Test
    void unquoteUndoesPrintfQ() {
        assertEquals("local[*]", unquote("local\\[\\*\\]"));
        assertEquals("a b", unquote("a\\ b"));
        assertEquals("", unquote("''"));
        assertEquals("x\ny", unquote("$'x\\ny'"));
    }
}
