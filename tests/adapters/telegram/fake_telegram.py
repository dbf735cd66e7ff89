"""A small fake of the Telegram Bot API (aiohttp on 127.0.0.1) for running the REAL PTB
Application offline.

It keeps an update queue served by `getUpdates` long polling, records every call the bot makes
(method + decoded parameters), answers the methods the adapter uses with well-formed objects,
and can be told to fail a method once (e.g. HTTP 429 with `parameters.retry_after`).

Run it alone to try the bot by hand (see docs/telegram.md):
    python tests/adapters/telegram/fake_telegram.py --port 8081
then POST updates to http://127.0.0.1:8081/_push {"text": "/term await"} ({"poll_answer": 0}
votes on the last poll sent; with "url" the update is POSTed to that webhook, with the secret
set) and read the bot's answers at http://127.0.0.1:8081/_calls.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

TOKEN = "123:abc"
BOT_ID = 123
BOT_USERNAME = "async_guru_bot"


# The command scopes this fake keeps menus for, and the characters of a command's name.
MENU_SCOPES = ("default", "all_private_chats", "all_group_chats", "all_chat_administrators")
COMMAND_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_")


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    at: float = field(default_factory=time.monotonic)

    def json(self, name: str) -> Any:
        value = self.params.get(name)
        return json.loads(value) if isinstance(value, str) else value


@dataclass(frozen=True)
class Upload:
    """A file the bot uploaded, as the multipart body carried it."""

    filename: str
    content_type: str
    data: bytes


# PTB sends every non-string parameter JSON-encoded in a form field.
JSON_PARAMS = {"reply_markup", "results", "commands", "reply_parameters", "link_preview_options",
               "allowed_updates", "button", "scope", "options", "correct_option_ids"}


def _decode(name: str, value: str) -> Any:
    if name in JSON_PARAMS:
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


class FakeTelegram:
    def __init__(self, token: str = TOKEN, username: str = BOT_USERNAME) -> None:
        self.token = token
        self.bot_user = {"id": BOT_ID, "is_bot": True, "first_name": "async-guru",
                         "username": username, "can_join_groups": True,
                         "can_read_all_group_messages": False, "supports_inline_queries": True}
        self.calls: list[Call] = []
        self.get_updates: list[tuple[str, float]] = []  # (client, when) of each getUpdates
        self.admins: dict[int, set[int]] = {}  # chat id -> admin user ids
        self.chat_types: dict[int, str] = {}
        self.never_started: set[int] = set()  # users who never opened a private chat with the bot
        self._updates: list[dict[str, Any]] = []
        self._ids = itertools.count(1)
        self._message_ids = itertools.count(1000)
        self._poll_ids = itertools.count(5000)
        self.polls: dict[str, dict[str, Any]] = {}  # poll id -> the poll object sent
        # The bot's profile as Telegram keeps it: menus by (scope type, language code or ""),
        # descriptions by language code ("" for everyone else).
        self.menus: dict[tuple[str, str], list[dict[str, str]]] = {}
        self.descriptions: dict[str, str] = {}
        self.short_descriptions: dict[str, str] = {}
        self._failures: dict[str, list[tuple[int, dict[str, Any]]]] = {}
        self._changed = asyncio.Condition()
        self.webhook: dict[str, Any] = {}  # url, allowed_updates, secret_token while one is set
        self._runner: web.AppRunner | None = None
        self.port = 0

    # -- server ------------------------------------------------------------------------------

    async def start(self, port: int = 0) -> str:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        # The same API under a client's own prefix (`base_url_for`): tells bots apart.
        app.router.add_route("*", "/{client}/bot{token}/{method}", self._handle)
        app.router.add_post("/_push", self._push_http)
        app.router.add_get("/_calls", self._calls_http)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", port)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self.base_url

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    def base_url_for(self, client: str) -> str:
        """A base URL that reaches this fake as `client`: its getUpdates are told apart in
        `get_updates` (bots of one token in one test)."""
        return f"http://127.0.0.1:{self.port}/{client}/bot"

    def polls_by(self, client: str = "") -> list[float]:
        """When `client` (by its base URL; "" the default one) called getUpdates."""
        return [at for who, at in self.get_updates if who == client]

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response({"ok": False, "error_code": 401,
                                      "description": "Unauthorized"}, status=401)
        method = request.match_info["method"]
        if request.content_type == "application/json":
            # The same call as its form-encoded twin: what the tests read does not depend on
            # the encoding (PTB's form sends every scalar as text, and objects as JSON text).
            params = {k: _decode(k, v if isinstance(v, str) else json.dumps(v))
                      for k, v in (await request.json()).items()}
        else:
            form = await request.post()
            params = {k: _decode(k, v) for k, v in form.items() if isinstance(v, str)}
            # An upload (sendPhoto, sendDocument) is multipart: each file as (name, bytes).
            uploads = {k: Upload(v.filename, v.content_type, v.file.read())
                       for k, v in form.items() if isinstance(v, web.FileField)}
            if uploads:
                params["_files"] = uploads
        if self._failures.get(method):
            status, body = self._failures[method].pop(0)
            await self._record(Call(method + ":failed", params))
            return web.json_response(body, status=status)
        if method != "getUpdates":
            await self._record(Call(method, params))
        else:  # kept apart: a poller calls it all the time
            self.get_updates.append((request.match_info.get("client", ""), time.monotonic()))
        handler = getattr(self, "_m_" + method, None)
        if handler is None:
            return web.json_response({"ok": False, "error_code": 404,
                                      "description": f"Not Found: method {method}"}, status=404)
        result = await handler(params)
        if isinstance(result, web.Response):  # the method refused (an error response)
            return result
        return web.json_response({"ok": True, "result": result})

    async def _record(self, call: Call) -> None:
        async with self._changed:
            self.calls.append(call)
            self._changed.notify_all()

    # -- test controls -----------------------------------------------------------------------

    def fail_once(self, method: str, status: int, body: dict[str, Any]) -> None:
        self._failures.setdefault(method, []).append((status, body))

    def retry_after(self, method: str, seconds: int) -> None:
        self.fail_once(method, 429, {"ok": False, "error_code": 429,
                                     "description": f"Too Many Requests: retry after {seconds}",
                                     "parameters": {"retry_after": seconds}})

    async def push(self, update: dict[str, Any]) -> int:
        update_id = next(self._ids)
        async with self._changed:
            self._updates.append({"update_id": update_id, **update})
            self._changed.notify_all()
        return update_id

    async def wait_for(self, method: str, pred: Any = None, within: float = 10.0,
                       after: int = 0) -> Call:
        """The first recorded call of `method` (from index `after`) matching `pred`."""
        async def find() -> Call:
            seen = after  # each call is looked at once, however many arrive while waiting
            async with self._changed:
                while True:
                    while seen < len(self.calls):
                        call = self.calls[seen]
                        seen += 1
                        if call.method == method and (pred is None or pred(call)):
                            return call
                    await self._changed.wait()

        return await asyncio.wait_for(find(), within)

    def called(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    # -- update builders ---------------------------------------------------------------------

    def user(self, user_id: int = 42, name: str = "Asha", lang: str = "en") -> dict[str, Any]:
        return {"id": user_id, "is_bot": False, "first_name": name, "language_code": lang}

    def chat(self, chat_id: int) -> dict[str, Any]:
        kind = self.chat_types.get(chat_id, "private" if chat_id > 0 else "supergroup")
        chat: dict[str, Any] = {"id": chat_id, "type": kind}
        if kind != "private":
            chat["title"] = "Async learners"
        return chat

    async def send_text(self, text: str, *, chat_id: int = 42, user_id: int = 42,
                        name: str = "Asha", reply_to: dict[str, Any] | None = None) -> int:
        """A user's message; `reply_to`: the message it replies to (e.g. one the bot sent)."""
        return await self.push(self.text_update(text, chat_id=chat_id, user_id=user_id, name=name,
                                                reply_to=reply_to))

    def text_update(self, text: str, *, chat_id: int = 42, user_id: int = 42, name: str = "Asha",
                    reply_to: dict[str, Any] | None = None) -> dict[str, Any]:
        """The update (without its id) of a user's message, for `push` or `deliver`."""
        message = {"message_id": next(self._message_ids), "date": int(time.time()),
                   "chat": self.chat(chat_id), "from": self.user(user_id, name), "text": text}
        if reply_to is not None:
            message["reply_to_message"] = reply_to
        if text.startswith("/"):
            length = len(text.split()[0]) if text.split() else 1
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        return {"message": message}

    async def click(self, data: str, message: dict[str, Any], *, user_id: int = 42,
                    name: str = "Asha") -> int:
        return await self.push({"callback_query": {
            "id": f"cb{next(self._ids)}", "from": self.user(user_id, name), "chat_instance": "ci1",
            "message": message, "data": data}})

    async def inline(self, query: str, *, user_id: int = 42) -> int:
        return await self.push({"inline_query": {
            "id": f"iq{next(self._ids)}", "from": self.user(user_id), "query": query,
            "offset": ""}})

    async def poll_answer(self, poll_id: str, option: int, *, user_id: int = 42,
                          name: str = "Asha") -> int:
        """A user's vote (0-based option) on a non-anonymous poll the bot sent."""
        return await self.push({"poll_answer": {
            "poll_id": poll_id, "user": self.user(user_id, name), "option_ids": [option],
            "option_persistent_ids": [str(option)]}})

    def message_of(self, call: Call) -> dict[str, Any]:
        """The message object the fake returned for a sendMessage call."""
        return call.params["_message"]

    # -- Bot API methods ---------------------------------------------------------------------

    async def _m_getMe(self, p: dict[str, Any]) -> dict[str, Any]:
        return self.bot_user

    async def _m_getUpdates(self, p: dict[str, Any]) -> list[dict[str, Any]] | web.Response:
        if self.webhook:
            return web.json_response({"ok": False, "error_code": 409, "description":
                                      "Conflict: can't use getUpdates method while webhook is"
                                      " active; use deleteWebhook to delete the webhook first"},
                                     status=409)
        offset = int(p.get("offset") or 0)
        timeout = float(p.get("timeout") or 0)
        deadline = time.monotonic() + timeout
        # Like Telegram, updates of a type the bot did not ask for are never delivered.
        allowed = p.get("allowed_updates") or None
        async with self._changed:
            while True:
                self._updates = [u for u in self._updates if u["update_id"] >= offset
                                 and (allowed is None or any(k in u for k in allowed))]
                left = deadline - time.monotonic()
                if self._updates or left <= 0:
                    return list(self._updates)
                try:
                    await asyncio.wait_for(self._changed.wait(), left)
                except TimeoutError:
                    return list(self._updates)

    async def _m_sendMessage(self, p: dict[str, Any]) -> dict[str, Any] | web.Response:
        chat_id = int(p["chat_id"])
        if chat_id in self.never_started:
            return web.json_response({"ok": False, "error_code": 403, "description":
                                      "Forbidden: bot can't initiate conversation with a user"},
                                     status=403)
        message = {"message_id": next(self._message_ids), "date": int(time.time()),
                   "chat": self.chat(chat_id), "from": self.bot_user, "text": p["text"]}
        if isinstance(p.get("reply_markup"), dict):
            message["reply_markup"] = p["reply_markup"]
        p["_message"] = message
        return message

    def _media_message(self, p: dict[str, Any], kind: str) -> dict[str, Any] | web.Response:
        """The message of a sendPhoto / sendDocument: the upload becomes its file object."""
        upload = p.get("_files", {}).get(kind)
        if upload is None:  # the bot only ever uploads (a file id or URL is never sent)
            return web.json_response({"ok": False, "error_code": 400,
                                      "description": f"Bad Request: no {kind} uploaded"}, status=400)
        file_id = f"file{next(self._ids)}"
        chat_id = int(p["chat_id"])
        message: dict[str, Any] = {"message_id": next(self._message_ids), "date": int(time.time()),
                                   "chat": self.chat(chat_id), "from": self.bot_user}
        if kind == "photo":
            message["photo"] = [{"file_id": file_id, "file_unique_id": file_id, "width": 960,
                                 "height": 540, "file_size": len(upload.data)}]
        else:
            message["document"] = {"file_id": file_id, "file_unique_id": file_id,
                                   "file_name": upload.filename, "file_size": len(upload.data)}
        if p.get("caption"):
            message["caption"] = p["caption"]
        if isinstance(p.get("reply_markup"), dict):
            message["reply_markup"] = p["reply_markup"]
        p["_message"] = message
        return message

    async def _m_sendPhoto(self, p: dict[str, Any]) -> dict[str, Any] | web.Response:
        return self._media_message(p, "photo")

    async def _m_sendDocument(self, p: dict[str, Any]) -> dict[str, Any] | web.Response:
        return self._media_message(p, "document")

    async def _m_sendPoll(self, p: dict[str, Any]) -> dict[str, Any] | web.Response:
        chat_id = int(p["chat_id"])
        anonymous = p.get("is_anonymous", "true") != "false"
        if self.chat(chat_id)["type"] == "channel" and not anonymous:
            return web.json_response({"ok": False, "error_code": 400, "description":
                                      "Bad Request: non-anonymous polls can't be sent to channel chats"},
                                     status=400)
        texts = [o["text"] if isinstance(o, dict) else o for o in p["options"]]
        poll = {"id": str(next(self._poll_ids)), "question": p["question"],
                "options": [{"text": text, "voter_count": 0, "persistent_id": str(i)}
                            for i, text in enumerate(texts)],
                "total_voter_count": 0, "is_closed": False, "is_anonymous": anonymous,
                "type": p.get("type", "regular"), "allows_multiple_answers": False,
                "allows_revoting": False, "members_only": False}
        if p.get("correct_option_ids") is not None:
            poll["correct_option_ids"] = p["correct_option_ids"]
        if p.get("explanation"):
            poll["explanation"] = p["explanation"]
        self.polls[poll["id"]] = poll
        message = {"message_id": next(self._message_ids), "date": int(time.time()),
                   "chat": self.chat(chat_id), "from": self.bot_user, "poll": poll}
        p["_message"] = message
        return message

    async def _m_editMessageText(self, p: dict[str, Any]) -> dict[str, Any]:
        message = {"message_id": int(p["message_id"]), "date": int(time.time()),
                   "edit_date": int(time.time()), "chat": self.chat(int(p["chat_id"])),
                   "from": self.bot_user, "text": p["text"]}
        p["_message"] = message
        return message

    def _bad_request(self, description: str) -> web.Response:
        return web.json_response({"ok": False, "error_code": 400,
                                  "description": f"Bad Request: {description}"}, status=400)

    def _language(self, p: dict[str, Any]) -> str | None:
        """The call's language code ("" for none); None when Telegram would refuse it."""
        code = p.get("language_code") or ""
        return code if code == "" or (len(code) == 2 and code.isalpha() and code.islower()) else None

    async def _m_setMyCommands(self, p: dict[str, Any]) -> bool | web.Response:
        """Checked as Telegram checks it (names, description lengths, count, scope)."""
        commands = p.get("commands") or []
        scope = (p.get("scope") or {"type": "default"})["type"]
        lang = self._language(p)
        if scope not in MENU_SCOPES:
            return self._bad_request(f"unsupported scope {scope!r} in this fake")
        if lang is None:
            return self._bad_request("invalid language code specified")
        if len(commands) > 100:
            return self._bad_request("too many commands")
        for command in commands:
            name, text = command.get("command", ""), command.get("description", "")
            if not (1 <= len(name) <= 32 and all(c in COMMAND_CHARS for c in name)):
                return self._bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(text.encode("utf-16-le")) // 2 <= 256:
                return self._bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        self.menus[(scope, lang)] = commands
        return True

    async def _m_setMyDescription(self, p: dict[str, Any]) -> bool | web.Response:
        return self._set_text(p, "description", self.descriptions, 512)

    async def _m_setMyShortDescription(self, p: dict[str, Any]) -> bool | web.Response:
        return self._set_text(p, "short_description", self.short_descriptions, 120)

    def _set_text(self, p: dict[str, Any], name: str, into: dict[str, str], limit: int
                  ) -> bool | web.Response:
        lang = self._language(p)
        if lang is None:
            return self._bad_request("invalid language code specified")
        text = p.get(name) or ""
        if len(text.encode("utf-16-le")) // 2 > limit:
            return self._bad_request(f"{name} is too long")
        into[lang] = text
        return True

    def menu_seen(self, chat_type: str, lang: str, *, admin: bool = False) -> list[tuple[str, str]]:
        """The menu a user sees, resolved as Telegram resolves it (the Bot API's "Determining
        list of commands", for the all-chats scopes the bot uses): the first scope, in order,
        with a list for the user's language or for everyone."""
        if chat_type == "private":
            order = ["all_private_chats", "default"]
        else:
            order = [*(["all_chat_administrators"] if admin else []), "all_group_chats", "default"]
        for scope in order:
            for code in (lang, ""):
                if (scope, code) in self.menus:
                    return [(c["command"], c["description"]) for c in self.menus[(scope, code)]]
        return []

    async def _m_getChatAdministrators(self, p: dict[str, Any]) -> list[dict[str, Any]]:
        return [{"status": "creator", "user": self.user(uid), "is_anonymous": False}
                for uid in sorted(self.admins.get(int(p["chat_id"]), ()))]

    async def _true(self, p: dict[str, Any]) -> bool:
        return True

    async def _m_setWebhook(self, p: dict[str, Any]) -> bool:
        self.webhook = {"url": p["url"], "allowed_updates": p.get("allowed_updates"),
                        "secret_token": p.get("secret_token")}
        return True

    async def _m_deleteWebhook(self, p: dict[str, Any]) -> bool:
        self.webhook = {}
        return True

    async def _m_getWebhookInfo(self, p: dict[str, Any]) -> dict[str, Any]:
        # As Telegram: the URL ("" when none) and the update types, never the secret.
        info: dict[str, Any] = {"url": self.webhook.get("url", ""), "has_custom_certificate": False,
                                "pending_update_count": 0}
        if self.webhook.get("allowed_updates"):
            info["allowed_updates"] = self.webhook["allowed_updates"]
        return info

    async def deliver(self, update: dict[str, Any], url: str | None = None, *,
                      secret: str | None = None) -> int:
        """POST an update to the webhook as Telegram does (to `url`, e.g. one process behind a
        load balancer; by default the URL set), with the secret set unless told another; the
        HTTP status it got."""
        import aiohttp

        token = secret if secret is not None else self.webhook.get("secret_token")
        headers = {"X-Telegram-Bot-Api-Secret-Token": token} if token else {}
        async with aiohttp.ClientSession() as http, http.post(
                url or self.webhook["url"], json={"update_id": next(self._ids), **update},
                headers=headers) as response:
            return response.status

    _m_sendChatAction = _m_answerCallbackQuery = _m_answerInlineQuery = _m_deleteMessage = _true

    # -- by hand -----------------------------------------------------------------------------

    async def _push_http(self, request: web.Request) -> web.Response:
        body = await request.json()
        if "callback_data" in body:
            sent = [c for c in self.called("sendMessage") if "_message" in c.params]
            update_id = await self.click(body["callback_data"], sent[-1].params["_message"],
                                         user_id=int(body.get("user_id", 42)))
        elif "poll_answer" in body:
            update_id = await self.poll_answer(list(self.polls)[-1], int(body["poll_answer"]),
                                               user_id=int(body.get("user_id", 42)))
        elif "inline" in body:
            update_id = await self.inline(body["inline"], user_id=int(body.get("user_id", 42)))
        elif "url" in body:  # POSTed to that webhook (one process), not queued for getUpdates
            update = self.text_update(body["text"], chat_id=int(body.get("chat_id", 42)),
                                      user_id=int(body.get("user_id", 42)))
            return web.json_response({"status": await self.deliver(update, body["url"])})
        else:
            update_id = await self.send_text(body["text"], chat_id=int(body.get("chat_id", 42)),
                                             user_id=int(body.get("user_id", 42)))
        return web.json_response({"update_id": update_id})

    async def _calls_http(self, request: web.Request) -> web.Response:
        shown = [{"method": c.method, "params": {k: v for k, v in c.params.items()
                                                 if k not in ("_message", "_files")}}
                 for c in self.calls]
        return web.json_response(shown)


async def _main(port: int) -> None:
    fake = FakeTelegram()
    await fake.start(port)
    print(f"fake Telegram Bot API on {fake.base_url} (token {fake.token})", flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8081)
    asyncio.run(_main(parser.parse_args().port))
