package io.iisport.sample.dynamicip;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Deny-list entries: addresses and CIDR blocks, IPv4 and IPv6, parsed without name lookups. */
class IpAddressRangeTest {
    @ParameterizedTest
    @CsvSource({
        "192.0.2.0/24, 192.0.2.0, true",
        "192.0.2.0/24, 192.0.2.255, true",
        "192.0.2.0/24, 192.0.3.0, false",
        "192.0.2.77/24, 192.0.2.1, true",
        "10.1.2.3, 10.1.2.3, true",
        "10.1.2.3, 10.1.2.4, false",
        "0.0.0.0/0, 203.0.113.9, true",
        "0.0.0.0/0, ::1, false",
        "2001:db8::/32, 2001:db8:ffff::1, true",
        "2001:db8::/32, 2001:db9::1, false",
        "::/0, ::1, true",
        "10.0.0.0/9, 10.127.255.255, true",
        "10.0.0.0/9, 10.128.0.0, false"
    })
    void contains(String range, String address, boolean expected) {
        assertThat(IpAddressRange.parse(range).contains(IpAddressRange.parseLiteral(address)), is(expected));
    }

    @ParameterizedTest
    @ValueSource(strings = {"example.com", "localhost", "1.2.3", "1.2.3.4.5", "", "::g", "10.0.0.0/-1", "10.0.0.0/33",
        "2001:db8::/129", "10.0.0.0/x"})
    void rejectsWhatIsNoAddressOrBlock(String text) {
        IllegalArgumentException failure = assertThrows(IllegalArgumentException.class, () -> IpAddressRange.parse(text));
        assertThat(failure.getMessage(), containsString("'" + text + "'"));
    }

    @Test
    void parseLiteralNeverLooksUpNames() {
        assertThat(IpAddressRange.parseLiteral("localhost"), nullValue());
        assertThat(IpAddressRange.parseLiteral("cafe"), nullValue());
        assertThat(IpAddressRange.parseLiteral("[::1]").isLoopbackAddress(), is(true));
    }
}
