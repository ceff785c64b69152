package io.iisport.conformance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The known-differences ledger: one line per case and container that differs behind the filter today,
 * {@code <case> <container> <kind>}, the kind being the issue's {@code kind1} ... {@code kind9}, or {@code new}
 * for a difference the issue does not list. {@code #} starts a comment. A listed case must still differ; once it
 * behaves as bare, its line has to go.
 */
public final class Ledger {
    private static final Pattern KIND = Pattern.compile("kind[1-9]|new");

    private final Path file;
    private final Map<String, String> kinds = new LinkedHashMap<>();

    private Ledger(Path file) {
        this.file = file;
    }

    /**
     * Reads the ledger.
     *
     * @throws IllegalArgumentException naming the line, for a line that is not {@code <case> <container> <kind>}
     */
    public static Ledger read(Path file) {
        Ledger ledger = new Ledger(file);
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the ledger " + file, e);
        }
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).replaceFirst("#.*", "").trim();
            if (line.isEmpty()) {
                continue;
            }
            String[] words = line.split("\\s+");
            if (words.length != 3 || !KIND.matcher(words[2]).matches()) {
                throw new IllegalArgumentException(file + ":" + (i + 1) + ": expected '<case> <container> <kind>'"
                        + " with kind kind1..kind9 or new, got: " + lines.get(i));
            }
            if (ledger.kinds.put(key(words[0], words[1]), words[2]) != null) {
                throw new IllegalArgumentException(file + ":" + (i + 1) + ": listed twice: " + line);
            }
        }
        return ledger;
    }

    private static String key(String caseName, String container) {
        return caseName + " " + container;
    }

    /** @return the kind the ledger gives this case on this container, if it lists it */
    public Optional<String> kind(String caseName, String container) {
        return Optional.ofNullable(kinds.get(key(caseName, container)));
    }

    /** @return the case names the ledger lists for this container */
    public List<String> casesListedFor(String container) {
        return kinds.keySet().stream().filter(key -> key.endsWith(" " + container))
                .map(key -> key.substring(0, key.length() - container.length() - 1)).toList();
    }

    /** @return where the ledger is */
    public Path file() {
        return file;
    }
}
