"""Every string the bot says outside the cards, in both voices. Hinglish is the default."""

from __future__ import annotations

from typing import Any

from bot.core.types import Lang

STRINGS: dict[str, dict[str, str]] = {
    # errors and hints
    "unknown_command": {
        "hi": "/{name} naam ki koi command nahi hai. Saari commands dekhne ke liye /help likho.",
        "en": "There is no /{name} command. Type /help to see them all.",
    },
    "not_a_command": {
        "hi": "Main commands samajhta hoon, jaise /term await ya /learn. Shuru karne ke liye /help likho.",
        "en": "I understand commands such as /term await or /learn. Type /help to start.",
    },
    "empty_input": {
        "hi": "Kuch likha hi nahi! Try karo: /term await, /learn ya /help.",
        "en": "That was empty! Try /term await, /learn or /help.",
    },
    "too_long": {
        "hi": "Itna lamba input main nahi le sakta ({size} characters; limit {limit}). Chhota karke bhejo.",
        "en": "That input is too long for me ({size} characters; the limit is {limit}). Please send something shorter.",
    },
    "internal_error": {
        "hi": "Oops, mere andar kuch gadbad ho gayi. Aapka kuch nahi gaya; thodi der mein dobara try karo.",
        "en": "Oops, something went wrong on my side. Nothing of yours was lost; please try again in a moment.",
    },
    "admin_only": {
        "hi": "Ye setting sirf chat ke admin badal sakte hain.",
        "en": "Only a chat admin can change this setting.",
    },
    # /term
    "term_list_title": {"hi": "Saare 15 terms", "en": "All 15 terms"},
    "term_list_hint": {
        "hi": "Koi bhi term kholo: /term <naam>, jaise /term await. Shuru se seekhna ho to /learn.",
        "en": "Open any term with /term <name>, e.g. /term await. To go through them in order: /learn.",
    },
    "did_you_mean": {
        "hi": "“{query}” naam ka koi term nahi mila. Kya aap inme se koi dhoondh rahe the?",
        "en": "I found no term called “{query}”. Did you mean one of these?",
    },
    "no_suggestion": {
        "hi": "“{query}” naam ka koi term nahi mila. Saare terms: /term",
        "en": "I found no term called “{query}”. All terms: /term",
    },
    "mentions": {
        "hi": "“{query}” koi term nahi hai, par ye cards iske baare mein baat karte hain:",
        "en": "“{query}” is not a term, but these cards talk about it:",
    },
    "place": {"hi": "{pos}/{total}", "en": "{pos}/{total}"},
    "related": {"hi": "Related", "en": "Related"},
    "docs": {"hi": "Python docs", "en": "Python docs"},
    "btn_prev": {"hi": "◀ Pichhla", "en": "◀ Previous"},
    "btn_next": {"hi": "Agla ▶", "en": "Next ▶"},
    "btn_lang_other": {"hi": "English", "en": "Hinglish"},
    "btn_summary": {"hi": "Summary", "en": "Summary"},
    "btn_learn": {"hi": "Seekhna shuru karo", "en": "Start learning"},
    # /learn
    "learn_done": {
        "hi": "Shabaash! Aapne saare 15 terms dekh liye. Ab /summary dekho, ya kisi term pe wapas jao: /term",
        "en": "Well done! You have seen all 15 terms. Now read /summary, or revisit any term: /term",
    },
    # /lang
    "lang_now": {
        "hi": "Abhi aapki bhasha: Hinglish. Badalne ke liye: /lang en (English) ya /lang hi (Hinglish).",
        "en": "Your language now: English. To change: /lang en (English) or /lang hi (Hinglish).",
    },
    "lang_set_user": {
        "hi": "Theek hai! Ab se main aapse Hinglish mein baat karunga.",
        "en": "Done! From now on I'll talk to you in English.",
    },
    "lang_set_chat": {
        "hi": "Is chat ki default bhasha ab Hinglish hai. (Har user /lang se apni bhasha chun sakta hai.)",
        "en": "This chat's default language is now English. (Anyone can pick their own with /lang.)",
    },
    "lang_bad": {
        "hi": "“{value}” koi bhasha nahi hai. Likho: /lang hi (Hinglish) ya /lang en (English).",
        "en": "“{value}” is not a language I speak. Type /lang hi (Hinglish) or /lang en (English).",
    },
    # /help, /start
    "help_title": {"hi": "Commands", "en": "Commands"},
    "help_footer": {
        "hi": "Har button ek command hi hai, to sab kuch type karke bhi ho sakta hai.",
        "en": "Every button is just a command, so everything can also be typed.",
    },
    "help_unknown": {
        "hi": "/{name} naam ki koi command nahi hai. Saari commands: /help",
        "en": "There is no /{name} command. All commands: /help",
    },
    "start": {
        "hi": "Namaste {name}! Main async-guru hoon: async Python ke 15 zaroori terms, ek-ek karke, Hinglish mein. "
              "/learn se shuru karo, /term se koi bhi term kholo, /help se sab commands dekho.",
        "en": "Hello {name}! I'm async-guru: the 15 key terms of async Python, one at a time. "
              "Start with /learn, open any term with /term, see every command with /help.",
    },
    "there": {"hi": "dost", "en": "there"},
    # --- sandbox: /run, /demo, the error explainer (issue 4) ---
    "run_empty": {
        "hi": "Kya chalaun? Code command ke baad likho, jaise: /run print(1)\nYa ```py ... ``` block mein bhejo (multi-line chalega).",
        "en": "What should I run? Put the code after the command, e.g. /run print(1)\nOr send it in a ```py ... ``` block (multi-line is fine).",
    },
    "run_unavailable": {
        "hi": "Is host par code chalana abhi band hai, kyunki sandbox set up nahi ho paya: {reason}. Code kabhi bina sandbox ke nahi chalta.",
        "en": "Running code is unavailable on this host because the sandbox could not be set up: {reason}. Code never runs unsandboxed.",
    },
    "run_busy": {
        "hi": "Abhi bahut saare runs chal rahe hain. {seconds} s baad dobara try karo.",
        "en": "I'm busy running other code right now. Please try again in {seconds} s.",
    },
    "run_cooldown": {
        "hi": "Thoda ruko: agla run {seconds} s baad.",
        "en": "Easy there: your next run can start in {seconds} s.",
    },
    "run_queued": {
        "hi": "Line mein ho: aapse pehle {ahead} run(s). Aapki baari aate hi chalega…",
        "en": "You're in the queue: {ahead} run(s) ahead of you. It starts as soon as a slot is free…",
    },
    "run_title": {"hi": "Run", "en": "Run"},
    "run_ok": {"hi": "Poora chala, exit code 0, {wall} s mein.", "en": "Finished with exit code 0 in {wall} s."},
    "run_exit": {"hi": "Khatam, exit code {code} ({wall} s).", "en": "Ended with exit code {code} ({wall} s)."},
    "run_time": {
        "hi": "Roka gaya: time limit ({limit} s) poori ho gayi. Kahin infinite loop ya lamba wait to nahi?",
        "en": "Stopped: the time limit ({limit} s) was reached. An endless loop or a long wait?",
    },
    "run_cpu": {"hi": "Roka gaya: CPU time limit ({limit} s) poori.", "en": "Stopped: the CPU-time limit ({limit} s) was reached."},
    "run_memory": {
        "hi": "Roka gaya: memory limit (har process {per} MB, poore run ke liye {tree} MB).",
        "en": "Stopped: memory limit ({per} MB per process, {tree} MB for the whole run).",
    },
    "run_output": {
        "hi": "Roka gaya: bahut zyada output ({limit} KB se zyada).",
        "en": "Stopped: too much output (over {limit} KB).",
    },
    "run_file_size": {"hi": "Roka gaya: file size limit ({limit} MB) paar.", "en": "Stopped: the file-size limit ({limit} MB) was exceeded."},
    "run_signal": {"hi": "Process signal {signal} se mara gaya ({wall} s).", "en": "The process was killed by signal {signal} ({wall} s)."},
    "run_no_output": {"hi": "(koi output nahi)", "en": "(no output)"},
    "run_cut": {"hi": "… {lines} line(s) kaat di gayi taaki reply ek message mein aaye.", "en": "… {lines} line(s) were cut so the reply fits one message."},
    "run_timeline": {"hi": "Timeline: kaunsa task kab chala", "en": "Timeline: which task ran when"},
    "explain_title": {"hi": "Ye error kyun aaya?", "en": "Why this error?"},
    "explain_card": {"hi": "Card", "en": "Card"},
    "explain_await_outside_async": {
        "hi": "`await` sirf `async def` ke andar chalta hai; normal `def` mein nahi.\nFunction ko `async def` banao aur use await karo.",
        "en": "`await` only works inside an `async def`, not in a plain `def`.\nMake the function `async def` and await it.",
    },
    "explain_await_outside": {
        "hi": "`await` function ke bahar, file ke top level par likha hai.\nEk `async def main()` banao, await uske andar rakho, aur `asyncio.run(main())` chalao.",
        "en": "`await` is written at the top level of the file, outside any function.\nWrap it in `async def main()` and start it with `asyncio.run(main())`.",
    },
    "explain_not_awaitable": {
        "hi": "Jo cheez await ki, wo awaitable nahi hai (jaise `time.sleep()` ka result None).\nSirf async cheezein await hoti hain: `await asyncio.sleep(1)`.",
        "en": "What you awaited is not awaitable (e.g. `time.sleep()` returns None).\nOnly async things can be awaited: `await asyncio.sleep(1)`.",
    },
    "explain_never_awaited": {
        "hi": "`async def` function ko call karne se sirf coroutine object banta hai, code chalta nahi.\nUse `await` karo (ya `asyncio.run()` / `create_task` se chalao).",
        "en": "Calling an `async def` function only creates a coroutine object; its code does not run.\n`await` it (or run it with `asyncio.run()` / `create_task`).",
    },
    "explain_run_in_loop": {
        "hi": "`asyncio.run()` ek naya event loop shuru karta hai, par ek loop pehle se chal raha hai.\nAsync code ke andar `await` karo, `asyncio.run()` sirf program ke entry point par.",
        "en": "`asyncio.run()` starts a new event loop, but one is already running.\nInside async code, `await` instead; call `asyncio.run()` only at the program's entry point.",
    },
    "explain_no_running_loop": {
        "hi": "Ye kaam chalte hue event loop ke andar hi ho sakta hai (jaise `create_task`).\nCode ko `async def main()` mein rakho aur `asyncio.run(main())` se chalao.",
        "en": "This needs a running event loop (e.g. `create_task`).\nPut the code in `async def main()` and start it with `asyncio.run(main())`.",
    },
    "explain_task_destroyed": {
        "hi": "Ek task khatam hone se pehle hi loop band ho gaya ya task ka reference kho gaya.\nTask ko variable mein rakho aur band karne se pehle `await` karo.",
        "en": "A task was still pending when the loop stopped or its last reference was dropped.\nKeep a reference to the task and `await` it before the loop ends.",
    },
    "explain_loop_closed": {
        "hi": "Band ho chuke event loop par kaam schedule kiya gaya.\nSab kuch ek hi `asyncio.run(main())` ke andar karo.",
        "en": "Work was scheduled on an event loop that is already closed.\nDo everything inside one `asyncio.run(main())`.",
    },
    "explain_no_package": {
        "hi": "Sandbox mein sirf Python ki standard library hai, `{module}` nahi, aur network bhi nahi hai.\nHTTP ki jagah `asyncio.sleep()` se wait ko simulate karo.",
        "en": "The sandbox has only Python's standard library, not `{module}`, and no network.\nSimulate the waiting with `asyncio.sleep()` instead of real HTTP.",
    },
    "explain_no_network": {
        "hi": "Sandbox mein network nahi hai: koi connection bahar nahi ja sakta.\nI/O wait ko `asyncio.sleep()` se simulate karo.",
        "en": "The sandbox has no network: no connection can leave it.\nSimulate the I/O wait with `asyncio.sleep()`.",
    },
    "explain_no_stdin": {
        "hi": "Yahan koi keyboard/stdin nahi hai, isliye `input()` ko kuch nahi milta.\nValue seedha code mein likho, jaise `name = \"Asha\"`.",
        "en": "There is no keyboard (stdin) here, so `input()` gets nothing.\nPut the value in the code instead, e.g. `name = \"Asha\"`.",
    },
    # /demo
    "demo_list_title": {"hi": "Live demos", "en": "Live demos"},
    "demo_list_hint": {"hi": "Koi bhi demo chalao: /demo <naam>", "en": "Run one with /demo <id>"},
    "demo_unknown": {"hi": "“{query}” naam ka koi demo nahi. Saare demos: /demo", "en": "There is no demo called “{query}”. All demos: /demo"},
    "demo_code": {"hi": "Code", "en": "Code"},
    "demo_claims": {"hi": "Card kya kehta hai", "en": "What the card claims"},
    "btn_run_demo": {"hi": "▶ Chala ke dekho", "en": "▶ Run it"},
    "btn_run_again": {"hi": "▶ Phir se chalao", "en": "▶ Run again"},
}


def t(lang: Lang, key: str, **fields: Any) -> str:
    entry = STRINGS[key]
    text = entry.get(lang) or entry["hi"]
    return text.format(**fields) if fields else text
