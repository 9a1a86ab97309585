package dev.scratchnet.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scratchnet.ScratchnetException;
import dev.scratchnet.config.Setting.Group;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** One declaration gives a setting its parse, format, validation, doc, table row and flags. */
class SettingTest {
    enum Colour implements Choice {
        RED, DARK_BLUE;

        @Override
        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    static final Setting<Integer> SIZE = Setting.integer(Group.NETWORK, "size", 3, 1, 9, "how big");
    static final Setting<Colour> COLOUR = Setting.choice(Group.DATA, "paint.colour", Colour.class, Colour.RED, "which paint")
            .trajectory();
    static final Setting<Integer> WORKERS = Setting.integerOrAuto(Group.ENGINE, "workers", 1, 64, "how many").param();
    static final List<Setting<?>> ALL = List.of(SIZE, COLOUR, WORKERS);

    @Test
    void parsesFormatsAndValidatesFromOneDeclaration() {
        Configuration c = Configuration.parse(ALL, Map.of("spark.scratchnet.paint.colour", " Dark-Blue ",
                "spark.scratchnet.workers", "auto", "spark.scratchnet.size", "9"));
        assertEquals(Colour.DARK_BLUE, c.get(COLOUR));
        assertEquals(0, c.get(WORKERS));
        assertEquals(9, c.get(SIZE));
        assertEquals(Map.of("spark.scratchnet.size", "9", "spark.scratchnet.paint.colour", "dark-blue",
                "spark.scratchnet.workers", "auto"), c.effective());
        assertEquals(16, Configuration.parse(ALL, Map.of("spark.scratchnet.workers", "1_6")).get(WORKERS),
                "underscores group digits, as in Java literals");
        assertEquals(Map.of("spark.scratchnet.paint.colour", "dark-blue"), c.trajectory());
        assertEquals("red | dark-blue", COLOUR.valid());
        assertEquals("auto or 1 .. 64", WORKERS.valid());
        assertEquals("paintColour", COLOUR.paramName());
        assertEquals("threads", WORKERS.param("threads").paramName(), "MLlib's name where it has one");
        assertTrue(WORKERS.isParam() && !SIZE.isParam());
    }

    @Test
    void aConfigurationKnowsWhichSettingsWereGiven() {
        Configuration c = Configuration.parse(ALL, Map.of("spark.scratchnet.size", "3"));
        assertTrue(c.isSet(SIZE), "given, even at its default value");
        assertTrue(!c.isSet(WORKERS));
        assertTrue(c.with(WORKERS, 4).isSet(WORKERS));
        assertTrue(!c.with(WORKERS, 4).withDefault(WORKERS, 2).isSet(WORKERS), "a default chosen for the data");
    }

    @Test
    void valuesSetInCodeAreValidatedLikeText() {
        Configuration c = Configuration.defaults(ALL);
        assertEquals(7, c.with(SIZE, 7).get(SIZE));
        assertEquals(3, c.get(SIZE), "immutable");
        ScratchnetException e = assertThrows(ScratchnetException.class, () -> c.with(SIZE, 10));
        assertEquals("spark.scratchnet.size: out of range, got '10' (valid: 1 .. 9)", e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> c.get(Setting.bool(Group.DATA, "other", true, "not in this configuration")));
    }

    @Test
    void theReadmeTablesAreGroupedAndEscaped() {
        String tables = Configuration.markdownTables(ALL);
        assertTrue(tables.startsWith("**Data**\n\n| setting | Param | meaning | default | valid values |"), tables);
        assertTrue(tables.contains("| `spark.scratchnet.paint.colour` |  | which paint | `red` | red \\| dark-blue |"), tables);
        assertTrue(tables.contains("| `spark.scratchnet.workers` | `workers` | how many | `auto` |"), tables);
        assertTrue(tables.indexOf("**Network**") < tables.indexOf("**The Spark engine**"), tables);
    }

    @Test
    void aSettingDeclaredTwiceIsAProgrammingError() {
        assertThrows(IllegalArgumentException.class, () -> Configuration.defaults(List.of(SIZE, SIZE)));
    }
}
