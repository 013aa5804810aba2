package org.lanspread.library.internal;

import java.io.IOException;
import java.nio.file.Path;

import org.lanspread.api.library.GameLibrary;
import org.lanspread.api.library.GameLibraryFactory;
import org.lanspread.api.library.InvalidGameDirectoryException;
import org.osgi.service.component.annotations.Component;

/** The {@link GameLibraryFactory} service: libraries of game folders on the local disk. */
@Component(service = GameLibraryFactory.class)
public class LocalGameLibraryFactory implements GameLibraryFactory {

    @Override
    public GameLibrary open(Path stateDirectory, Path gameDirectory) throws IOException, InvalidGameDirectoryException {
        return new LocalGameLibrary(stateDirectory, gameDirectory);
    }
}
