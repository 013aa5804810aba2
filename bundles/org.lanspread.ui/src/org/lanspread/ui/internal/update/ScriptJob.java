package org.lanspread.ui.internal.update;

import java.io.IOException;
import java.util.List;
import java.util.function.Consumer;

import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Text;

/**
 * Runs the product script off the UI thread: each line it prints is appended to a text widget as it comes (and told
 * to a listener, on the UI thread), and the result is handed to the UI thread at the end (not when the widget is gone
 * by then). {@link #cancel()} asks the script to stop (SIGTERM): what it does then is the script's to say.
 */
final class ScriptJob {

    private volatile Process process;
    private volatile boolean cancelRequested;

    private ScriptJob() {
    }

    static ScriptJob start(ProductScript script, List<String> args, Text output, Consumer<ProductScript.Result> done) {
        return start(script, args, output, line -> { }, done);
    }

    static ScriptJob start(ProductScript script, List<String> args, Text output, Consumer<String> onLine,
            Consumer<ProductScript.Result> done) {
        ScriptJob job = new ScriptJob();
        Display display = output.getDisplay();
        Thread worker = new Thread(() -> {
            ProductScript.Result result;
            try {
                job.process = script.start(args);
                if (job.cancelRequested) {
                    job.process.toHandle().destroy();
                }
                result = ProductScript.read(job.process, line -> display.asyncExec(() -> {
                    if (!output.isDisposed()) {
                        output.append(line + "\n");
                        onLine.accept(line);
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
        return job;
    }

    /**
     * Sends the script SIGTERM (now, or as soon as it has started). Through its handle: {@link Process#destroy()}
     * would also close the pipe, and the script's last words (what the cancel left) would be lost.
     */
    void cancel() {
        cancelRequested = true;
        Process running = process;
        if (running != null) {
            running.toHandle().destroy();
        }
    }
}
