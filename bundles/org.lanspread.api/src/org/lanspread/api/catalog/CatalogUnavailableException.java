package org.lanspread.api.catalog;

/** The catalog could not be opened or read; the message names the file and the reason. */
public class CatalogUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CatalogUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
