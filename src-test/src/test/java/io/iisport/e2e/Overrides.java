package io.iisport.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Override web.xml files that change init-params of the WAR's filters, as a deployer would without rebuilding. */
final class Overrides {
    private Overrides() {
    }

    /**
     * Writes an override descriptor.
     *
     * @param dir where to write it
     * @param filtersAndParams groups of {filter name, param name, value, param name, value, ...}
     * @return the file
     */
    static Path write(Path dir, String[]... filtersAndParams) throws IOException {
        StringBuilder xml = new StringBuilder("""
                <?xml version="1.0" encoding="UTF-8"?>
                <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
                """);
        for (String[] filter : filtersAndParams) {
            xml.append("  <filter>\n    <filter-name>").append(filter[0]).append("</filter-name>\n");
            for (int i = 1; i < filter.length; i += 2) {
                xml.append("    <init-param><param-name>").append(filter[i]).append("</param-name><param-value>")
                        .append(filter[i + 1]).append("</param-value></init-param>\n");
            }
            xml.append("  </filter>\n");
        }
        xml.append("</web-app>\n");
        Path file = Files.createTempFile(dir, "override-web", ".xml");
        Files.writeString(file, xml, StandardCharsets.UTF_8);
        return file;
    }
}
