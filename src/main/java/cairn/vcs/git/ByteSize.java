package cairn.vcs.git;

import java.util.Locale;

/** Sizes as the ini writes them: bytes, or a number with a {@code k}, {@code m} or {@code g} suffix (powers of 1024). */
public final class ByteSize {
    private ByteSize() {
    }

    /** The size in bytes; throws IllegalArgumentException with a readable reason. */
    public static long parse(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        if (t.endsWith("ib")) {
            t = t.substring(0, t.length() - 2);
        } else if (t.endsWith("b") && t.length() > 1 && !Character.isDigit(t.charAt(t.length() - 2))) {
            t = t.substring(0, t.length() - 1);
        }
        long unit = 1;
        if (!t.isEmpty()) {
            switch (t.charAt(t.length() - 1)) {
                case 'k' -> unit = 1L << 10;
                case 'm' -> unit = 1L << 20;
                case 'g' -> unit = 1L << 30;
                default -> unit = 1;
            }
        }
        String digits = unit == 1 ? t : t.substring(0, t.length() - 1).strip();
        long n;
        try {
            n = Long.parseLong(digits);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a size (bytes, or a number with k, m or g)");
        }
        if (n < 0) {
            throw new IllegalArgumentException("'" + text + "' is negative");
        }
        if (n > Long.MAX_VALUE / unit) {
            throw new IllegalArgumentException("'" + text + "' is too large");
        }
        return n * unit;
    }
}
