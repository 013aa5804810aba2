#!/usr/bin/python3
"""An mDNS flood from an independent implementation (Debian's python3-zeroconf): announces COUNT fake LanSpread
services (_lanspread._udp.local.) from ADDRESS, most of them valid-looking (64-hex id, v=1, a port where nothing
listens) and some malformed (non-hex id, missing fields, port 0 or 99999 in TXT, version 999, a 200-character
name), holds them for SECONDS, then unregisters them and exits. Prints one line when all are registered and one
when they are gone. Only for network namespaces that the calling test creates.

usage: mdns_flood.py ADDRESS COUNT SECONDS
"""
import asyncio
import os
import socket
import sys
import time

from zeroconf import IPVersion
from zeroconf.asyncio import AsyncServiceInfo, AsyncZeroconf

TYPE = "_lanspread._udp.local."


def fake(i, address):
    """The i-th fake: every 10th is malformed in one of five ways."""
    props = {"id": os.urandom(32).hex(), "v": "1", "port": str(20000 + i), "name": "fake-%d" % i}
    port = 20000 + i
    if i % 50 == 0:
        props["id"] = "not-hex-" + "z" * 56
    elif i % 50 == 10:
        del props["id"], props["v"]
    elif i % 50 == 20:
        props["port"], port = "99999", 0
    elif i % 50 == 30:
        props["v"] = "999"
    elif i % 50 == 40:
        props["name"] = "n" * 200
    return AsyncServiceInfo(TYPE, "fake %d %s.%s" % (i, props.get("id", "none")[:8], TYPE),
                            addresses=[socket.inet_aton(address)], port=port, properties=props,
                            server="fake-%d.local." % i)


async def main(address, count, seconds):
    zc = AsyncZeroconf(interfaces=[address], ip_version=IPVersion.V4Only)
    infos = [fake(i, address) for i in range(count)]
    started = time.monotonic()
    # Registered in batches, concurrently: each registration announces its record three times.
    for first in range(0, count, 100):
        tasks = await asyncio.gather(*[zc.async_register_service(info, cooperating_responders=True)
                                       for info in infos[first:first + 100]])
        await asyncio.gather(*tasks)
    print("flood: %d services registered from %s in %.1f s" % (count, address, time.monotonic() - started),
          flush=True)
    await asyncio.sleep(seconds)
    await zc.async_unregister_all_services()
    await zc.async_close()
    print("flood: unregistered", flush=True)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2]), float(sys.argv[3])))
