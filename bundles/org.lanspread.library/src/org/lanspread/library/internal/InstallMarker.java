package org.lanspread.library.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * {@code local/.lanspread.json}: written by an install, it records the version that was unpacked, so that a
 * different downloaded version can be recognised as an update.
 */
final class InstallMarker {

    static final String FILE_NAME = ".lanspread.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private InstallMarker() {
    }

    /** The installed version, or {@code null} when the install has no (readable) marker. */
    static String installedVersion(Path local) {
        Path marker = local.resolve(FILE_NAME);
        try {
            JsonNode node = JSON.readTree(Files.readAllBytes(marker));
            JsonNode version = node == null ? null : node.get("version");
            return version != null && version.isTextual() && !version.asText().isBlank() ? version.asText() : null;
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            return null; // an install without a usable marker is still an install; its version is unknown
        }
    }
}
