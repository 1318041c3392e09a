package dev.sparksgd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparksgd.config.ConfigException;
import dev.sparksgd.config.LrSchedule;
import dev.sparksgd.config.TrainConfig;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

class ConfigDefaultsTest {
  private static final Path CONF =
      Path.of(System.getProperty("spark.sgd.project.dir", "."), "conf", "sgd.properties");
  /** Options that have no default (or are per run) and so stay commented out in the file. */
  private static final Set<String> PER_RUN = Set.of("data", "output", "overwrite", "config", "format",
      "baseline-model", "verbose", "weight-col", "init-model",
      "checkpoint-dir", "resume");
  private static final Set<String> NOT_SETTINGS = Set.of("help", "version");

  @TempDir
  Path tmp;

  private static Properties load(Path file) throws IOException {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(r);
    }
    return p;
  }

  private static String key(OptionSpec o) {
    return o.longestName().replaceFirst("^-+", "");
  }

  private static Object typed(OptionSpec o, String text) {
    Class<?> t = o.type();
    if (t == int.class || t == Integer.class) {
      return Integer.parseInt(text.trim());
    }
    if (t == long.class || t == Long.class) {
      return Long.parseLong(text.trim());
    }
    if (t == double.class || t == Double.class) {
      return Double.parseDouble(text.trim());
    }
    if (t == boolean.class || t == Boolean.class) {
      String s = text.trim();
      assertTrue(s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false"), "boolean: " + s);
      return Boolean.parseBoolean(s);
    }
    return text.trim();
  }

  @Test
  void shippedFileHoldsEveryBuiltInDefault() throws IOException {
    assertTrue(Files.isRegularFile(CONF), CONF + " is missing");
    Properties props = load(CONF);
    CommandLine cl = new CommandLine(new TrainCommand(null, System.out));
    Set<String> settings = new TreeSet<>();
    for (OptionSpec o : cl.getCommandSpec().options()) {
      String k = key(o);
      if (!PER_RUN.contains(k) && !NOT_SETTINGS.contains(k)) {
        settings.add(k);
      }
    }
    assertFalse(settings.isEmpty());
    for (String k : props.stringPropertyNames()) {
      OptionSpec o = cl.getCommandSpec().findOption("--" + k);
      assertNotNull(o, "conf/sgd.properties key '" + k + "' is not a train option");
      assertFalse(PER_RUN.contains(k) || NOT_SETTINGS.contains(k),
          "'" + k + "' has no default and must stay commented out");
      assertNotNull(o.defaultValue(), "--" + k + " has no built-in default");
      assertEquals(typed(o, o.defaultValue()), typed(o, props.getProperty(k)),
          "conf/sgd.properties " + k + " vs the built-in default of --" + k);
    }
    assertEquals(settings, new TreeSet<>(props.stringPropertyNames()),
        "every train option with a default is in conf/sgd.properties");
  }

  @Test
  void shippedFileHasACommentForEveryKey() throws IOException {
    List<String> lines = Files.readAllLines(CONF, StandardCharsets.UTF_8);
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).trim();
      if (!line.isEmpty() && !line.startsWith("#")) {
        assertTrue(i > 0 && lines.get(i - 1).trim().startsWith("#"), "no comment above: " + line);
      }
    }
  }

  /** The annotation defaults and TrainConfig.Builder's defaults describe the same run. */
  @Test
  void builtInDefaultsAgreeWithTheBuilder() {
    TrainConfig fromCli = parse(new String[] {"--data", "d.libsvm", "--output", "o"}, null);
    TrainConfig fromBuilder = TrainConfig.builder().dataPath("d.libsvm").outputPath("o").build();
    assertEquals(fromBuilder.toOptionMap(), fromCli.toOptionMap());
  }

  /** Parses {@code args} as Main.run does for the train command, then validates them. */
  private static TrainConfig parse(String[] args, ConfigFileDefaults defaults) {
    CommandLine cl = new CommandLine(new TrainCommand(defaults, System.out));
    cl.parseArgs(args);
    return ((TrainCommand) cl.getCommand()).toConfig();
  }

  private static TrainConfig parseWithFile(String... args) {
    return parse(args, new ConfigFileDefaults(args));
  }

  private Path write(String name, String... lines) throws IOException {
    Path f = tmp.resolve(name);
    Files.write(f, List.of(lines), StandardCharsets.UTF_8);
    return f;
  }

  @Test
  void shippedFileGivesTheBuiltInRun() {
    TrainConfig c = parseWithFile("--config", CONF.toString(), "--data", "d.libsvm", "--output", "o");
    assertEquals(TrainConfig.builder().dataPath("d.libsvm").outputPath("o").build().toOptionMap(),
        c.toOptionMap());
  }

  @Test
  void configFileSuppliesDefaults() throws IOException {
    Path f = write("a.properties", "max-iter=7", "step-size = 0.25 ", "lr-schedule=inverse-sqrt",
        "fit-intercept=false", "seed=-3", "mini-batch-fraction=0.5", "label-col=target");
    TrainConfig c = parseWithFile("--config", f.toString(), "--data", "d.csv", "--output", "o");
    assertEquals(7, c.maxIter);
    assertEquals(0.25, c.stepSize);
    assertEquals(LrSchedule.INVERSE_SQRT, c.lrSchedule);
    assertFalse(c.fitIntercept);
    assertEquals(-3L, c.seed);
    assertEquals(0.5, c.miniBatchFraction);
    assertEquals("target", c.labelCol);
    assertEquals(0.0, c.regParam, "keys not in the file keep the built-in default");
  }

  @Test
  void configEqualsFormWorksToo() throws IOException {
    Path f = write("b.properties", "max-iter=9");
    TrainConfig c = parseWithFile("--config=" + f, "--data", "d.csv", "--output", "o");
    assertEquals(9, c.maxIter);
  }

  @Test
  void commandLineWinsOverTheFile() throws IOException {
    Path f = write("c.properties", "max-iter=7", "step-size=0.25", "standardization=false");
    TrainConfig c = parseWithFile("--max-iter", "50", "--config", f.toString(), "--data", "d.csv",
        "--output", "o", "--standardization", "true");
    assertEquals(50, c.maxIter);
    assertTrue(c.standardization);
    assertEquals(0.25, c.stepSize);
  }

  @Test
  void badValueInTheFileIsRejected() throws IOException {
    Path f = write("d.properties", "step-size=-1");
    ConfigException e = assertThrows(ConfigException.class,
        () -> parseWithFile("--config", f.toString(), "--data", "d.csv", "--output", "o"));
    assertTrue(e.getMessage().contains("--step-size"), e.getMessage());
  }

  @Test
  void unknownKeyIsNamed() throws IOException {
    Path f = write("e.properties", "max-iter=7", "stepsize=0.1", "bogus-key=1");
    ConfigException e = assertThrows(ConfigException.class,
        () -> parseWithFile("--config", f.toString(), "--data", "d.csv", "--output", "o"));
    assertTrue(e.getMessage().contains("stepsize") && e.getMessage().contains("bogus-key"),
        e.getMessage());
    assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
  }

  @Test
  void configKeyInsideTheFileIsUnknown() throws IOException {
    Path f = write("f.properties", "config=other.properties");
    ConfigException e = assertThrows(ConfigException.class,
        () -> parseWithFile("--config", f.toString(), "--data", "d.csv", "--output", "o"));
    assertTrue(e.getMessage().contains("config"), e.getMessage());
  }

  @Test
  void explicitMissingFileIsAnError() {
    String missing = tmp.resolve("nope.properties").toString();
    ConfigException e = assertThrows(ConfigException.class,
        () -> parseWithFile("--config", missing, "--data", "d.csv", "--output", "o"));
    assertTrue(e.getMessage().contains(missing) && e.getMessage().contains("no such file"),
        e.getMessage());
  }

  @Test
  void explicitDirectoryIsAnError() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> parseWithFile("--config", tmp.toString(), "--data", "d.csv", "--output", "o"));
    assertTrue(e.getMessage().startsWith("--config "), e.getMessage());
  }

  @Test
  void defaultFileNameIsTheShippedOne() {
    assertEquals("conf/sgd.properties", ConfigFileDefaults.DEFAULT_FILE);
    ConfigFileDefaults d = new ConfigFileDefaults(new String[] {"--config", CONF.toString()});
    assertEquals(CONF.toString(), d.file());
  }
}
