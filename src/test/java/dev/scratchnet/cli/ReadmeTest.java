package dev.scratchnet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scratchnet.registry.Settings;
import dev.scratchnet.report.MetricsCsv;
import dev.scratchnet.testing.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine;

/**
 * The README stays true to the code where the code can say what is true: the settings tables are the ones the
 * code generates, the usage block lists exactly the commands and options the command line has, the exit codes
 * are the ones it returns, the sample last line has the format the run prints, the classes the book map names
 * exist, and the metrics header is the one the run writes.
 */
class ReadmeTest {
    static String readme() throws IOException {
        return Files.readString(TestData.projectDir().resolve("README.md"));
    }

    /** The text of the README's section {@code ## title}, up to the next {@code ## }. */
    static String section(String readme, String title) {
        int start = readme.indexOf("\n## " + title + "\n");
        assertTrue(start >= 0, "README.md has a section \"" + title + "\"");
        int end = readme.indexOf("\n## ", start + 1);
        return readme.substring(start, end < 0 ? readme.length() : end);
    }

    @Test
    void theSettingsTablesAreTheGeneratedOnes() throws Exception {
        Path generated = TestData.projectDir().resolve("target/settings-tables.md");
        Files.createDirectories(generated.getParent());
        Files.writeString(generated, Settings.markdownTables());
        assertTrue(readme().contains("<!-- settings:begin -->\n" + Settings.markdownTables() + "<!-- settings:end -->"),
                "README.md's settings tables are out of date; put " + generated + " between its settings markers");
    }

    @Test
    void theTwoCommandsAreTheOnesCiAndTheRepositoryRun() throws Exception {
        String commands = section(readme(), "Two commands");
        assertTrue(commands.contains("\n./submit.sh "), "the main job command");
        assertTrue(commands.contains("\nmvn -B verify "), "the test command");
        assertTrue(Files.readString(TestData.projectDir().resolve(".ci/run")).contains("mvn -B verify"),
                "CI runs the README's test command");
        assertTrue(Files.isExecutable(TestData.projectDir().resolve("submit.sh")));
        assertTrue(Files.exists(TestData.projectDir().resolve("conf/book.conf")));
    }

    /**
     * The usage block: a line {@code   NAME [options]} per command, in which every option of that command appears,
     * required ones bare and the others in brackets; no command the command line lacks.
     */
    @Test
    void theUsageBlockListsEveryCommandAndOption() throws Exception {
        String section = section(readme(), "Commands and exit codes");
        Matcher block = Pattern.compile("```\n(\\./submit\\.sh \\[spark-submit options\\] \\[COMMAND \\[ARGS\\]\\]\n.*?)```",
                Pattern.DOTALL).matcher(section);
        assertTrue(block.find(), "the usage block");
        Map<String, String> lines = new LinkedHashMap<>();
        Matcher line = Pattern.compile("(?m)^  ([a-z][a-z-]*)(.*)$").matcher(block.group(1));
        while (line.find()) {
            lines.put(line.group(1), line.group(2));
        }
        CommandLine cli = new CommandLine(new Main());
        assertEquals(new TreeSet<>(cli.getSubcommands().keySet()), new TreeSet<>(lines.keySet()),
                "the README's commands are the command line's");
        for (Map.Entry<String, CommandLine> command : cli.getSubcommands().entrySet()) {
            String shown = lines.get(command.getKey());
            for (OptionSpec option : command.getValue().getCommandSpec().options()) {
                String name = option.longestName();
                if (option.usageHelp() || option.versionHelp()) {
                    continue;
                }
                String expected = option.required() ? " " + name + " " : "[" + name;
                assertTrue(shown.contains(expected), "the README's line for " + command.getKey() + " shows "
                        + expected.strip() + ": '" + shown + "'");
            }
        }
    }

    @Test
    void theExitCodesAreTheOnesTheCommandLineReturns() throws Exception {
        String section = section(readme(), "Commands and exit codes");
        assertTrue(section.contains("**" + Main.OK + "** done"));
        assertTrue(section.contains("**" + Main.CHECK_FAILED + "** a check failed"));
        assertTrue(section.contains("**" + Main.USER_ERROR + "** a user error"));
        assertTrue(section.contains("**" + Main.INTERNAL_ERROR + "** an internal failure"));
        assertTrue(section.contains("**130 / 143** stopped by Ctrl-C / SIGTERM"));
        assertEquals(130, Interrupts.exitCode("INT"));
        assertEquals(143, Interrupts.exitCode("TERM"));
    }

    /** The README's sample {@code done:} line has the run's format, and names the demo conf's output folder. */
    @Test
    void theSampleLastLineHasTheFormatTheRunPrints() throws Exception {
        String format = TrainCommand.DONE.replace("%n", "");
        StringBuilder regex = new StringBuilder();
        Matcher spec = Pattern.compile("%(\\.1f|d|s)").matcher(format);
        int at = 0;
        int strings = 0;
        while (spec.find()) {
            regex.append(Pattern.quote(format.substring(at, spec.start())));
            regex.append(switch (spec.group(1)) {
                case "d" -> "\\d+";
                case ".1f" -> "\\d+\\.\\d";
                default -> strings++ == 0 ? "(test accuracy 0\\.\\d{4}, validation accuracy 0\\.\\d{4} )" : "(\\S+)";
            });
            at = spec.end();
        }
        regex.append(Pattern.quote(format.substring(at)));
        Matcher done = Pattern.compile("`" + regex + "`").matcher(section(readme(), "Two commands"));
        assertTrue(done.find(), "the README's sample line matches " + regex);
        String conf = Files.readString(TestData.projectDir().resolve("conf/spark-defaults.conf"));
        Matcher out = Pattern.compile("(?m)^spark\\.scratchnet\\.out\\s+(\\S+)$").matcher(conf);
        assertTrue(out.find());
        assertEquals(out.group(1), done.group(2), "the demo's output folder");
    }

    /** Every {@code package.Class} the book map names is a class of scratchnet. */
    @Test
    void theBookMapNamesClassesThatExist() throws Exception {
        String map = section(readme(), "The book, class by class");
        Matcher name = Pattern.compile("`((?:layers|network|partition|optim|training|run|spark|math|data|ml)\\.[A-Z]\\w*)").matcher(map);
        int found = 0;
        while (name.find()) {
            assertNotNull(Class.forName("dev.scratchnet." + name.group(1)), name.group(1));
            found++;
        }
        assertTrue(found >= 10, "the map names the classes: " + found);
    }

    @Test
    void theOutputsTableShowsTheMetricsHeaderTheRunWrites() throws Exception {
        assertTrue(section(readme(), "What a run writes (`spark.scratchnet.out`)").contains("`" + MetricsCsv.HEADER + "`"));
    }
}
