package org.lanspread.peer.internal;

import java.math.BigInteger;

/**
 * Orders game versions: numerically when both are digits only (dates such as 20240315, build numbers), else by
 * dot-separated parts compared numerically where they are numbers ("1.10" after "1.9"), else as text.
 */
final class Versions {

    private Versions() {
    }

    static int compare(String a, String b) {
        String[] left = a.split("[.\\-_]");
        String[] right = b.split("[.\\-_]");
        for (int i = 0; i < Math.max(left.length, right.length); i++) {
            String l = i < left.length ? left[i] : "";
            String r = i < right.length ? right[i] : "";
            int order;
            if (l.matches("\\d+") && r.matches("\\d+")) {
                order = new BigInteger(l).compareTo(new BigInteger(r));
            } else {
                order = l.compareTo(r);
            }
            if (order != 0) {
                return order;
            }
        }
        return 0;
    }
}
