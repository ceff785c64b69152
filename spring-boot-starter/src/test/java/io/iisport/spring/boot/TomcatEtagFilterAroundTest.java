package io.iisport.spring.boot;

import org.junit.jupiter.api.Tag;

/** {@link EtagFilterAroundTestBase} on the embedded Tomcat. */
@Tag("tomcat")
class TomcatEtagFilterAroundTest extends EtagFilterAroundTestBase {
}
