"""`python -m bot.sandbox --listen HOST:PORT` (or `unix:/path/to.sock`): the sandbox as its own
service (see _server.py), configured by the same SANDBOX__* settings as the bot's own sandbox.

Once listening it prints one line, `sandbox service: listening on ADDRESS (...)`, with the
address actually bound (port 0 picks a free one). A refused start is one line on stderr and
exit status 2."""

from __future__ import annotations

import argparse
import asyncio
import sys

from bot import logs
from bot.sandbox._server import Listen, ServiceError, serve
from bot.settings import SettingsError, load_settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bot.sandbox",
        description="Serve sandboxed runs over HTTP to bots that set SANDBOX__URL.")
    parser.add_argument("--listen", required=True, metavar="HOST:PORT|unix:/PATH",
                        help="a loopback address needs no token; any other needs SANDBOX__TOKEN")
    args = parser.parse_args(argv)
    try:
        listen = Listen.parse(args.listen)
        settings = load_settings()
    except (ValueError, SettingsError) as exc:
        print(f"sandbox service: {exc}", file=sys.stderr)
        return 2
    sandbox = settings.sandbox
    token = sandbox.token.get_secret_value() if sandbox.token else None
    logs.configure(settings.log.level, [token] if token else [])

    def ready(address: str, service) -> None:
        state = "available" if service.available else f"UNAVAILABLE: {service.reason}"
        print(f"sandbox service: listening on {address} ({state})", flush=True)

    try:
        return asyncio.run(serve(listen, sandbox.config(), token=token,
                                 max_body=sandbox.max_body_kb * 1024,
                                 socket_mode=int(sandbox.socket_mode, 8),
                                 socket_gid=sandbox.socket_gid, ready=ready))
    except ServiceError as exc:
        print(f"sandbox service: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
