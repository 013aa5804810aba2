package org.lanspread.ui.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.eclipse.swt.SWT;
import org.eclipse.swt.graphics.GC;
import org.eclipse.swt.graphics.Image;
import org.eclipse.swt.graphics.ImageData;
import org.eclipse.swt.graphics.ImageLoader;
import org.eclipse.swt.graphics.Rectangle;
import org.eclipse.swt.widgets.Display;

/** PNGs of the screen under target/screenshots, for people to look at (never asserted). */
public final class Screenshots {

    private Screenshots() {
    }

    /** The screen area {@code bounds} (display coordinates) as target/screenshots/NAME.png. */
    public static Path save(Display display, Rectangle bounds, String name) throws IOException {
        GC gc = new GC(display);
        Image image = new Image(display, bounds.width, bounds.height);
        try {
            gc.copyArea(image, bounds.x, bounds.y);
        } finally {
            gc.dispose();
        }
        try {
            ImageLoader loader = new ImageLoader();
            loader.data = new ImageData[] { image.getImageData() };
            Path file = Path.of("target", "screenshots", name + ".png");
            Files.createDirectories(file.getParent());
            loader.save(file.toString(), SWT.IMAGE_PNG);
            return file;
        } finally {
            image.dispose();
        }
    }
}
