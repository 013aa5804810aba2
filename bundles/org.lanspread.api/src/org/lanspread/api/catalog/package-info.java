/**
 * The bundled game catalog: names and metadata for games by id. Exported at version 0.2.0 (0.2: launch commands).
 */
package org.lanspread.api.catalog;
