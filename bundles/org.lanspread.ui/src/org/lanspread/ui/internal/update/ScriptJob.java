package org.lanspread.ui.internal.update;

import java.io.IOException;
import java.util.List;
import java.util.function.Consumer;

import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Text;

/**
 * Runs the product script off the UI thread: each line it prints is appended to a text widget as it comes, and the
 * result is handed to the UI thread at the end (not when the widget is gone by then).
 */
final class ScriptJob {

    private ScriptJob() {
    }

    static void start(ProductScript script, List<String> args, Text output, Consumer<ProductScript.Result> done) {
        Display display = output.getDisplay();
        Thread worker = new Thread(() -> {
            ProductScript.Result result;
            try {
                result = script.run(args, line -> display.asyncExec(() -> {
                    if (!output.isDisposed()) {
                        output.append(line + "\n");
                    }
                }));
            } catch (IOException e) {
                result = new ProductScript.Result(-1, List.of("lanspread: cannot run " + script.path() + ": "
                        + e.getMessage()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            ProductScript.Result ended = result;
            display.asyncExec(() -> {
                if (!output.isDisposed()) {
                    done.accept(ended);
                }
            });
        }, "lanspread-script " + String.join(" ", args));
        worker.setDaemon(true);
        worker.start();
    }
}
