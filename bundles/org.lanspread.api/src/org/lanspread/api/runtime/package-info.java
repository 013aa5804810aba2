/**
 * The peer runtime service, its commands and results, the EventAdmin topics it posts, and runtime-wide
 * conventions shared by the bundles. Exported at version 0.2.0 (0.2: the runtime service).
 */
package org.lanspread.api.runtime;
