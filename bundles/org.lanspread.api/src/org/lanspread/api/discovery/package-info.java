/**
 * Finding peers on the LAN. Exported at version 0.1.0.
 */
package org.lanspread.api.discovery;
