"""A small fake Discord: REST (API v10 paths) and a gateway websocket on 127.0.0.1.

Enough of Discord for the real discord.py client to log in, identify, sync commands, receive
INTERACTION_CREATE events and answer them through interaction callbacks and webhooks. Every
request is recorded (`server.requests`) so tests can assert what the bot really sent.

Run it alone to try the bot by hand: `python -m tests.adapters.discord.fake_discord --port 8765
--demo`, then start `python -m bot` with the three DISCORD__ settings it prints.
"""

from __future__ import annotations

import asyncio
import email.policy
import functools
import itertools
import json
import logging
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import Message
from email.parser import BytesParser
from typing import Any

from aiohttp import WSMsgType, web

log = logging.getLogger(__name__)

TOKEN = "fake-token"
APP_ID = "1100000000000000001"
BOT_ID = APP_ID
GUILD_ID = "1200000000000000001"
CHANNEL_ID = "1300000000000000001"
DM_CHANNEL_ID = "1300000000000000002"
GROUP_DM_ID = "1300000000000000003"  # a group DM the bot is not in (reached by a user install)
THREAD_ID = "1300000000000000004"  # a public thread in GUILD_ID
USER_ID = "1400000000000000001"
MANAGE_GUILD = 1 << 5
WAIT = 10.0  # seconds a test waits for the bot's request before failing
EVERYDAY = (1 << 10) | (1 << 11) | (1 << 14) | (1 << 31)  # view, send, embed links, use app commands


@dataclass(frozen=True)
class Upload:
    """A file the bot uploaded: one `files[n]` part of a multipart body."""

    field: str  # "files[0]", ...
    filename: str
    content_type: str
    data: bytes


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    json: Any
    at: float = field(default_factory=time.monotonic)  # when it arrived (benchmarks)
    files: list[Upload] = field(default_factory=list)


@dataclass
class FakeDiscord:
    token: str = TOKEN
    host: str = "127.0.0.1"
    port: int = 0
    requests: list[Request] = field(default_factory=list)
    identifies: list[dict[str, Any]] = field(default_factory=list)
    commands: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # scope -> commands
    forbidden_channels: set[str] = field(default_factory=set)  # posting there answers 403
    no_embed_channels: set[str] = field(default_factory=set)  # embeds there answer 403 (no Embed Links)
    voice_channels: set[str] = field(default_factory=set)  # not text: posting there answers 400
    reject_commands: bool = False  # PUT commands answers 400 (an invalid command)
    reject_identify: bool = False  # the gateway closes with 4004 (authentication failed)
    refuse_uploads: bool = False  # a request carrying files answers 413 (too large)

    def __post_init__(self) -> None:
        self._ids = itertools.count(1_500_000_000_000_000_001)
        self._sockets: list[web.WebSocketResponse] = []
        self._shards: dict[web.WebSocketResponse, tuple[int, int]] = {}  # [id, count] identified
        self._seq = itertools.count(1)
        self._new_request = asyncio.Condition()
        self._identified = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self._refuse_until = 0.0  # monotonic time; the gateway answers 503 until then
        self.resumes: list[dict[str, Any]] = []
        self._resumed = asyncio.Event()
        self.messages: dict[str, dict[str, Any]] = {}  # id -> message, as Discord stores them

    # -- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> FakeDiscord:
        app = web.Application(middlewares=[self._record])
        api = "/api/v10"
        app.router.add_get("/gateway", self._gateway)
        app.router.add_get(f"{api}/users/@me", self._me)
        app.router.add_get(f"{api}/oauth2/applications/@me", self._application)
        app.router.add_get(f"{api}/gateway/bot", self._gateway_bot)
        app.router.add_put(f"{api}/applications/{{app}}/commands", self._put_commands)
        app.router.add_put(f"{api}/applications/{{app}}/guilds/{{guild}}/commands", self._put_commands)
        app.router.add_post(f"{api}/interactions/{{id}}/{{token}}/callback", self._callback)
        app.router.add_get(f"{api}/webhooks/{{app}}/{{token}}/messages/{{message}}", self._get_message)
        app.router.add_patch(f"{api}/webhooks/{{app}}/{{token}}/messages/{{message}}", self._edit_message)
        app.router.add_delete(f"{api}/webhooks/{{app}}/{{token}}/messages/{{message}}", self._delete)
        app.router.add_post(f"{api}/webhooks/{{app}}/{{token}}", self._followup)
        app.router.add_get(f"{api}/channels/{{channel}}", self._channel)
        app.router.add_post(f"{api}/channels/{{channel}}/messages", self._channel_message)
        app.router.add_patch(f"{api}/channels/{{channel}}/messages/{{message}}", self._edit_message)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def close(self) -> None:
        for ws in list(self._sockets):
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_base(self) -> str:
        return f"http://{self.host}:{self.port}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://{self.host}:{self.port}/gateway"

    # -- what tests look at ------------------------------------------------------------------

    def find(self, method: str, fragment: str) -> list[Request]:
        return [r for r in self.requests if r.method == method and fragment in r.path]

    async def wait_for(self, method: str, fragment: str, *, count: int = 1) -> list[Request]:
        """The matching requests, once at least `count` have arrived."""
        async def arrived() -> list[Request]:
            async with self._new_request:
                await self._new_request.wait_for(lambda: len(self.find(method, fragment)) >= count)
            return self.find(method, fragment)

        return await asyncio.wait_for(arrived(), WAIT)

    async def wait_identified(self) -> None:
        await asyncio.wait_for(self._identified.wait(), WAIT)

    async def wait_resumed(self, within: float = WAIT) -> None:
        """Until a client resumed its session (after `drop_gateway`)."""
        await asyncio.wait_for(self._resumed.wait(), within)

    async def drop_gateway(self, *, refuse_for: float = 0.0, code: int = 4000) -> None:
        """An outage: close every gateway connection (4000, "unknown error": the client
        should reconnect and resume) and refuse new ones with 503 for `refuse_for` seconds."""
        self._refuse_until = time.monotonic() + refuse_for
        for ws in list(self._sockets):
            await ws.close(code=code, message=b"dropped by the test")

    # -- events pushed to the bot ------------------------------------------------------------

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        """Send an event as Discord does: to the shard that holds its guild ((guild id >> 22)
        % shard count), a DM's to shard 0; a connection that identified without shard info
        gets everything."""
        payload = {"op": 0, "t": event, "s": next(self._seq), "d": data}
        guild = data.get("guild_id")
        for ws in list(self._sockets):
            shard = self._shards.get(ws)
            if shard is not None and shard[0] != shard_of(guild, shard[1]):
                continue
            await ws.send_str(json.dumps(payload))

    def user(self, user_id: str = USER_ID, name: str = "learner") -> dict[str, Any]:
        return {"id": user_id, "username": name, "discriminator": "0", "global_name": name.title(),
                "avatar": None, "bot": False}

    def interaction(self, kind: int, data: dict[str, Any], *, guild: bool = True,
                    admin: bool = False, message: dict[str, Any] | None = None,
                    user: dict[str, Any] | None = None, group_dm: bool = False,
                    guild_id: str = GUILD_ID) -> dict[str, Any]:
        """An INTERACTION_CREATE payload as Discord sends it (guild channel `guild_id`, the bot's
        DM, or with `group_dm` a group DM where the user took the bot along: context 2,
        installed to the user's account), from `user` (default: `self.user()`)."""
        ident = str(next(self._ids))
        user = user or self.user()
        payload: dict[str, Any] = {
            "id": ident, "application_id": APP_ID, "type": kind, "data": data,
            "token": f"itoken-{ident}", "version": 1, "locale": "en-US",
            "attachment_size_limit": 10_000_000, "entitlements": [],
            "authorizing_integration_owners": {"0": guild_id if guild else USER_ID},
            "app_permissions": str(EVERYDAY),
        }
        if guild:
            perms = EVERYDAY | (MANAGE_GUILD if admin else 0)
            payload.update(
                guild_id=guild_id, guild_locale="en-US", context=0, channel_id=CHANNEL_ID,
                channel={"id": CHANNEL_ID, "type": 0, "guild_id": guild_id, "name": "study",
                         "position": 0, "permission_overwrites": [], "nsfw": False,
                         "parent_id": None},
                member={"user": user, "roles": [], "joined_at": _now(), "deaf": False,
                        "mute": False, "flags": 0, "permissions": str(perms)},
            )
        elif group_dm:
            payload.update(context=2, channel_id=GROUP_DM_ID, user=user,
                           authorizing_integration_owners={"1": user["id"]},
                           channel={"id": GROUP_DM_ID, "type": 3, "name": "study group",
                                    "recipients": [user, self.user("1400000000000000077", "friend")],
                                    "owner_id": user["id"], "icon": None})
        else:
            payload.update(context=1, channel_id=DM_CHANNEL_ID, user=user,
                           channel={"id": DM_CHANNEL_ID, "type": 1, "recipients": [user]})
        if message is not None:
            payload["message"] = message
        return payload

    def resolved_channel(self, channel_id: str = THREAD_ID, *, kind: int = 11) -> dict[str, Any]:
        """A channel as Discord resolves it for a channel option (`data.resolved.channels`):
        by default a public thread of the server."""
        channel: dict[str, Any] = {"id": channel_id, "type": kind, "name": "daily-thread",
                                   "permissions": str(EVERYDAY), "guild_id": GUILD_ID}
        if kind in (10, 11, 12):
            channel.update(parent_id=CHANNEL_ID, thread_metadata={
                "archived": False, "auto_archive_duration": 10080, "locked": False,
                "archive_timestamp": _now()})
        return channel

    async def send_interaction(self, payload: dict[str, Any]) -> dict[str, Any]:
        await self.dispatch("INTERACTION_CREATE", payload)
        return payload

    def bot_message(self, *, components: list[dict[str, Any]] | None = None,
                    content: str = "", embeds: list[dict[str, Any]] | None = None,
                    author: dict[str, Any] | None = None,
                    attachments: list[dict[str, Any]] | None = None) -> dict[str, Any]:
        ident = str(next(self._ids))
        message = {
            "id": ident, "channel_id": CHANNEL_ID, "author": author or self.bot_user(),
            "content": content, "timestamp": _now(), "edited_timestamp": None, "tts": False,
            "mention_everyone": False, "mentions": [], "mention_roles": [],
            "attachments": attachments or [],
            "embeds": embeds or [], "pinned": False, "type": 0, "flags": 0,
            "components": components or [],
        }
        self.messages[ident] = message
        return message

    def _message_body(self, request: web.Request, raw: bytes) -> dict[str, Any]:
        """A message's JSON, with the files uploaded beside it as its `attachments`."""
        content_type = request.headers.get("Content-Type", "")
        body = _body(raw, content_type)
        if not isinstance(body, dict):
            return {}
        uploads = _uploads(raw, content_type)
        if uploads:
            # An interaction callback nests the message under "data".
            target = body["data"] if isinstance(body.get("data"), dict) else body
            described = {str(a.get("id")): a for a in target.get("attachments", [])}
            target["attachments"] = [{
                "id": str(next(self._ids)), "filename": u.filename, "size": len(u.data),
                "url": f"{self.api_base}/attachments/{u.filename}", "proxy_url": "",
                "content_type": u.content_type,
                "description": described.get(str(i), {}).get("description")}
                for i, u in enumerate(uploads)]
        return body

    def bot_user(self) -> dict[str, Any]:
        return {"id": BOT_ID, "username": "async-guru", "discriminator": "0", "global_name": None,
                "avatar": None, "bot": True}

    # -- REST --------------------------------------------------------------------------------

    @web.middleware
    async def _record(self, request: web.Request, handler: Any) -> web.StreamResponse:
        raw = await request.read()  # cached: handlers read it again
        body = _body(raw, request.headers.get("Content-Type", "")) if raw else None
        uploads = _uploads(raw, request.headers.get("Content-Type", "")) if raw else []
        async with self._new_request:
            self.requests.append(Request(request.method, request.path, dict(request.query), body,
                                         files=uploads))
            self._new_request.notify_all()
        if uploads and self.refuse_uploads:
            return _json({"message": "Request entity too large", "code": 40005}, status=413)
        # Interaction callbacks and webhooks are authorised by their token in the URL.
        if request.path.startswith("/api/") and "/interactions/" not in request.path \
                and "/webhooks/" not in request.path \
                and request.headers.get("Authorization") != f"Bot {self.token}":
            return _json({"message": "401: Unauthorized", "code": 0}, status=401)
        return await handler(request)

    async def _me(self, request: web.Request) -> web.Response:
        return _json({**self.bot_user(), "verified": True, "mfa_enabled": False,
                                  "flags": 0, "locale": "en-US"})

    async def _application(self, request: web.Request) -> web.Response:
        return _json({
            "id": APP_ID, "name": "async-guru", "description": "", "icon": None,
            "bot_public": True, "bot_require_code_grant": False, "verify_key": "00" * 32,
            "owner": self.user("1400000000000000009", "owner"), "flags": 0,
            "bot": self.bot_user(), "summary": "", "team": None,
        })

    async def _gateway_bot(self, request: web.Request) -> web.Response:
        return _json({"url": self.gateway_url, "shards": 1, "session_start_limit": {
            "total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}})

    async def _put_commands(self, request: web.Request) -> web.Response:
        if self.reject_commands:
            return _json({"message": "Invalid Form Body", "code": 50035}, status=400)
        payload = await request.json()
        scope = f"guild:{request.match_info['guild']}" if "guild" in request.match_info else "global"
        stored = [{**c, "id": str(next(self._ids)), "application_id": APP_ID, "version": "1",
                   "default_member_permissions": None} for c in payload]
        self.commands[scope] = stored
        return _json(stored)

    async def _callback(self, request: web.Request) -> web.Response:
        body = self._message_body(request, await request.read())
        kind = body.get("type")
        response: dict[str, Any] = {"interaction": {"id": request.match_info["id"], "type": 2}}
        data = body.get("data") or {}
        if kind in (4, 5):  # message, deferred message: the original response exists
            message = self.bot_message(content=data.get("content") or "",
                                       embeds=data.get("embeds"),
                                       components=data.get("components"),
                                       attachments=data.get("attachments"))
            self.messages["@original:" + request.match_info["token"]] = message
            response["interaction"]["response_message_id"] = message["id"]
            response["interaction"]["response_message_loading"] = kind == 5
            response["resource"] = {"type": kind, "message": message}
        return _json(response)

    def _original(self, request: web.Request) -> dict[str, Any]:
        key = request.match_info["message"]
        if key == "@original":
            key = "@original:" + request.match_info["token"]
        return self.messages.setdefault(key, self.bot_message())

    async def _get_message(self, request: web.Request) -> web.Response:
        return _json(self._original(request))

    async def _edit_message(self, request: web.Request) -> web.Response:
        body = self._message_body(request, await request.read())
        if "token" in request.match_info:
            message = self._original(request)
        else:
            message = self.messages.setdefault(request.match_info["message"], self.bot_message())
        for key in ("content", "embeds", "components", "attachments"):
            if key in body:
                message[key] = body[key] or ([] if key != "content" else "")
        message["edited_timestamp"] = _now()
        return _json(message)

    async def _delete(self, request: web.Request) -> web.Response:
        return web.Response(status=204)

    async def _followup(self, request: web.Request) -> web.Response:
        body = self._message_body(request, await request.read())
        message = self.bot_message(content=body.get("content") or "", embeds=body.get("embeds"),
                                   components=body.get("components"),
                                   attachments=body.get("attachments"))
        message["flags"] = body.get("flags", 0)
        return _json(message)

    async def _channel(self, request: web.Request) -> web.Response:
        return _json({"id": request.match_info["channel"], "type": 0,
                                  "guild_id": GUILD_ID, "name": "study", "position": 0,
                                  "permission_overwrites": [], "nsfw": False, "parent_id": None})

    async def _channel_message(self, request: web.Request) -> web.Response:
        if request.match_info["channel"] in self.forbidden_channels:
            return _json({"message": "Missing Permissions", "code": 50013}, status=403)
        if request.match_info["channel"] in self.voice_channels:
            return _json({"message": "Cannot send messages in a non-text channel", "code": 50008},
                         status=400)
        body = self._message_body(request, await request.read())
        if body.get("embeds") and request.match_info["channel"] in self.no_embed_channels:
            return _json({"message": "Missing Permissions", "code": 50013}, status=403)
        message = self.bot_message(content=body.get("content") or "", embeds=body.get("embeds"),
                                   components=body.get("components"),
                                   attachments=body.get("attachments"))
        message["channel_id"] = request.match_info["channel"]
        return _json(message)

    # -- gateway -----------------------------------------------------------------------------

    async def _gateway(self, request: web.Request) -> web.StreamResponse:
        if time.monotonic() < self._refuse_until:
            return web.Response(status=503, text="gateway unavailable")
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._sockets.append(ws)
        await ws.send_str(json.dumps({"op": 10, "d": {"heartbeat_interval": 41_250}}))
        try:
            async for msg in ws:
                if msg.type is not WSMsgType.TEXT:
                    continue
                frame = json.loads(msg.data)
                if frame["op"] == 1:  # heartbeat
                    await ws.send_str(json.dumps({"op": 11}))
                elif frame["op"] == 2:  # identify
                    self.identifies.append(frame["d"])
                    if self.reject_identify or frame["d"].get("token") != self.token:
                        await ws.close(code=4004, message=b"Authentication failed.")
                        break
                    shard = frame["d"].get("shard")
                    if shard is not None:
                        self._shards[ws] = (int(shard[0]), int(shard[1]))
                    await ws.send_str(json.dumps({"op": 0, "t": "READY", "s": next(self._seq), "d": {
                        "v": 10, "user": self.bot_user(), "guilds": [], "session_id": "fake-session",
                        "resume_gateway_url": self.gateway_url, "shard": list(shard or (0, 1)),
                        "application": {"id": APP_ID, "flags": 0},
                    }}))
                    self._identified.set()
                elif frame["op"] == 6:  # resume after a drop: replay nothing, say RESUMED
                    self.resumes.append(frame["d"])
                    self._resumed.set()
                    await ws.send_str(json.dumps({"op": 0, "t": "RESUMED", "s": next(self._seq),
                                                  "d": {}}))
        finally:
            self._sockets.remove(ws)
            self._shards.pop(ws, None)
        return ws


def shard_of(guild_id: str | int | None, count: int) -> int:
    """The shard Discord sends a guild's events to; DMs (no guild) go to shard 0."""
    return 0 if guild_id is None else (int(guild_id) >> 22) % count


def _json(data: Any, *, status: int = 200) -> web.Response:
    # Exactly "application/json", as Discord sends it: discord.py parses nothing else.
    return web.Response(body=json.dumps(data).encode(), status=status,
                        headers={"Content-Type": "application/json"})


@functools.lru_cache(maxsize=8)
def _form(raw: bytes, content_type: str) -> tuple[bytes | None, tuple[Upload, ...]]:
    """A multipart/form-data body's "payload_json" part and its files, parsed once per body: the
    recorder and the handler both read it, and the email parser is the fake's costliest work
    (with pictures in the answers, most of the benchmarks' load generator's time)."""
    parsed = BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + raw)
    parts: list[Message] = list(parsed.iter_parts()) if parsed.is_multipart() else []
    payload = next((part.get_payload(decode=True) for part in parts
                    if part.get_param("name", header="content-disposition") == "payload_json"), None)
    uploads = tuple(Upload(str(part.get_param("name", header="content-disposition")),
                           part.get_filename() or "", part.get_content_type(),
                           part.get_payload(decode=True))
                    for part in parts if part.get_filename() is not None)
    return payload, uploads


def _body(raw: bytes, content_type: str) -> Any:
    if content_type.startswith("multipart/"):
        # With files, discord.py sends the JSON as the "payload_json" part, the files as
        # "files[n]" parts (and their ids and descriptions under "attachments" in the JSON).
        payload, _ = _form(raw, content_type)
        return {} if payload is None else json.loads(payload)  # a fresh dict: callers change it
    try:
        return json.loads(raw)
    except ValueError:
        return raw.decode(errors="replace")


def _uploads(raw: bytes, content_type: str) -> list[Upload]:
    if not content_type.startswith("multipart/"):
        return []
    return list(_form(raw, content_type)[1])


def _now() -> str:
    return datetime.now(UTC).isoformat()


async def _demo(server: FakeDiscord) -> None:
    """What a user would do once the bot is connected: /term await, autocomplete, a click."""
    await server.wait_identified()
    print("bot identified; slash commands synced:",
          [c["name"] for cmds in server.commands.values() for c in cmds], flush=True)
    steps = [
        ("/term await", server.interaction(2, {"id": "1", "name": "term", "type": 1, "options": [
            {"name": "term", "type": 3, "value": "await"}]})),
        ("autocomplete 'co'", server.interaction(4, {"id": "1", "name": "term", "type": 1,
                                                      "options": [{"name": "term", "type": 3,
                                                                   "value": "co", "focused": True}]})),
        ("click 'ag:term event-loop'", server.interaction(
            3, {"custom_id": "ag:term event-loop", "component_type": 2},
            message=server.bot_message(components=[{"type": 1, "components": [
                {"type": 2, "style": 2, "label": "Event loop", "custom_id": "ag:term event-loop"}]}]))),
    ]
    for label, itx in steps:
        await server.send_interaction(itx)
        [call] = await server.wait_for("POST", f"/interactions/{itx['id']}/")
        data = call.json.get("data") or {}
        if "choices" in data:
            shown = ", ".join(c["value"] for c in data["choices"])
        else:
            embed = (data.get("embeds") or [{}])[0]
            buttons = [c["custom_id"] for row in data.get("components", []) for c in row["components"]]
            shown = f"embed title={embed.get('title')!r} url={embed.get('url')} " \
                    f"{len(embed.get('description', ''))} chars; buttons={buttons[:4]}…"
        print(f"{label} -> callback type {call.json['type']}: {shown}", flush=True)


async def _serve_forever(port: int, demo: bool) -> None:
    server = await FakeDiscord(port=port).start()
    print(f"DISCORD__TOKEN={server.token} DISCORD__API_BASE={server.api_base} "
          f"DISCORD__GATEWAY_URL={server.gateway_url}", flush=True)
    try:
        if demo:
            await _demo(server)
        await asyncio.Event().wait()
    finally:
        await server.close()


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="A fake Discord for trying the bot offline.")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--demo", action="store_true",
                        help="once the bot connects, send /term await, an autocomplete, a click")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    asyncio.run(_serve_forever(args.port, args.demo))
