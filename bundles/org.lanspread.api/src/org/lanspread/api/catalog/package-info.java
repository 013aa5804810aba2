/**
 * The bundled game catalog: names and metadata for games by id. Exported at version 0.1.0.
 */
package org.lanspread.api.catalog;
