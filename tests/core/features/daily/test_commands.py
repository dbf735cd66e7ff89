"""/daily set|off|status|now|track: access, clear errors, the next post time and the track."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.conftest import daily_of
from tests.core.features.conftest import ALICE, DM, GROUP, replies


async def test_set_reports_next_post_in_local_time_and_utc(core, clock):
    """09:00 Asia/Kolkata set at 06:00 UTC (11:30 IST) is next due tomorrow 03:30 UTC."""
    (reply,) = await replies(core, "/daily set 09:00 Asia/Kolkata")
    assert "2026-11-26 09:00 Asia/Kolkata (03:30 UTC)" in reply.plain()
    target = await core.services.daily.daily_target(DM.key)
    assert (target.next_day, target.next_due) == ("2026-11-26", "2026-11-26T03:30:00+00:00")


async def test_set_later_today_is_due_today(core, clock):
    """A time still ahead today is today's post."""
    (reply,) = await replies(core, "/daily set 23:00 UTC")
    assert "2026-11-25 23:00 UTC" in reply.plain()


async def test_group_members_cannot_change_the_schedule(core):
    """In a group only admins may use /daily; the schedule stays unset."""
    (reply,) = await replies(core, "/daily set 09:00 UTC", GROUP, ALICE, admin=False)
    assert "admin" in reply.plain() and await core.services.daily.daily_target(GROUP.key) is None
    (ok,) = await replies(core, "/daily set 09:00 UTC", GROUP, ALICE, admin=True)
    assert "Ho gaya" in ok.plain()


async def test_group_members_may_read_the_status_but_not_post(core):
    """A member's /daily status shows the schedule; their /daily now and off are refused."""
    await replies(core, "/daily set 09:00 UTC", GROUP, ALICE, admin=True)
    (status,) = await replies(core, "/daily status", GROUP, ALICE, admin=False)
    assert "09:00 (UTC)" in status.plain() and "admin" not in status.plain()
    for text in ("/daily now", "/daily off"):
        (reply,) = await replies(core, text, GROUP, ALICE, admin=False)
        assert "admin" in reply.plain() and reply.private, text
    target = await core.services.daily.daily_target(GROUP.key)
    _cycle, shown = await core.services.daily.daily_rotation(GROUP.key)
    assert target.enabled and not shown  # still on, and no extra post was made


async def test_bad_time_and_zone_get_an_example(core):
    """25:00, 9am, an unknown zone and a missing zone each get a clear message with an example."""
    for text in ("/daily set 25:00 UTC", "/daily set 9am UTC", "/daily set 09:00 Mars/Base",
                 "/daily set 09:00", "/daily set", "/daily sometimes"):
        (reply,) = await replies(core, text)
        assert "/daily set 09:00 Asia/Kolkata" in reply.plain() or "Asia/Kolkata" in reply.plain(), text
        assert reply.private
    assert await core.services.daily.daily_target(DM.key) is None


async def test_off_disables_and_status_says_so(core):
    """/daily off stops the schedule; /daily status shows it off with how to resume."""
    await replies(core, "/daily set 09:00 Europe/Berlin")
    (off,) = await replies(core, "/daily off")
    assert "band" in off.plain().lower()
    assert await core.services.daily.daily_next_due(["test"]) is None
    (status,) = await replies(core, "/daily status")
    assert "Band hai" in status.plain() and "/daily set 09:00 Europe/Berlin" in status.plain()


async def test_now_is_an_extra_post_that_keeps_the_scheduled_one(core, clock, recorder):
    """/daily now posts a term and quiz here without using up today's scheduled post."""
    clock.set(datetime(2026, 11, 25, 5, 0, tzinfo=UTC))
    await replies(core, "/daily set 06:00 UTC")
    (now,) = await replies(core, "/daily now")
    assert "Aaj ka term" in now.title and any(b.command == "answer" for r in now.buttons for b in r)
    clock.set(datetime(2026, 11, 25, 6, 0, tzinfo=UTC))
    assert await daily_of(core).run_due() == 1
    scheduled = recorder.sent[0][1]
    assert scheduled.title != now.title  # the rotation moved on: no repeat


async def test_daily_post_quiz_can_be_answered(core, clock, recorder):
    """The quiz inside a daily post is answered like any quiz and counts in the chat's scores."""
    (post,) = await replies(core, "/daily now")
    line = next(b.command_line for r in post.buttons for b in r if b.command == "answer")
    (result,) = await replies(core, line)
    assert "✅" in result.plain() or "❌" in result.plain()
    assert (await core.services.quiz.score(DM.key, ALICE.key)).answered == 1


async def test_track_is_the_sheet_until_an_admin_adds_level_two(core):
    """Status says the sheet's 15; a member may read the track but not change it; an admin's
    `/daily track all` is stored for this chat only and shown by status; `curriculum` goes back."""
    await replies(core, "/daily set 09:00 UTC", GROUP, ALICE, admin=True)
    (status,) = await replies(core, "/daily status", GROUP, ALICE, admin=False)
    assert "sirf revision sheet ke 15" in status.plain() and "0/15 terms" in status.plain()
    (read,) = await replies(core, "/daily track", GROUP, ALICE, admin=False)
    assert "sirf revision sheet ke 15" in read.plain() and "admin" in read.plain()
    (refused,) = await replies(core, "/daily track all", GROUP, ALICE, admin=False)
    assert "admin" in refused.plain() and refused.private
    assert await core.services.daily.daily_track(GROUP.key) == "curriculum"
    (ok,) = await replies(core, "/daily track all", GROUP, ALICE, admin=True)
    assert "saare 24" in ok.plain() and "level 2 ke 9" in ok.plain()
    (status,) = await replies(core, "/daily status", GROUP, ALICE, admin=False)
    assert "saare 24" in status.plain() and "0/24 terms" in status.plain()
    assert await core.services.daily.daily_track(DM.key) == "curriculum"  # per chat
    await replies(core, "/daily track curriculum", GROUP, ALICE, admin=True)
    assert await core.services.daily.daily_track(GROUP.key) == "curriculum"


async def test_an_unknown_track_gets_the_two_choices_and_changes_nothing(core):
    """`/daily track everything` names both tracks and leaves the chat's track alone."""
    for text in ("/daily track everything", "/daily track all please"):
        (reply,) = await replies(core, text)
        assert "/daily track all" in reply.plain() and "/daily track curriculum" in reply.plain(), text
        assert reply.private
    assert await core.services.daily.daily_track(DM.key) == "curriculum"


async def _with_options(core, args: str, chat=GROUP, *, admin: bool = True, **options: str):
    """A /daily as a platform with native subcommands sends it: typed form plus parsed values."""
    from dataclasses import replace
    from types import MappingProxyType

    from tests.core.features.conftest import cmd

    command = replace(cmd(f"/daily {args}", chat, ALICE, admin=admin), options=MappingProxyType(options))
    return [r async for r in core.stream(command)]


async def test_the_next_post_is_a_time_span_with_its_instant(core, clock):
    """The next post's time is readable text and carries its UTC instant for platforms that show
    each viewer their own time."""
    from bot.core.types import Style

    (reply,) = await replies(core, "/daily set 09:00 Asia/Kolkata")
    [span] = [s for b in reply.blocks for s in getattr(b, "spans", ()) if s.style is Style.TIME]
    assert span.text == "2026-11-26 09:00 Asia/Kolkata (03:30 UTC)" and span.at == "2026-11-26T03:30:00+00:00"
    (status,) = await replies(core, "/daily status")
    assert any(s.style is Style.TIME and s.at == span.at
               for b in status.blocks for s in getattr(b, "spans", ()))


async def test_set_with_parsed_options_takes_a_zone_with_spaces_and_another_channel(core, clock):
    """Parsed values win over the typed form; a channel option schedules that chat, not this one."""
    (reply,) = await _with_options(core, "set 09:00 America/New_York chan-9", time="09:00",
                                   zone="America/New_York", channel="chan-9")
    assert await core.services.daily.daily_target(GROUP.key) is None
    target = await core.services.daily.daily_target("test:chan-9")
    assert target is not None and (target.chat_id, target.chat_kind, target.tz) == (
        "chan-9", "group", "America/New_York")
    assert "/daily status" in reply.plain() and not reply.buttons  # its status is read there


async def test_a_channel_option_is_refused_from_a_private_chat(core):
    """Being the admin of a DM is no right over a server's channel."""
    (reply,) = await _with_options(core, "set 09:00 UTC chan-9", DM, time="09:00", zone="UTC",
                                   channel="chan-9")
    assert reply.private and await core.services.daily.daily_target("test:chan-9") is None


async def test_a_misspelt_zone_is_answered_with_a_guess_to_tap(core):
    """"kolkatta" is not a zone; the reply offers Asia/Kolkata as a button that sets it."""
    (reply,) = await replies(core, "/daily set 09:00 kolkatta")
    assert "Asia/Kolkata" in reply.plain() and await core.services.daily.daily_target(DM.key) is None
    [[button]] = reply.buttons
    assert button.payload == "daily set 09:00 Asia/Kolkata"


async def _click(core, button, chat=GROUP, *, admin: bool = True, vouched: bool = True):
    """A click on `button` as a platform that vouches for its buttons' args (Discord) sends it."""
    from dataclasses import replace

    from tests.core.features.conftest import cmd

    command = replace(cmd(button.command_line, chat, ALICE, admin=admin), vouched=vouched)
    return [r async for r in core.stream(command)]


async def test_the_zone_guess_keeps_the_channel_and_time_of_the_request(core, clock):
    """/daily set with a channel and a misspelt zone: the guess button sets that channel at that
    time, not the chat the reply came to."""
    (guess,) = await _with_options(core, "set 07:45 kolkatta chan-9", time="07:45", zone="kolkatta",
                                   channel="chan-9")
    assert await core.services.daily.daily_target("test:chan-9") is None
    [[button]] = guess.buttons
    assert button.payload == "daily set 07:45 Asia/Kolkata #chan-9"
    (done,) = await _click(core, button)
    assert "Asia/Kolkata" in done.plain() and await core.services.daily.daily_target(GROUP.key) is None
    target = await core.services.daily.daily_target("test:chan-9")
    assert (target.at_time, target.tz, target.chat_kind) == ("07:45", "Asia/Kolkata", "group")


async def test_a_typed_channel_is_refused_as_nothing_checked_it(core):
    """The same line typed (or sent by a platform that cannot vouch for its buttons) schedules
    nothing: only a checked option or a vouched button may name another channel."""
    for text in ("/daily set 09:00 UTC #chan-9", "/daily set 09:00 UTC #"):
        (reply,) = await replies(core, text, GROUP, ALICE, admin=True)
        assert reply.private and "channel option" in reply.plain(), text
    assert await core.services.daily.daily_target("test:chan-9") is None
    assert await core.services.daily.daily_target(GROUP.key) is None


async def test_a_vouched_click_is_still_checked_for_admin_rights(core):
    """A member who clicks an admin's guess button (the rights are the clicker's) changes nothing."""
    from bot.core.types import Button

    button = Button("x", "daily", "set 09:00 Asia/Kolkata #chan-9")
    (reply,) = await _click(core, button, admin=False)
    assert "admin" in reply.plain() and await core.services.daily.daily_target("test:chan-9") is None


async def test_a_guess_too_long_to_carry_with_its_channel_is_offered_as_text(core):
    """A long zone plus a Discord-sized channel id overflow a button: the guess is still said."""
    (reply,) = await _with_options(core, "set 09:00 buenos aires", time="09:00", zone="buenos airez",
                                   channel="1300000000000000999")
    assert "America/Argentina/Buenos_Aires" in reply.plain() and not reply.buttons


async def test_a_typed_zone_may_hold_spaces(core):
    """"new delhi" and "New York" are typed as people say them: the guess names the zone; an
    extra word after a zone is shown back, never silently dropped."""
    for text, guess in [("/daily set 09:00 new delhi", "Asia/Kolkata"),
                        ("/daily 09:00 New York", "America/New_York"),
                        ("/daily set 09:00 Asia/Kolkata extra", "Asia/Kolkata")]:
        (reply,) = await replies(core, text)
        [[button]] = reply.buttons
        assert button.payload == f"daily set 09:00 {guess}", text
        assert f"“{text.split(' ', 3 if 'set' in text else 2)[-1]}”" in reply.plain(), text
    assert await core.services.daily.daily_target(DM.key) is None
    (ok,) = await replies(core, "/daily set 09:00 Asia/Kolkata")
    assert "Asia/Kolkata" in ok.plain() and await core.services.daily.daily_target(DM.key) is not None


async def test_zone_is_optional_once_the_chat_has_one(core):
    """The first set needs a zone; later sets keep it."""
    (first,) = await _with_options(core, "set 09:00", time="09:00")
    assert first.private and await core.services.daily.daily_target(GROUP.key) is None
    await _with_options(core, "set 09:00 Asia/Kolkata", time="09:00", zone="Asia/Kolkata")
    await _with_options(core, "set 07:15", time="07:15")
    target = await core.services.daily.daily_target(GROUP.key)
    assert (target.at_time, target.tz) == ("07:15", "Asia/Kolkata")
