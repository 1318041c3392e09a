package dev.sparksgd.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine;

/**
 * Writes docs/cli.md, the {@code --help} of every sub-command, from picocli's own model of the
 * command line, so the reference cannot drift from the code. {@code CliReferenceTest} fails when
 * the committed file differs from what this would write.
 */
public final class CliReference {
  /** The command that rewrites the committed file (run from the project directory). */
  public static final String REGENERATE =
      "mvn -B -q test -Dtest=CliReferenceTest -Dsurefire.failIfNoSpecifiedTests=false -Dspark.sgd.writeDocs=true";

  private CliReference() {
  }

  /** The page: the top-level usage, then each sub-command's, with built-in defaults. */
  public static String markdown() {
    CommandLine root = Main.commandLine(null);
    StringBuilder md = new StringBuilder();
    md.append("# CLI reference\n\n")
        .append("The `--help` of every sub-command, as `./submit.sh SUBCOMMAND --help` prints it, with the\n")
        .append("built-in defaults (a `--config` file or `conf/sgd.properties` can change them; see the\n")
        .append("[user guide](user-guide.md#config-file)). This page is generated from the code by\n")
        .append("`dev.sparksgd.cli.CliReference`; do not edit it by hand. After changing an option, regenerate it:\n\n")
        .append("```sh\n").append(REGENERATE).append("\n```\n\n");
    Map<String, CommandLine> subs = root.getSubcommands();
    md.append("- [`spark-sgd`](#spark-sgd)\n");
    subs.keySet().stream().filter(n -> !n.equals("help"))
        .forEach(n -> md.append("- [`").append(n).append("`](#").append(n).append(")\n"));
    section(md, "spark-sgd", root);
    subs.forEach((name, cmd) -> {
      if (!name.equals("help")) {
        section(md, name, cmd);
      }
    });
    return md.toString();
  }

  private static void section(StringBuilder md, String name, CommandLine cmd) {
    String usage = cmd.getUsageMessage(CommandLine.Help.Ansi.OFF).stripTrailing();
    md.append("\n## `").append(name).append("`\n\n```\n");
    usage.lines().forEach(l -> md.append(l.stripTrailing()).append('\n'));
    md.append("```\n");
  }

  /** Writes the page to {@code args[0]} (default docs/cli.md). */
  public static void main(String[] args) throws IOException {
    Path out = Path.of(args.length > 0 ? args[0] : "docs/cli.md");
    Files.writeString(out, markdown(), StandardCharsets.UTF_8);
  }
}
