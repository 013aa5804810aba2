package org.lanspread.ui.internal.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkUtil;

/** File › Open Log Folder: in the window's menu, pointing where the running peer runtime writes its log. */
class OpenLogFolderTest {

    @Test
    void theMenuHasItAndItsHandlerLoadsFromTheUiBundle() throws Exception {
        Bundle ui = FrameworkUtil.getBundle(OpenLogFolderHandler.class);
        String model = new String(ui.getEntry("Application.e4xmi").openStream().readAllBytes());
        assertTrue(model.contains("label=\"Open &amp;Log Folder\" command=\"_lanspread_cmd_logs\""), model);
        String uri = "bundleclass://org.lanspread.ui/" + OpenLogFolderHandler.class.getName();
        assertTrue(model.contains("contributionURI=\"" + uri + "\" command=\"_lanspread_cmd_logs\""), model);
        assertEquals(OpenLogFolderHandler.class, ui.loadClass(OpenLogFolderHandler.class.getName()));
    }

    @Test
    void itOpensTheFolderTheRuntimeWritesItsLogTo() throws Exception {
        org.lanspread.testing.osgi.Runtimes.awaitStarted();
        Path folder = OpenLogFolderHandler.folder();
        Path current = folder.resolve("lanspread.0.log");
        assertTrue(Files.exists(current), "the runtime's log is where the menu item opens: " + folder);
        assertTrue(Files.readString(current).contains(": running on "), Files.readString(current));

        List<Path> launched = new ArrayList<>();
        assertNull(OpenLogFolderHandler.open(folder, launched::add));
        assertEquals(List.of(folder), launched);
    }

    @Test
    void whereNothingCanShowTheFolderTheUserIsToldWhereItIs(@TempDir Path dir) {
        String message = OpenLogFolderHandler.open(dir, f -> false);
        assertTrue(message.contains(dir.toString()) && message.contains("lanspread.0.log"), message);
        Path missing = dir.resolve("logs");
        message = OpenLogFolderHandler.open(missing, f -> {
            throw new AssertionError("nothing to open");
        });
        assertTrue(message.contains(missing + ", which does not exist yet"), message);
    }
}
