"""The challenge features' sentences in both voices (kept beside the feature: no other
feature says them)."""

from __future__ import annotations

from typing import Any

from bot.core.router import Text

TEXT: dict[str, Text] = {
    "list_title": Text(hi="Coding challenges", en="Coding challenges"),
    "list_intro": Text(
        hi="Code badlo, grader sandbox me dekhega ki wo kya karta hai. Kholne ke liye: /challenge <id>",
        en="Change the code; the grader watches what it does in the sandbox. Open one: /challenge <id>"),
    "list_empty": Text(hi="Abhi koi challenge nahi hai.", en="There are no challenges yet."),
    "list_done": Text(hi="{solved}/{total} solved, {tried} try kiye.",
                      en="{solved}/{total} solved, {tried} tried."),
    "list_done_both": Text(
        hi="Sheet {solved}/{total} solved, level 2 {solved2}/{total2} solved; {tried} try kiye.",
        en="The sheet {solved}/{total} solved, level 2 {solved2}/{total2} solved; {tried} tried."),
    "list_sheet": Text(hi="Revision sheet ke challenges ({n})", en="The revision sheet's challenges ({n})"),
    "list_beyond": Text(hi="Level 2: revision sheet se aage ({n} challenges)",
                        en="Level 2: beyond the revision sheet ({n} challenges)"),
    "status_new": Text(hi="naya", en="new"),
    "status_tried": Text(hi="try kiya", en="tried"),
    "status_solved": Text(hi="✅ solved", en="✅ solved"),
    "task": Text(hi="Kaam", en="Task"),
    "starter": Text(hi="Starter program", en="Starter program"),
    "done": Text(hi="Kab pura hoga:", en="Done when:"),
    "hint": Text(hi="Hint:", en="Hint:"),
    "term": Text(hi="Term:", en="Term:"),
    "your_status": Text(hi="Aapka status:", en="Your status:"),
    "how_console": Text(
        hi="Submit karo: `/submit {id}` likho, phir agli lines me poora program ``` fence me "
           "(--once ke saath fence zaroori nahi).",
        en="To submit: type `/submit {id}`, then the whole program on the next lines in a ``` fence "
           "(with --once the fence is optional)."),
    "how_telegram": Text(
        hi="Submit karo: `/submit {id}` ke saath isi message me code bhejo, ya is message ko reply "
           "karke `/submit` aur code bhejo. Group me verdict private aata hai: DM best hai.",
        en="To submit: send `/submit {id}` with the code in the same message, or reply to this "
           "message with `/submit` and the code. In a group the verdict comes privately: DMs are best."),
    "how_discord": Text(
        hi="Submit karo: Submit button dabao (form me starter code hoga), ya `/submit`. Posted code "
           "block par: Apps → Submit code. Group me verdict sirf aapko dikhega.",
        en="To submit: tap Submit (a form opens with the starter code), or use `/submit`. On a posted "
           "code block: Apps → Submit code. In a server only you see the verdict."),
    "how_other": Text(hi="Submit karo: `/submit {id}` aur code.",
                      en="To submit: `/submit {id}` and the code."),
    "btn_hint": Text(hi="Hint", en="Hint"),
    "btn_submit": Text(hi="Submit", en="Submit"),
    "btn_list": Text(hi="Saare challenges", en="All challenges"),
    "btn_next": Text(hi="Agla: {id}", en="Next: {id}"),
    "btn_retry": Text(hi="Phir dekho: {id}", en="See it again: {id}"),
    "unknown": Text(hi="“{query}” naam ka koi challenge nahi.", en="No challenge called “{query}”."),
    "did_you_mean": Text(hi="Kya aapka matlab: {ids}?", en="Did you mean: {ids}?"),
    "term_pick": Text(hi="Term '{term}' ka challenge: {id}", en="The challenge of term '{term}': {id}"),
    "no_challenge_for_term": Text(hi="Term '{term}' ka koi challenge nahi hai.",
                                  en="The term '{term}' has no challenge."),
    "no_id": Text(
        hi="Kaunsa challenge? `/submit <id>` aur code bhejo, ya pehle `/challenge` kholo.",
        en="Which challenge? Send `/submit <id>` and the code, or open one with `/challenge` first."),
    "assumed": Text(hi="Id nahi diya: aapka last khola challenge '{id}' maana.",
                    en="No id given: taken as your last opened challenge, '{id}'."),
    "from_reply": Text(hi="Jis message ko reply kiya uska challenge: '{id}'.",
                       en="The challenge of the message you replied to: '{id}'."),
    "no_code": Text(hi="Code nahi mila. Challenge '{id}' ka starter yeh hai; badal ke bhejo:",
                    en="No code found. Challenge '{id}' starts from this program; change it and send it:"),
    "unavailable": Text(
        hi="Abhi code grade nahi ho sakta: {reason}. Code kho nahi gaya: thodi der me phir bhejo.",
        en="Code cannot be graded right now: {reason}. Nothing is lost: send it again later."),
    "busy": Text(hi="Sandbox abhi bhara hua hai; {seconds} s baad phir bhejo.",
                 en="The sandbox is full right now; send it again in {seconds} s."),
    "cooldown": Text(hi="Thoda ruko: {seconds} s baad agla submission.",
                     en="Slow down a little: the next submission in {seconds} s."),
    "queued": Text(hi="⏳ Queue me: aapse aage {ahead}.", en="⏳ Queued: {ahead} ahead of you."),
    "running": Text(hi="⏳ Checks chal rahe hain…", en="⏳ Running the checks…"),
    "passed_title": Text(hi="✅ {title}: saare checks pass", en="✅ {title}: every check passed"),
    "failed_title": Text(hi="❌ {title}: check '{check}' fail", en="❌ {title}: check '{check}' failed"),
    "misconception": Text(hi="Galat-fehmi:", en="The belief behind it:"),
    "read": Text(hi="Padho:", en="Read:"),
    "times": Text(hi="Aapka program {took} s me chala; starter {starter} s leta tha.",
                  en="Your program took {took} s; the starter took {starter} s."),
    "took": Text(hi="Aapka program {took} s me chala.", en="Your program took {took} s."),
    "reference": Text(hi="Reference solution (milake dekho)", en="Reference solution (compare)"),
    "counted": Text(hi="Is chat me solved gina gaya.", en="Counted as solved in this chat."),
    "again": Text(hi="Ye pehle hi solved tha: dobara nahi gina.",
                  en="Already solved before: not counted twice."),
    "next": Text(hi="Agla challenge:", en="Next challenge:"),
    "last": Text(hi="Ye aakhri challenge tha. Shabaash!", en="That was the last challenge. Well done!"),
}


def say(lang: str, key: str, **values: Any) -> str:
    text = TEXT[key].hi if lang == "hi" else TEXT[key].en
    return text.format(**values) if values else text
