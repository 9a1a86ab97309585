package dev.scratchnet;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scratchnet.testing.TestData;
import dev.scratchnet.spark.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README stays true to the code: its settings table is the one the code generates. */
class ReadmeTest {
    @Test
    void readmeHasTheGeneratedSettingsTableAndTheTwoCommands() throws Exception {
        String readme = Files.readString(TestData.projectDir().resolve("README.md"));
        Path generated = TestData.projectDir().resolve("target/settings-tables.md");
        Files.createDirectories(generated.getParent());
        Files.writeString(generated, Settings.markdownTables());
        assertTrue(readme.contains("<!-- settings:begin -->\n" + Settings.markdownTables() + "<!-- settings:end -->"),
                "README.md's settings tables are out of date; put " + generated + " between its settings markers");
        assertTrue(readme.contains("./submit.sh "), "the main job command");
        assertTrue(readme.contains("mvn -B verify"), "the test command");
        String ci = Files.readString(TestData.projectDir().resolve(".ci/run"));
        assertTrue(ci.contains("mvn -B verify"), "CI runs the README's test command");
        assertTrue(Files.isExecutable(TestData.projectDir().resolve("submit.sh")));
        assertTrue(Files.exists(Path.of(TestData.projectDir().toString(), "conf", "book.conf")));
    }
}
