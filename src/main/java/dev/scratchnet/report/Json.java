package dev.scratchnet.report;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DatabindException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.scratchnet.ScratchnetException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * JSON files (run summaries, network descriptions, checkpoint metadata) through one shared Jackson mapper.
 *
 * <p>Output is pretty-printed, written atomically and ends with a newline. Records serialize by their
 * components. {@code NaN} and infinities are written as the strings {@code "NaN"}, {@code "Infinity"},
 * which Jackson reads back into doubles. Unknown properties fail the read: a typo in a description should
 * not be silently ignored.
 */
public final class Json {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    private Json() {
    }

    /** The shared, configured mapper. Thread-safe for reading and writing; do not reconfigure it. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** Writes {@code value} as pretty-printed JSON to {@code file} atomically. */
    public static void write(Path file, Object value) {
        byte[] json = bytes(value);
        AtomicFiles.write(file, out -> out.write(json));
    }

    /**
     * Reads {@code file} as a {@code type}.
     *
     * @throws ScratchnetException "{@code <file> is not valid JSON: ...}" on a syntax error,
     *                             "{@code <file> does not describe a <Type>: ...}" when the JSON does not fit
     */
    public static <T> T read(Path file, Class<T> type) {
        try (InputStream in = Files.newInputStream(file)) {
            return MAPPER.readValue(in, type);
        } catch (IOException e) {
            throw failure(file.toString(), e, type.getSimpleName());
        }
    }

    /** Reads {@code file} as a JSON tree; same errors as {@link #read}. */
    public static JsonNode readTree(Path file) {
        byte[] json;
        try {
            json = Files.readAllBytes(file);
        } catch (IOException e) {
            throw failure(file.toString(), e, "JSON tree");
        }
        return readTree(json, file.toString());
    }

    /**
     * Parses {@code json} (bytes from inside another file) as a JSON tree; errors name {@code source}
     * and read as {@link #readTree(Path)}'s do.
     */
    public static JsonNode readTree(byte[] json, String source) {
        try {
            JsonNode node = MAPPER.readTree(json);
            if (node == null || node.isMissingNode()) {
                throw new ScratchnetException(source + " is not valid JSON: the file is empty");
            }
            return node;
        } catch (IOException e) {
            throw failure(source, e, "JSON tree");
        }
    }

    /** {@code value} as the bytes {@link #write} puts in a file. */
    public static byte[] bytes(Object value) {
        try {
            byte[] json = MAPPER.writeValueAsBytes(value);
            byte[] withNewline = java.util.Arrays.copyOf(json, json.length + 1);
            withNewline[json.length] = '\n';
            return withNewline;
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialize " + value.getClass().getName() + " to JSON", e);
        }
    }

    private static ScratchnetException failure(String file, IOException e, String what) {
        if (e instanceof NoSuchFileException) {
            return new ScratchnetException(file + " does not exist", e);
        }
        if (e instanceof MismatchedInputException m && m.getOriginalMessage().startsWith("No content to map")) {
            return new ScratchnetException(file + " is not valid JSON: the file is empty", e);
        }
        if (e instanceof StreamReadException parse) {
            return new ScratchnetException(file + " is not valid JSON: " + describe(parse), e);
        }
        if (e instanceof DatabindException mapping) {
            return new ScratchnetException(file + " does not describe a " + what + ": " + describe(mapping), e);
        }
        return new ScratchnetException("cannot read " + file + ": " + AtomicFiles.oneLine(e), e);
    }

    /** The first line of the parser's own message, plus where in the file it stopped. */
    private static String describe(JacksonException e) {
        String message = e.getOriginalMessage() == null ? e.getClass().getSimpleName() : e.getOriginalMessage();
        String first = message.lines().findFirst().orElse("").strip();
        JsonLocation at = e.getLocation();
        if (at != null && at.getLineNr() > 0) {
            first += " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
        }
        return first;
    }
}
