package org.lanspread.transport.quic.internal;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Strict reading of request fields: a number must be a JSON integer within its range (never a string, a fraction, or
 * a value cut to fit), a text must be a JSON string. A field that is not refuses the request, naming the field.
 */
final class RequestFields {

    private RequestFields() {
    }

    static String text(JsonNode message, String field) {
        JsonNode value = message.get(field);
        if (value == null || !value.isTextual()) {
            throw new IllegalArgumentException("the request has no text field '" + field + "'");
        }
        return value.asText();
    }

    static long integer(JsonNode message, String field, long min, long max) {
        JsonNode value = message.get(field);
        if (value == null || !value.isIntegralNumber() || !value.canConvertToLong()) {
            throw new IllegalArgumentException("'" + field + "' must be a whole number from " + min + " to " + max
                    + ", not " + (value == null ? "missing" : ServerStream.cut(value.toString())));
        }
        long n = value.longValue();
        if (n < min || n > max) {
            throw new IllegalArgumentException("'" + field + "' must be from " + min + " to " + max + ", not " + n);
        }
        return n;
    }
}
