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
    # /inside (host)
    "inside_title": {"hi": "async-guru ke andar, abhi", "en": "Inside async-guru, right now"},
    "inside_lag": {"hi": "Event loop lag", "en": "Event-loop lag"},
    "inside_lag_window": {
        "hi": "pichhle {seconds} s mein, {samples} samples",
        "en": "over the last {seconds} s, {samples} samples",
    },
    "inside_lag_now": {
        "hi": "abhi naapa: {samples} samples; monitor task is run mein nahi chal raha",
        "en": "measured just now: {samples} samples; no monitor task runs in this mode",
    },
    "inside_lag_warmup": {
        "hi": "abhi naapa: {samples} samples; monitor task abhi-abhi shuru hua hai",
        "en": "measured just now: {samples} samples; the monitor task has only just started",
    },
    "inside_lag_none": {"hi": "abhi tak koi sample nahi", "en": "no sample yet"},
    "inside_tasks": {"hi": "Tasks (kind ke hisaab se)", "en": "Tasks by kind"},
    "inside_threads": {"hi": "{n} OS threads", "en": "{n} OS threads"},
    "inside_adapters": {"hi": "Adapters", "en": "Adapters"},
    "inside_adapters_none": {
        "hi": "koi adapter nahi chal raha (one-shot console mode)",
        "en": "no adapter is running (one-shot console mode)",
    },
    "inside_adapter_since": {"hi": "{since} se", "en": "for {since}"},
    "inside_adapter_retry": {
        "hi": "{failures} baar fail, agla try {wait} mein; last error: {reason}",
        "en": "{failures} failures in a row, next try in {wait}; last error: {reason}",
    },
    "inside_adapter_disabled": {"hi": "band: {reason}", "en": "off: {reason}"},
    "inside_sandbox_label": {"hi": "Sandbox", "en": "Sandbox"},
    "inside_sandbox": {
        "hi": "{running}/{capacity} runs chal rahe, {queued} queue mein",
        "en": "{running} of {capacity} runs executing, {queued} queued",
    },
    "inside_sandbox_none": {
        "hi": "is process mein sandbox nahi hai",
        "en": "no sandbox in this process",
    },
    "inside_daily_label": {"hi": "Daily post", "en": "Daily post"},
    "inside_daily": {"hi": "agla {at} ko ({left} baad)", "en": "next at {at} (in {left})"},
    "inside_daily_due": {"hi": "abhi due", "en": "due now"},
    "inside_daily_idle": {"hi": "koi post scheduled nahi", "en": "nothing scheduled"},
    "inside_daily_none": {
        "hi": "is process mein scheduler nahi chal raha",
        "en": "no scheduler runs in this process",
    },
    "inside_commands_label": {"hi": "Commands handled", "en": "Commands handled"},
    "inside_commands": {"hi": "{ok} ({errors} errors)", "en": "{ok} ({errors} errors)"},
    "inside_uptime": {"hi": "Uptime", "en": "Uptime"},
    "inside_memory": {"hi": "Memory", "en": "Memory"},
    "inside_memory_text": {"hi": "RSS {rss} (peak {peak})", "en": "RSS {rss} (peak {peak})"},
    "inside_memory_none": {"hi": "yahan /proc nahi hai", "en": "no /proc here"},
    "inside_process": {"hi": "Process", "en": "Process"},
    "inside_one_loop": {
        "hi": "ek event loop, ek thread pe",
        "en": "one event loop, on one thread",
    },
    "inside_lesson_title": {"hi": "In figures ka matlab", "en": "What these figures mean"},
    "inside_lesson_1": {
        "hi": "Lag = monitor task jitna late jaaga. Saare tasks ek hi event loop share karte hain, to jo code bina await ke der tak chalta hai, woh sabko rokta hai — yahi lag mein dikhta hai.",
        "en": "Lag is how late the monitor task woke up. Every task shares one event loop, so code that runs long without an await holds them all up — and that shows here as lag.",
    },
    "inside_lesson_2": {
        "hi": "Dono platforms, sandbox aur scheduler ek process mein, phir bhi lag chhota: yahi non-blocking design hai — wait (network, database, sandbox) loop ke bahar hota hai, loop free rehta hai.",
        "en": "Both platforms, the sandbox and the scheduler in one process, and the lag stays small: that is non-blocking design — waiting (network, database, sandbox) happens off the loop, which stays free.",
    },
}


def t(lang: Lang, key: str, **fields: Any) -> str:
    entry = STRINGS[key]
    text = entry.get(lang) or entry["hi"]
    return text.format(**fields) if fields else text
