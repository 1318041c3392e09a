package dev.sparksgd.cli;

import dev.sparksgd.config.ConfigException;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Option defaults from a properties file whose keys are the option names without dashes
 * ({@code max-iter=200}). The file is {@code --config FILE} if given, else conf/sgd.properties
 * when it exists. The command line wins over the file, the file over the built-in defaults.
 */
final class ConfigFileDefaults implements CommandLine.IDefaultValueProvider {
  static final String DEFAULT_FILE = "conf/sgd.properties";

  private final Properties props = new Properties();
  private final String file;
  private final String problem;

  ConfigFileDefaults(String[] args) {
    String explicit = null;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--config") && i + 1 < args.length) {
        explicit = args[i + 1];
      } else if (args[i].startsWith("--config=")) {
        explicit = args[i].substring("--config=".length());
      }
    }
    Path path = Paths.get(explicit != null ? explicit : DEFAULT_FILE);
    String prob = null;
    String used = null;
    if (Files.isRegularFile(path)) {
      try (Reader r = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
        props.load(r);
        used = path.toString();
      } catch (IOException | IllegalArgumentException e) {
        prob = "--config " + path + ": cannot read it: " + e.getMessage();
      }
    } else if (explicit != null) {
      prob = "--config " + explicit + ": no such file";
    }
    this.file = used;
    this.problem = prob;
  }

  /** The file the defaults came from, or null. */
  String file() {
    return file;
  }

  /** Throws when the file was asked for but unreadable, or names options the command lacks. */
  void check(CommandLine.Model.CommandSpec spec) {
    if (problem != null) {
      throw new ConfigException(problem);
    }
    Set<String> unknown = new TreeSet<>();
    for (String key : props.stringPropertyNames()) {
      OptionSpec o = spec.findOption("--" + key);
      if (o == null || key.equals("config")) {
        unknown.add(key);
      }
    }
    if (!unknown.isEmpty()) {
      throw new ConfigException(file + ": unknown key(s) " + unknown
          + " (keys are the option names without dashes, e.g. max-iter)");
    }
  }

  @Override
  public String defaultValue(ArgSpec arg) {
    if (!(arg instanceof OptionSpec o)) {
      return null;
    }
    String key = o.longestName().replaceFirst("^-+", "");
    String v = props.getProperty(key);
    return v == null ? null : v.trim();
  }
}
