package dev.railyard.host.engine;

import java.util.List;

/**
 * Stop-string handling on a sequence's decoded text: cuts the text before a stop string, and
 * holds back text that may be the start of one, so a stop string never reaches a client.
 */
final class StopStrings {

    private StopStrings() {
    }

    /**
     * After new text was appended: returns the text that may be streamed now and marks the
     * sequence when a stop string matched (the text is then cut before it).
     */
    static String releasable(Sequence s) {
        StringBuilder text = s.text;
        List<String> stops = s.request.stopStrings();
        if (stops.isEmpty()) {
            return release(s, text.length());
        }
        int longest = 0;
        for (String stop : stops) {
            longest = Math.max(longest, stop.length());
        }
        int searchFrom = Math.max(0, s.streamedChars - longest);
        int hit = -1;
        for (String stop : stops) {
            int at = text.indexOf(stop, searchFrom);
            if (at >= 0 && (hit < 0 || at < hit)) {
                hit = at;
            }
        }
        if (hit >= 0) {
            text.setLength(hit);
            s.stopStringHit = true;
            return release(s, Math.max(hit, s.streamedChars));
        }
        return release(s, text.length() - heldBack(text, stops));
    }

    /** Everything not yet streamed. */
    static String releaseAll(Sequence s) {
        return release(s, s.text.length());
    }

    private static String release(Sequence s, int end) {
        if (end <= s.streamedChars) {
            return "";
        }
        String out = s.text.substring(s.streamedChars, end);
        s.streamedChars = end;
        return out;
    }

    /** Length of the longest suffix of {@code text} that is a proper prefix of a stop string. */
    private static int heldBack(StringBuilder text, List<String> stops) {
        int best = 0;
        int len = text.length();
        for (String stop : stops) {
            for (int k = Math.min(stop.length() - 1, len); k > best; k--) {
                if (endsWithPrefix(text, stop, k)) {
                    best = k;
                    break;
                }
            }
        }
        return best;
    }

    private static boolean endsWithPrefix(StringBuilder text, String stop, int k) {
        int base = text.length() - k;
        for (int i = 0; i < k; i++) {
            if (text.charAt(base + i) != stop.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
