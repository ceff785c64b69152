package io.iisport.e2e;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Captures what is written to {@code System.err} (where slf4j-simple writes, the server's and the WAR's own) while
 * still passing it through, and what is logged through the JDK's platform logging (where iisport's filter logs, as
 * {@code System.Logger} without a provider goes to {@code java.util.logging}), as {@code LEVEL logger - message}.
 */
final class LogCapture implements AutoCloseable {
    private final PrintStream original = System.err;
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
    private final java.util.logging.Handler platformLog = new java.util.logging.Handler() {
        @Override
        public void publish(java.util.logging.LogRecord record) {
            String line = record.getLevel() + " " + record.getLoggerName() + " - "
                    + new java.util.logging.SimpleFormatter().formatMessage(record) + "\n";
            synchronized (captured) {
                captured.writeBytes(line.getBytes(StandardCharsets.UTF_8));
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    LogCapture() {
        java.util.logging.Logger.getLogger("").addHandler(platformLog);
        System.setErr(new PrintStream(new OutputStream() {
            @Override
            public void write(int b) {
                original.write(b);
                synchronized (captured) {
                    captured.write(b);
                }
            }

            @Override
            public void write(byte[] bytes, int offset, int length) {
                original.write(bytes, offset, length);
                synchronized (captured) {
                    captured.write(bytes, offset, length);
                }
            }
        }, true, StandardCharsets.UTF_8));
    }

    String text() {
        synchronized (captured) {
            return captured.toString(StandardCharsets.UTF_8);
        }
    }

    List<String> lines(String containing) {
        return text().lines().filter(line -> line.contains(containing)).toList();
    }

    /** Waits until a line containing all the parts is logged (the log line may follow the response). */
    String awaitLine(String... parts) throws InterruptedException {
        String[] found = new String[1];
        Wire.awaitUntil("a log line with " + List.of(parts) + " in:\n" + text(), () -> {
            for (String line : text().lines().toList()) {
                boolean all = true;
                for (String part : parts) {
                    all &= line.contains(part);
                }
                if (all) {
                    found[0] = line;
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }

    @Override
    public void close() {
        java.util.logging.Logger.getLogger("").removeHandler(platformLog);
        System.setErr(original);
    }
}
