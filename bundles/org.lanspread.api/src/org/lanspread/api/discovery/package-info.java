/**
 * Finding peers on the LAN. Exported at version 0.2.0 (0.2: sessions opened through a factory).
 */
package org.lanspread.api.discovery;
