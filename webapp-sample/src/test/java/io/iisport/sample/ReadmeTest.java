package io.iisport.sample;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * What the README and docs/PORTING.md tell a newcomer to copy stays true: the module example is the test source
 * {@code com.example.DisconnectModule} and its test {@code com.example.DisconnectModuleTest}, which this build
 * compiles and runs, and the coordinates carry the project's version.
 */
class ReadmeTest {

    /** Reads a path given by a system property that the build sets. */
    static String read(String property) throws IOException {
        String value = System.getProperty(property);
        if (value == null) {
            fail("system property " + property + " is not set: run the tests through Maven");
        }
        return Files.readString(Path.of(value));
    }

    /**
     * Returns the body of the first fenced block of that language after the heading.
     *
     * @param markdown the document
     * @param heading the heading line, for example {@code "## A module, ported"}
     * @param language the info string of the fence, for example {@code "java"}
     */
    static String block(String markdown, String heading, String language) {
        int at = markdown.indexOf("\n" + heading + "\n");
        if (at < 0) {
            fail("no heading \"" + heading + "\"");
        }
        String fence = "\n```" + language + "\n";
        int start = markdown.indexOf(fence, at);
        if (start < 0) {
            fail("no ```" + language + " block after \"" + heading + "\"");
        }
        start += fence.length();
        int end = markdown.indexOf("\n```\n", start);
        return markdown.substring(start, end + 1);
    }

    @Test
    void theModuleExampleIsTheCompiledTestSource() throws IOException {
        String source = Files.readString(Path.of("src/test/java/com/example/DisconnectModule.java"));
        assertThat(block(read("iisport.readme"), "## A module, ported", "java"), is(source));
    }

    @Test
    void thePortingGuidesTestExampleIsTheCompiledTestSource() throws IOException {
        String source = Files.readString(Path.of("src/test/java/com/example/DisconnectModuleTest.java"));
        String porting = read("iisport.porting");
        assertThat(block(porting, "## Testing a module", "java"), is(source));
        assertThat(block(porting, "## Testing a module", "xml"),
                containsString("<version>" + System.getProperty("iisport.version") + "</version>"));
    }

    @Test
    void theCoordinatesHaveTheProjectVersion() throws IOException {
        String version = System.getProperty("iisport.version");
        String readme = read("iisport.readme");
        assertThat(block(readme, "## Drop it into a WAR", "xml"), is("""
                <dependency>
                  <groupId>io.iisport</groupId>
                  <artifactId>iisport-filter-api</artifactId>
                  <version>%s</version>
                </dependency>
                """.formatted(version)));
        assertThat(readme, containsString("implementation(\"io.iisport:iisport-filter-api:" + version + "\")"));
    }
}
