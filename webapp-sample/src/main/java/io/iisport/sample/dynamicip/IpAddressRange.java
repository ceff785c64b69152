package io.iisport.sample.dynamicip;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * An IP address or a CIDR block ({@code 192.0.2.0/24}, {@code 2001:db8::/32}), standing for an IIS
 * {@code <ipSecurity><add ipAddress="..." subnetMask="..." allowed="false"/>} entry.
 */
public final class IpAddressRange {
    private static final Pattern LITERAL = Pattern.compile("[0-9a-fA-F:.]+");

    private final byte[] network;
    private final int prefixLength;
    private final String text;

    private IpAddressRange(byte[] network, int prefixLength, String text) {
        this.network = network;
        this.prefixLength = prefixLength;
        this.text = text;
    }

    /**
     * Parses an address or a CIDR block.
     *
     * @param text for example {@code 192.0.2.7}, {@code 192.0.2.0/24} or {@code ::1}
     * @return the range
     * @throws IllegalArgumentException if the text is no IP literal with an optional prefix length in range
     */
    public static IpAddressRange parse(String text) {
        String address = text;
        int slash = text.indexOf('/');
        String prefix = null;
        if (slash >= 0) {
            address = text.substring(0, slash);
            prefix = text.substring(slash + 1);
        }
        InetAddress parsed = parseLiteral(address);
        if (parsed == null) {
            throw new IllegalArgumentException("'" + text + "' is not an IP address or CIDR block");
        }
        byte[] bytes = parsed.getAddress();
        int bits = bytes.length * 8;
        int prefixLength = bits;
        if (prefix != null) {
            try {
                prefixLength = Integer.parseInt(prefix);
            } catch (NumberFormatException e) {
                prefixLength = -1;
            }
            if (prefixLength < 0 || prefixLength > bits) {
                throw new IllegalArgumentException("'" + text + "' has a prefix length outside 0 to " + bits);
            }
        }
        return new IpAddressRange(mask(bytes, prefixLength), prefixLength, text);
    }

    /**
     * Parses an IP literal without any name lookup.
     *
     * @param text the literal, IPv6 possibly in brackets
     * @return the address, or {@code null} if the text is not an IP literal
     */
    public static InetAddress parseLiteral(String text) {
        String literal = text.trim();
        if (literal.startsWith("[") && literal.endsWith("]")) {
            literal = literal.substring(1, literal.length() - 1);
        }
        // Only digits, hex letters, '.' and ':' reach InetAddress, so it never resolves a host name.
        if (literal.isEmpty() || !LITERAL.matcher(literal).matches()
                || (literal.indexOf(':') < 0 && !literal.matches("\\d{1,3}(\\.\\d{1,3}){3}"))) {
            return null;
        }
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /**
     * Tells whether an address lies in this range.
     *
     * @param address the address
     * @return {@code true} if it does; an IPv4 address never matches an IPv6 range nor the reverse
     */
    public boolean contains(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (bytes.length != network.length) {
            return false;
        }
        byte[] masked = mask(bytes, prefixLength);
        return java.util.Arrays.equals(masked, network);
    }

    private static byte[] mask(byte[] bytes, int prefixLength) {
        byte[] masked = bytes.clone();
        for (int i = 0; i < masked.length; i++) {
            int keep = Math.max(0, Math.min(8, prefixLength - i * 8));
            masked[i] &= (byte) (0xff << (8 - keep));
        }
        return masked;
    }

    @Override
    public String toString() {
        return text;
    }
}
