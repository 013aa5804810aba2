package org.lanspread.api.launch;

import java.util.ArrayList;
import java.util.List;

/** Reads launch commands: words separated by blanks, double quotes around a word that holds blanks. */
public final class LaunchCommands {

    private LaunchCommands() {
    }

    /**
     * Splits {@code command} into words; null or blank: none.
     *
     * @throws IllegalArgumentException for an unclosed quote
     */
    public static List<String> parse(String command) {
        List<String> words = new ArrayList<>();
        if (command == null) {
            return words;
        }
        StringBuilder word = new StringBuilder();
        boolean quoted = false;
        boolean inWord = false;
        for (char c : command.strip().toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
                inWord = true;
            } else if (Character.isWhitespace(c) && !quoted) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (quoted) {
            throw new IllegalArgumentException("unclosed quote in the launch command '" + command + "'");
        }
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }
}
