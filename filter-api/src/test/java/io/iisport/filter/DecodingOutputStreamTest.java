package io.iisport.filter;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import java.io.IOException;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The bytes a writer encoded, given back to the container's writer as the same characters. */
class DecodingOutputStreamTest {

    private static String roundTrip(String text, Charset charset, int... cuts) throws IOException {
        StringWriter target = new StringWriter();
        DecodingOutputStream out = new DecodingOutputStream(target, charset);
        byte[] bytes = text.getBytes(charset);
        int from = 0;
        for (int cut : cuts) {
            out.write(bytes, from, cut - from);
            from = cut;
        }
        out.write(bytes, from, bytes.length - from);
        out.flush();
        return target.toString();
    }

    @Test
    void aCharacterSplitAcrossWritesComesWhole() throws IOException {
        String text = "d\u00e9j\u00e0 \ud83d\ude00!";
        // "é" is bytes 1-2; the emoji's four bytes start at 8: cut inside both, the emoji twice.
        assertThat(roundTrip(text, StandardCharsets.UTF_8, 2, 9, 10), is(text));
        assertThat(roundTrip(text, StandardCharsets.UTF_16BE, 1, 7), is(text));
    }

    @Test
    void writesLongerThanItsCharacterBufferComeWholeAndInOrder() throws IOException {
        String text = "\u00e9abc".repeat(10_000);
        assertThat(roundTrip(text, StandardCharsets.UTF_8), is(text));
        assertThat(roundTrip(text, StandardCharsets.UTF_8, 1, 20_001), is(text));
        assertThat(roundTrip("", StandardCharsets.UTF_8), is(""));
    }

    @Test
    void closingItClosesTheContainersWriter() throws IOException {
        boolean[] closed = {false};
        Writer target = new StringWriter() {
            @Override
            public void close() {
                closed[0] = true;
            }
        };
        new DecodingOutputStream(target, StandardCharsets.UTF_8).close();
        assertThat(closed[0], is(true));
    }
}
