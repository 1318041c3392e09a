package dev.sparksgd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparksgd.config.TrainConfig;
import dev.sparksgd.config.TrainOption;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** TrainConfig.OPTIONS and the train command's options name the same things with the same defaults. */
class TrainOptionTableTest {
  /** Options of the command that configure the process, not the training run. */
  private static final Set<String> COMMAND_ONLY = Set.of("--config", "--verbose", "--help", "--version");

  @Test
  void everyCommandOptionIsInTheTableAndBack() {
    CommandLine cl = new CommandLine(new TrainCommand(null, System.out));
    Set<String> inCommand = new TreeSet<>();
    for (OptionSpec o : cl.getCommandSpec().options()) {
      if (!COMMAND_ONLY.contains(o.longestName())) {
        inCommand.add(o.longestName());
      }
    }
    Set<String> inTable = new TreeSet<>();
    TrainConfig.OPTIONS.forEach(o -> inTable.add(o.flag()));
    assertEquals(inCommand, inTable);
  }

  @Test
  void commandDefaultsAreTheTableDefaults() {
    CommandLine cl = new CommandLine(new TrainCommand(null, System.out));
    for (TrainOption o : TrainConfig.OPTIONS) {
      OptionSpec spec = cl.getCommandSpec().findOption(o.flag());
      assertNotNull(spec, o.flag());
      String text = spec.defaultValue();
      Object dflt = o.defaultValue();
      if (text == null) {
        // "auto": how model.json records a format left to the file names
        assertTrue(dflt == null || dflt.equals(false) || dflt.equals("auto"),
            o.flag() + " has no CLI default but " + dflt);
        continue;
      }
      Object parsed = switch (o.kind()) {
        case INT -> Integer.valueOf(text);
        case LONG -> Long.valueOf(text);
        // a number, or a keyword (--step-size default) that the table records as text
        case DOUBLE -> dflt instanceof String ? text : Double.valueOf(text);
        case BOOLEAN -> Boolean.valueOf(text);
        case TEXT -> text;
      };
      assertEquals(dflt, parsed, o.flag());
    }
  }

  @Test
  void sparkParamNamesAreUniqueAndCamelCase() {
    Set<String> seen = new TreeSet<>();
    for (TrainOption o : TrainConfig.OPTIONS) {
      if (o.paramName() != null) {
        assertTrue(seen.add(o.paramName()), "two options named " + o.paramName());
        assertTrue(o.paramName().matches("[a-z][A-Za-z0-9]*"), o.paramName());
      }
    }
    assertTrue(seen.containsAll(Set.of("maxIter", "regParam", "elasticNetParam", "tol", "fitIntercept",
        "standardization", "weightCol", "labelCol", "featuresCol", "stepSize", "seed", "epsilon")), seen.toString());
  }
}
