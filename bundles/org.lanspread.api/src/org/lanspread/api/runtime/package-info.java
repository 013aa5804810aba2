/**
 * Runtime-wide conventions shared by the bundles. Exported at version 0.1.0.
 */
package org.lanspread.api.runtime;
