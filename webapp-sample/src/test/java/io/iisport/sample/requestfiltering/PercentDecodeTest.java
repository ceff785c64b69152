package io.iisport.sample.requestfiltering;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** How Request Filtering decodes a raw URL path before matching sequences, extensions and segments. */
class PercentDecodeTest {
    @ParameterizedTest
    @CsvSource({
        "/a/b, /a/b",
        "/%7Ebackup, /~backup",
        "/%2e%2E/x, /../x",
        "/caf%C3%A9, /café",
        "/100%, /100%",
        "/%zz, /%zz",
        "/a+b, /a+b"
    })
    void decodes(String raw, String decoded) {
        assertThat(RequestFilteringModule.RequestFilteringHttpModule.percentDecode(raw), is(decoded));
    }
}
