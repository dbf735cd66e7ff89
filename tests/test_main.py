"""`python -m bot` as a user runs it: real processes, real output, real exit codes."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str, tmp_path: Path, env: dict | None = None, stdin: str | None = None):
    full = {k: v for k, v in os.environ.items()
            if not k.startswith(("DISCORD__", "TELEGRAM__", "STORAGE__", "LOG__"))}
    full["STORAGE__PATH"] = str(tmp_path / "db.sqlite3")
    full.update(env or {})
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=ROOT, env=full, text=True,
                          capture_output=True, input=stdin, timeout=60)


def test_once_prints_the_await_card_in_hinglish(tmp_path):
    """`--once "/term await"` prints the Hinglish card as plain text and exits 0."""
    out = run("--once", "/term await", tmp_path=tmp_path)
    assert out.returncode == 0, out.stderr
    assert "“Main yahan rukta hoon, event loop dusra kaam kar le.”" in out.stdout
    assert "\x1b[" not in out.stdout
    assert "/term event-loop" in out.stdout  # the "next" button, as the command it stands for


@pytest.mark.parametrize("text", ["", "nonsense", "/nope", "/term qqqqzzzz", "/term " + "x" * 30000])
def test_once_exits_zero_for_any_input(tmp_path, text):
    """Whatever the one command is, the reply is friendly and the exit status 0."""
    out = run("--once", text, tmp_path=tmp_path)
    assert out.returncode == 0 and out.stdout.strip() and "Traceback" not in out.stdout + out.stderr


def test_once_uses_the_console_even_with_tokens_set(tmp_path):
    """Tokens set do not start platform adapters in --once mode."""
    out = run("--once", "/term await", tmp_path=tmp_path,
              env={"DISCORD__TOKEN": "x", "TELEGRAM__TOKEN": "y"})
    assert out.returncode == 0 and "await · 11/24" in out.stdout


def test_once_refuses_a_timed_round_and_leaves_no_round_running(tmp_path):
    """Nothing runs a round after a one-shot command: `--once "/quiz round 3"` says it needs
    the running bot, and the chat has no round left "running" (no /quiz stop needed)."""
    env = {"DEFAULT_LANG": "en"}
    out = run("--once", "/quiz round 3", tmp_path=tmp_path, env=env)
    text = " ".join(out.stdout.split())  # the console wraps long lines
    assert out.returncode == 0 and "make run" in text and "Round on" not in text
    after = run("--once", "/quiz stop", tmp_path=tmp_path, env=env)
    assert after.returncode == 0 and "No round is running" in after.stdout


def test_bad_setting_is_one_line_and_exit_two(tmp_path):
    """A bad setting stops startup with one clear line naming it, and exit status 2."""
    out = run("--once", "/term await", tmp_path=tmp_path, env={"DEFAULT_LANG": "klingon"})
    assert out.returncode == 2
    assert out.stderr.strip().count("\n") == 0 and "DEFAULT_LANG" in out.stderr


def test_unusable_database_path_is_one_line_and_exit_two(tmp_path):
    """A database path that cannot be created is a startup error, not a traceback."""
    blocker = tmp_path / "file"
    blocker.write_text("")
    out = run("--once", "/term", tmp_path=tmp_path, env={"STORAGE__PATH": str(blocker / "db")})
    assert out.returncode == 2 and "STORAGE__PATH" in out.stderr and "Traceback" not in out.stderr


def test_console_serves_stdin_and_exits_zero_at_end_of_input(tmp_path):
    """With no tokens, `python -m bot` reads commands from stdin and exits 0 at EOF."""
    out = run(tmp_path=tmp_path, stdin="/lang en\n/term coroutine\n```\nnot closed\n")
    assert out.returncode == 0, out.stderr
    assert "From now on I'll talk to you in English" in out.stdout
    assert "coroutine · 10/24" in out.stdout.replace("Coroutine", "coroutine")


def test_progress_persists_across_runs(tmp_path):
    """The console user is the same across runs: /learn continues where it stopped."""
    run("--once", "/learn", tmp_path=tmp_path)
    out = run("--once", "/learn", tmp_path=tmp_path)
    assert "2/24" in out.stdout


async def test_a_second_process_on_the_same_sqlite_file_refuses_to_start(tmp_path):
    """SQLite is one process per file: while one holds it, another exits 2 with one line."""
    import asyncio

    from bot.storage import Storage

    holder = await Storage.open(tmp_path / "db.sqlite3")  # the file `run` points the bot at
    try:
        out = await asyncio.to_thread(run, "--once", "/term await", tmp_path=tmp_path)
    finally:
        await holder.close()
    assert out.returncode == 2 and out.stdout == ""
    assert out.stderr.strip().count("\n") == 0 and "in use by another bot process" in out.stderr


async def test_with_storage_url_a_language_chosen_in_one_process_holds_in_the_next(tmp_path, pg):
    """STORAGE__URL selects PostgreSQL: /lang in one process, /term in another answers in that
    language, and no SQLite file is written."""
    import asyncio

    env = {"STORAGE__URL": await pg.fresh_url()}
    first = await asyncio.to_thread(run, "--once", "/lang en", tmp_path=tmp_path, env=env)
    assert first.returncode == 0, first.stderr
    second = await asyncio.to_thread(run, "--once", "/term await", tmp_path=tmp_path, env=env)
    assert second.returncode == 0, second.stderr
    assert "I'll pause right here, event loop" in second.stdout
    assert not (tmp_path / "db.sqlite3").exists()


def test_an_unreachable_postgresql_is_one_line_and_exit_two(tmp_path):
    out = run("--once", "/term await", tmp_path=tmp_path,
              env={"STORAGE__URL": "postgresql://bot:s3cret@127.0.0.1:1/bot"})
    assert out.returncode == 2 and out.stderr.strip().count("\n") == 0
    assert "cannot connect to PostgreSQL" in out.stderr and "s3cret" not in out.stderr


async def test_migrate_storage_copies_and_prints_the_counts_again_and_again(tmp_path, pg):
    """The SQLite deployment's rows arrive in PostgreSQL; a second run adds none."""
    import asyncio

    made = await asyncio.to_thread(run, "--once", "/lang en", tmp_path=tmp_path)
    assert made.returncode == 0, made.stderr
    url = await pg.fresh_url()
    runs = [await asyncio.to_thread(run, "migrate-storage", "--to", url, tmp_path=tmp_path)
            for _ in range(2)]
    assert [r.returncode for r in runs] == [0, 0], runs[0].stderr
    assert "user_prefs: 1 copied, 1 new, 1 in PostgreSQL" in runs[0].stdout
    assert "user_prefs: 1 copied, 0 new, 1 in PostgreSQL" in runs[1].stdout
    after = await asyncio.to_thread(run, "--once", "/term await", tmp_path=tmp_path,
                                    env={"STORAGE__URL": url})
    assert "I'll pause right here, event loop" in after.stdout
    missing = run("migrate-storage", tmp_path=tmp_path)
    assert missing.returncode == 2 and "--to" in missing.stderr


FIXED_FETCH = ("import asyncio\n\nasync def fetch(i):\n    await asyncio.sleep(1)\n    return i * 10\n\n"
               "async def main():\n    print(await asyncio.gather(*(fetch(i) for i in range(3))))\n\n"
               "asyncio.run(main())\n")


def test_once_submits_a_challenge_and_prints_the_verdict(tmp_path):
    """`--once "/submit fix-blocking\\n<code>"` grades the code in the sandbox: ✅, then the
    times and the reference; the console's progress is not printed, only the verdict."""
    out = run("--once", "/submit fix-blocking\n" + FIXED_FETCH, tmp_path=tmp_path)
    assert out.returncode == 0, out.stderr
    assert "== ✅ Blocking call hatao" in out.stdout, out.stdout
    assert "starter 3.00 s leta tha" in out.stdout and "Reference solution" in out.stdout
    again = run("--once", "/stats", tmp_path=tmp_path)
    assert "Challenges: 1 solved / 1 try kiye" in again.stdout


def test_console_takes_a_fenced_submission_and_says_why_it_failed(tmp_path):
    """In the interactive console a ``` fence carries the code; a blocking fetch is ❌ with
    the check that failed and the card to read."""
    starter = ("import asyncio\nimport time\n\nasync def fetch(i):\n    time.sleep(1)\n    return i * 10\n\n"
               "async def main():\n    print(await asyncio.gather(*(fetch(i) for i in range(3))))\n\n"
               "asyncio.run(main())\n")
    out = run(tmp_path=tmp_path, stdin="/lang en\n/submit fix-blocking\n```py\n" + starter + "```\n")
    assert out.returncode == 0, out.stderr
    assert "== ❌ Remove the blocking call: check 'blocked-loop' failed ==" in out.stdout, out.stdout
    assert "The event loop was held for" in out.stdout and "/term blocking" in out.stdout
