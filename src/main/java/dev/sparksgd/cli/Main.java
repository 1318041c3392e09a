package dev.sparksgd.cli;

import java.io.PrintWriter;
import org.apache.hadoop.fs.FSError;
import org.apache.spark.SparkUserAppException;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point for spark-submit: {@code --class dev.sparksgd.cli.Main app.jar SUBCOMMAND [options]}. */
@Command(name = "spark-sgd", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = "Trains linear models (regression, logistic regression, linear SVM) on Apache Spark "
        + "by distributed stochastic gradient descent, and scores and evaluates them.",
    footerHeading = "%nExit codes:%n",
    footer = {"  0  trained", "  1  anything else (a bug, a lost cluster …)",
        "  2  bad usage or bad input", "  3  quality gate refused the new model",
        "  4  training diverged", "  5  out of memory (the line says which memory and what to change)",
        "  6  could not write the model, a checkpoint or a report (the line says what, where and why; "
            + "the earlier model is untouched)",
        "130  stopped by SIGINT (Ctrl-C): checkpoint kept, nothing published",
        "143  stopped by SIGTERM (a timeout, an eviction): likewise"})
public final class Main implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) throws SparkUserAppException {
    OutOfMemory.exitCodeOnShutdown();
    int code = run(args);
    // With the exit code: in YARN client mode the ApplicationMaster reports it as the final status.
    SparkSession.getDefaultSession().foreach(s -> {
      s.sparkContext().stop(code);
      return null;
    });
    OutOfMemory.exiting(code);
    if (inYarnApplicationMaster()) {
      // There main runs in a thread of YARN's ApplicationMaster, which reports SUCCEEDED when it
      // returns and FAILED with the exit code for a SparkUserAppException. A System.exit, even
      // System.exit(0), would be reported as FAILED and the application attempted again.
      if (code != 0) {
        throw UserAppExit.of(code);
      }
      return;
    }
    System.exit(code);
  }

  /** The driver of {@code --master yarn --deploy-mode cluster} (the ApplicationMaster sets these). */
  static boolean inYarnApplicationMaster() {
    return "yarn".equals(System.getProperty("spark.master"))
        && "cluster".equals(System.getProperty("spark.submit.deployMode"));
  }

  /** Runs one command and returns its exit code; leaves any SparkSession running (tests share one). */
  public static int run(String... args) {
    BadRecordLogFilter.install();
    BadRecordLogFilter.setEnabled(true);
    OutOfMemory.install();
    CommandLine cmd = commandLine(new ConfigFileDefaults(args), args);
    cmd.setOverwrittenOptionsAllowed(true); // as spark-submit: a later option wins
    cmd.setParameterExceptionHandler((ex, a) -> {
      PrintWriter err = ex.getCommandLine().getErr();
      err.println("spark-sgd: error: " + ex.getMessage());
      err.println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
      err.flush();
      return ExitCodes.BAD_INPUT;
    });
    cmd.setExecutionExceptionHandler((ex, c, parsed) -> Errors.report(ex, System.err));
    try {
      return cmd.execute(args);
    } catch (OutOfMemoryError | FSError e) { // picocli hands on Errors, not only Exceptions
      return Errors.report(e, System.err);
    }
  }

  /**
   * The command line with every sub-command; {@code defaults} (option defaults from a properties
   * file) may be null, as for the generated CLI reference, which shows the built-in defaults.
   */
  static CommandLine commandLine(ConfigFileDefaults defaults, String... args) {
    CommandLine cmd = new CommandLine(new Main());
    cmd.addSubcommand("train", new CommandLine(new TrainCommand(defaults, System.out)));
    cmd.addSubcommand("predict", new CommandLine(new PredictCommand(System.out)));
    cmd.addSubcommand("evaluate", new CommandLine(new EvaluateCommand(System.out)));
    cmd.addSubcommand("generate", new CommandLine(new GenerateCommand()));
    cmd.addSubcommand("bench", new CommandLine(new BenchCommand(System.out, args)));
    cmd.addSubcommand("help", new CommandLine.HelpCommand());
    cmd.setCaseInsensitiveEnumValuesAllowed(true);
    return cmd;
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"spark-sgd " + (v == null ? "(development build)" : v)
          + ", built for Spark " + org.apache.spark.package$.MODULE$.SPARK_VERSION()};
    }
  }
}
