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
    # Discord adapter
    "discord_stale_button": {
        "hi": "Yeh button ab kaam nahi karta (purana ya kisi aur bot ka hai). /help se dobara shuru karo.",
        "en": "This button no longer works (it is old or belongs to another bot). Start again with /help.",
    },
    "discord_modal_title": {"hi": "/{name}: code likho", "en": "/{name}: write your code"},
    "discord_no_code": {
        "hi": "Is message mein koi code nahi mila. Code ko ``` ``` ke beech likho, phir dobara try karo.",
        "en": "I found no code in that message. Put the code between ``` fences and try again.",
    },
    "discord_cut": {
        "hi": "… (baaki {count} characters yahan fit nahi hue)",
        "en": "… ({count} more characters did not fit here)",
    },
}


def t(lang: Lang, key: str, **fields: Any) -> str:
    entry = STRINGS[key]
    text = entry.get(lang) or entry["hi"]
    return text.format(**fields) if fields else text
