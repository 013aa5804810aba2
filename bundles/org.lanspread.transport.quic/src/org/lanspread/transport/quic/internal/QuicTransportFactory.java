package org.lanspread.transport.quic.internal;

import java.io.IOException;

import org.lanspread.api.transport.ContentSource;
import org.lanspread.api.transport.PeerTransport;
import org.lanspread.api.transport.PeerTransportFactory;
import org.lanspread.api.transport.TransportSettings;
import org.osgi.service.component.annotations.Component;

/**
 * The {@link PeerTransportFactory} service: QUIC transports on Netty. Stateless; each transport it opens is owned
 * (and closed) by whoever opened it.
 */
@Component(service = PeerTransportFactory.class)
public class QuicTransportFactory implements PeerTransportFactory {

    @Override
    public PeerTransport open(TransportSettings settings, ContentSource content) throws IOException {
        return new QuicPeerTransport(settings.stateDirectory(), settings.bind(), settings.name(), content,
                settings.uploads());
    }
}
