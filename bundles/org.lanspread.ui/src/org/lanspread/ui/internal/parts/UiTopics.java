package org.lanspread.ui.internal.parts;

/** Topics the UI's parts use among themselves on the event broker (the runtime's are in RuntimeTopics). */
final class UiTopics {

    /** The game selected in the Games part: its id (a String), or "" for none. */
    static final String SELECTED = "org/lanspread/ui/GAME_SELECTED";

    /** A message for the status bar (a String), e.g. a notification where the desktop has no tray. */
    static final String STATUS_MESSAGE = "org/lanspread/ui/STATUS_MESSAGE";

    private UiTopics() {
    }
}
