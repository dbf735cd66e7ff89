"""Every string the bot says outside the cards, in both voices. Hinglish is the default."""

from __future__ import annotations

from typing import Any

from bot.core.types import Lang

STRINGS: dict[str, dict[str, str]] = {
    # errors and hints
    "unknown_command_guess": {
        "hi": "/{name} naam ki koi command nahi hai. Kya aapka matlab /{guess} tha?",
        "en": "There is no /{name} command. Did you mean /{guess}?",
    },
    "unknown_command_again": {
        "hi": "Wahi message /{guess} se shuru karke phir bhejo.",
        "en": "Send the same message again starting with /{guess}.",
    },
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
    "term_list_title": {"hi": "Saare {n} terms", "en": "All {n} terms"},
    "term_list_sheet": {"hi": "Revision sheet ke {n} terms", "en": "The revision sheet's {n} terms"},
    "term_list_beyond": {"hi": "Level 2: revision sheet se aage ({n} terms)",
                         "en": "Level 2: beyond the revision sheet ({n} terms)"},
    "level_2": {"hi": "Level 2", "en": "Level 2"},
    "beyond_mark": {"hi": "Level 2 · revision sheet se aage", "en": "Level 2 · beyond the revision sheet"},
    "term_no_number": {
        "hi": "Term number {got} nahi hai: list 1 se {n} tak hai. Poori list: /term",
        "en": "There is no term number {got}: the list runs from 1 to {n}. The whole list: /term",
    },
    "btn_term_list": {"hi": "Saare terms", "en": "All terms"},
    "term_list_hint": {
        "hi": "Koi bhi term kholo: /term <naam ya number>, jaise /term await ya /term 11. Shuru se seekhna ho to /learn.",
        "en": "Open any term with /term <name or number>, e.g. /term await or /term 11. To go through them in order: /learn.",
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
    "btn_quiz_me": {"hi": "Quiz lo", "en": "Quiz me"},
    "btn_challenge": {"hi": "Challenge", "en": "Challenge"},  # "Challenge: <id>" on a card
    # /learn
    "learn_done": {
        "hi": "Shabaash! Aapne saare {n} terms dekh liye, level 2 bhi. Ab /summary dekho, ya kisi term pe wapas jao: /term",
        "en": "Well done! You have seen all {n} terms, level 2 included. Now read /summary, or revisit any term: /term",
    },
    "learn_sheet_done": {
        "hi": "Revision sheet ke saare {n} terms ho gaye! Ab level 2: asyncio jaisa real code mein likha jaata hai.",
        "en": "You have done all {n} terms of the revision sheet! Now level 2: asyncio as real code uses it.",
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
    "lang_bad_scope": {
        "hi": "“{value}” samajh nahi aaya. Likho: /lang {code} (sirf aapke liye) ya /lang {code} chat (poore group ke liye, admins).",
        "en": "I did not understand “{value}”. Type /lang {code} (just for you) or /lang {code} chat (the whole group, admins).",
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
        "hi": "Namaste {name}! Main async-guru hoon: async Python ke {sheet} zaroori terms, ek-ek karke, Hinglish mein.{beyond} "
              "/learn se shuru karo, /term se koi bhi term kholo, /help se sab commands dekho.",
        "en": "Hello {name}! I'm async-guru: the {sheet} key terms of async Python, one at a time.{beyond} "
              "Start with /learn, open any term with /term, see every command with /help.",
    },
    "start_beyond": {"hi": " Uske baad level 2 ke {n} aur.", "en": " Then {n} more at level 2."},
    "there": {"hi": "dost", "en": "there"},
    "btn_share": {"hi": "📤 Kisi chat mein bhejo", "en": "📤 Share to a chat"},
    "btn_add_to_group": {"hi": "➕ Apne group mein jodo", "en": "➕ Add me to your group"},
    # /start in a group: the bot was just added (Telegram's startgroup link) or greeted there
    "start_group": {
        "hi": "Namaste sabko! Main async-guru hoon: async Python, ek-ek term karke. Is group mein "
              "/quiz round se saath mein quiz khelo, /leaderboard se top 10 dekho, aur koi bhi term "
              "kholo jaise /term await. Admin /daily set 09:00 Asia/Kolkata se roz ek term + quiz "
              "lagwa sakte hain.",
        "en": "Hello everyone! I'm async-guru: async Python, one term at a time. In this group, "
              "play a quiz together with /quiz round, see the top 10 with /leaderboard, and open "
              "any term such as /term await. Admins can have a term + quiz posted every day with "
              "/daily set 09:00 Asia/Kolkata.",
    },
    # practice (issue 7): /quiz, /answer
    "quiz_title": {"hi": "Quiz · {term}", "en": "Quiz · {term}"},
    "quiz_how": {"hi": "Button dabao, ya likho:", "en": "Tap a button, or type:"},
    "quiz_tally": {"hi": "Ab tak {n} jawab, {ok} sahi.", "en": "{n} answered so far, {ok} right."},
    "quiz_no_bank": {
        "hi": "Abhi quiz ke sawaal load nahi hue. Thodi der baad try karo; tab tak /term padho.",
        "en": "The quiz questions are not loaded right now. Try again later; meanwhile read /term.",
    },
    "quiz_unknown_term": {
        "hi": "“{query}” naam ka koi term nahi mila. Saare terms: /term. Ya bas /quiz likho.",
        "en": "I found no term called “{query}”. All terms: /term. Or just type /quiz.",
    },
    "quiz_unknown_term_hint": {
        "hi": "“{query}” naam ka koi term nahi mila. Shayad: {hint}. Jaise: /quiz await",
        "en": "I found no term called “{query}”. Perhaps: {hint}. For example: /quiz await",
    },
    "quiz_no_questions": {
        "hi": "“{term}” ke liye koi sawaal nahi hai. Kisi term ka naam do, jaise /quiz await.",
        "en": "There are no questions for “{term}”. Name a term, e.g. /quiz await.",
    },
    "quiz_right": {"hi": "✅ Sahi jawab!", "en": "✅ Right!"},
    "quiz_wrong": {"hi": "❌ Galat.", "en": "❌ Not quite."},
    "quiz_right_was": {"hi": "Sahi jawab {n} tha:", "en": "The answer was {n}:"},
    "quiz_misconception": {"hi": "Ye jawab is galatfehmi se aata hai:", "en": "This answer comes from the misconception:"},
    "quiz_read": {"hi": "Card padho:", "en": "Read the card:"},
    "answer_assumed": {"hi": "Aapke pichhle sawaal (quiz {id}) ka jawab:", "en": "Your answer to your last question (quiz {id}):"},
    "answer_usage": {
        "hi": "Jawab aise do: /answer <quiz-id> <number>, jaise /answer 12 2. (Aapne likha: {got})",
        "en": "Answer like this: /answer <quiz-id> <number>, e.g. /answer 12 2. (You typed: {got})",
    },
    "answer_no_post": {
        "hi": "Quiz {id} is chat mein nahi mila. Naya sawaal lo: /quiz",
        "en": "Quiz {id} is not in this chat. Get a new question: /quiz",
    },
    "answer_not_yours": {
        "hi": "Ye kisi aur ka practice sawaal hai. Apna shuru karo: /practice",
        "en": "That is someone else's practice question. Start your own: /practice",
    },
    "answer_retired": {
        "hi": "Ye sawaal ab bank mein nahi hai. Naya lo: /quiz",
        "en": "That question is no longer in the bank. Get a new one: /quiz",
    },
    "answer_range": {
        "hi": "Is sawaal mein 1 se {count} tak choices hain.",
        "en": "This question has choices 1 to {count}.",
    },
    "answer_twice": {
        "hi": "Aap is sawaal ka jawab de chuke ho (aapka jawab: {n}). Ek sawaal, ek jawab. Naya sawaal: /quiz",
        "en": "You already answered this one (your answer: {n}). One answer per question. A new one: /quiz",
    },
    "btn_next_question": {"hi": "Agla sawaal", "en": "Next question"},
    "round_title": {"hi": "Quiz round", "en": "Quiz round"},
    "round_sheet_terms": {"hi": "revision sheet ke {n} terms", "en": "the revision sheet's {n} terms"},
    "round_all_terms": {"hi": "sheet aur level 2, saare {n} terms", "en": "the sheet and level 2, all {n} terms"},
    "round_started": {
        "hi": "Round shuru! {n} sawaal ({term}), har ek pe {seconds} second. Pehla sawaal aa raha hai.",
        "en": "Round on! {n} questions ({term}), {seconds} seconds each. The first one is coming.",
    },
    "round_question_title": {"hi": "Round · {n}/{size} · {term}", "en": "Round · {n}/{size} · {term}"},
    "round_timer": {"hi": "⏱ {seconds} second mein jawab do", "en": "⏱ {seconds} seconds to answer"},
    "round_answer_was": {"hi": "⏱ Time khatam! Sahi jawab {n} tha:", "en": "⏱ Time's up! The answer was {n}:"},
    "round_over_title": {"hi": "Round khatam · scoreboard", "en": "Round over · scoreboard"},
    "round_stopped_title": {"hi": "Round roka gaya · scoreboard", "en": "Round stopped · scoreboard"},
    "round_closed_note": {
        "hi": "Bot beech mein band ho gaya tha, isliye round yahin khatam. Diye gaye saare jawab count hue.",
        "en": "The bot was down for a while, so the round ends here. Every answer given still counts.",
    },
    "round_board_line": {"hi": "{ok}/{n} sahi", "en": "{ok}/{n} right"},
    "round_board_empty": {"hi": "Kisi ne jawab nahi diya.", "en": "Nobody answered."},
    "round_again": {"hi": "Ek aur round?", "en": "Another round?"},
    "round_size": {
        "hi": "Round mein {lo} se {hi} sawaal ho sakte hain, jaise /quiz round 5 await.",
        "en": "A round has {lo} to {hi} questions, e.g. /quiz round 5 await.",
    },
    "round_already": {
        "hi": "Is chat mein ek round pehle se chal raha hai. Wo khatam hone do, ya /quiz stop.",
        "en": "A round is already running in this chat. Let it finish, or /quiz stop.",
    },
    "round_none": {"hi": "Abhi koi round nahi chal raha. Shuru karo: /quiz round", "en": "No round is running. Start one: /quiz round"},
    "round_stop_refused": {
        "hi": "Round sirf chat admin ya jisne shuru kiya wahi rok sakta hai.",
        "en": "Only a chat admin or whoever started the round can stop it.",
    },
    "round_unavailable": {
        "hi": "Time wala round chalte hue bot ko chahiye, jo sawaal ek ke baad ek post kare: bot"
              " `make run` se chalao aur wahan /quiz round likho. Yahan ek-ek sawaal lo: /quiz",
        "en": "A timed round needs the running bot, which posts its questions one by one: start"
              " it with `make run` and type /quiz round there. Here, take single questions: /quiz",
    },
    "quiz_why_not": {"hi": "Aapka jawab kyun nahi:", "en": "Why not yours:"},
    "answer_too_late": {
        "hi": "Is sawaal ka time khatam ho gaya, ab jawab count nahi hoga. Agla sawaal aa raha hai!",
        "en": "Time is up for this question; answers no longer count. The next one is coming!",
    },
    # practice (issue 7): /practice
    "practice_title_new": {"hi": "Practice · naya sawaal · {term}", "en": "Practice · new question · {term}"},
    "practice_title_due": {"hi": "Practice · revision · {term}", "en": "Practice · review · {term}"},
    "practice_title_card": {
        "hi": "Practice · {term} dobara (pichhli galti se)",
        "en": "Practice · {term} again (from an earlier mistake)",
    },
    "practice_done": {
        "hi": "Sab ho gaya! Abhi kuch due nahi. Agla revision: {when}. Tab tak /quiz ya /term.",
        "en": "All done! Nothing is due now. Next review: {when}. Meanwhile try /quiz or /term.",
    },
    "practice_now": {"hi": "abhi", "en": "now"},
    "practice_in_min": {"hi": "{n} minute mein", "en": "in {n} min"},
    "practice_in_hours": {"hi": "{n} ghante mein", "en": "in {n} h"},
    "practice_in_days": {"hi": "{n} din mein", "en": "in {n} days"},
    "practice_next_review": {"hi": "Ye sawaal dobara:", "en": "You'll see this again:"},
    "practice_review_card": {"hi": "Revision ke liye: {term}", "en": "Scheduled for review: {term}"},
    "btn_next_practice": {"hi": "Agla practice", "en": "Next practice"},
    # practice (issue 7): /stats, /leaderboard, /forget
    "stats_title": {"hi": "Aapke stats (is chat mein)", "en": "Your stats (in this chat)"},
    "stats_none": {
        "hi": "Is chat mein aapne abhi tak koi quiz nahi kiya. Shuru karo: /quiz",
        "en": "You have not answered a quiz in this chat yet. Start with /quiz",
    },
    "stats_answered": {"hi": "Jawab: {n}, sahi: {ok} ({pct}%)", "en": "Answered: {n}, right: {ok} ({pct}%)"},
    "stats_streak": {"hi": "Streak: {n} din (best: {best})", "en": "Streak: {n} day(s) in a row (best: {best})"},
    "stats_due": {"hi": "Practice mein due: {n}", "en": "Due in practice: {n}"},
    "stats_terms": {"hi": "Cards dekhe: sheet {a}/{n}, level 2 {b}/{m}",
                    "en": "Cards seen: the sheet {a}/{n}, level 2 {b}/{m}"},
    "stats_challenges": {"hi": "Challenges: {solved} solved / {tried} try kiye (sab chats): sheet {a}/{n}, level 2 {b}/{m}",
                         "en": "Challenges: {solved} solved / {tried} tried (all chats): the sheet {a}/{n}, level 2 {b}/{m}"},
    "btn_quiz": {"hi": "Quiz", "en": "Quiz"},
    "btn_practice": {"hi": "Practice", "en": "Practice"},
    "board_title": {"hi": "Leaderboard", "en": "Leaderboard"},
    "board_week": {"hi": "Is hafte ({day} se, {tz})", "en": "This week (since {day}, {tz})"},
    "board_all": {"hi": "Ab tak", "en": "All time"},
    "board_line": {"hi": "{ok} sahi / {n}", "en": "{ok} right / {n}"},
    "board_solved": {"hi": "Challenges solved (is chat mein)", "en": "Challenges solved (in this chat)"},
    "board_solved_line": {"hi": "{n} solved", "en": "{n} solved"},
    "board_empty": {"hi": "Abhi koi nahi. Pehle bano: /quiz", "en": "Nobody yet. Be the first: /quiz"},
    "forget_ask": {
        "hi": "Pakka? Isse aapke saare quiz jawab, scores, streaks, practice reviews aur /run ka rakha hua code (har chat mein) mit jaayenge. Wapas nahi aayenge. Haan ho to: /forget confirm",
        "en": "Sure? This deletes all your quiz answers, scores, streaks, practice reviews and the code kept from your /run (in every chat). It cannot be undone. If yes: /forget confirm",
    },
    "btn_forget_confirm": {"hi": "Haan, sab mita do", "en": "Yes, delete it all"},
    "forget_done": {
        "hi": "Ho gaya: aapke scores, reviews aur rakha hua code mita diye. Nayi shuruaat: /quiz",
        "en": "Done: your scores, reviews and kept code are deleted. A fresh start: /quiz",
    },
    "forget_nothing": {"hi": "Mitane ko kuch nahi hai: aapka koi score, review ya rakha hua code nahi hai.", "en": "Nothing to delete: you have no scores, reviews or kept code."},
    "forget_usage": {
        "hi": "“{got}” samajh nahi aaya. Mitane ke liye: /forget confirm",
        "en": "I did not understand “{got}”. To delete: /forget confirm",
    },
    # practice (issue 7): /daily
    "daily_title": {"hi": "Aaj ka term: {term}", "en": "Term of the day: {term}"},
    "daily_quiz_title": {"hi": "Aaj ka quiz · {term}", "en": "Today's quiz · {term}"},
    "daily_quiz_heading": {"hi": "Aaj ka sawaal", "en": "Today's question"},
    "daily_full_card": {"hi": "Poora card:", "en": "The full card:"},
    "daily_usage": {
        "hi": "Daily post: /daily set 09:00 Asia/Kolkata · /daily off · /daily status · /daily now · /daily track all",
        "en": "Daily post: /daily set 09:00 Asia/Kolkata · /daily off · /daily status · /daily now · /daily track all",
    },
    "daily_track_curriculum": {
        "hi": "Terms: sirf revision sheet ke {n}. Level 2 ({beyond}) bhi chahiye to: /daily track all",
        "en": "Terms: the revision sheet's {n} only. To add level 2 ({beyond}): /daily track all",
    },
    "daily_track_all": {
        "hi": "Terms: saare {n}, pehle revision sheet ke {sheet}, phir level 2 ke {beyond}. Sirf sheet pe wapas: /daily track curriculum",
        "en": "Terms: all {n}, the revision sheet's {sheet}, then level 2's {beyond}. Back to the sheet only: /daily track curriculum",
    },
    "daily_track_usage": {
        "hi": "Badalne ke liye (chat admin): /daily track all ya /daily track curriculum",
        "en": "To change it (a chat admin): /daily track all or /daily track curriculum",
    },
    "daily_track_bad": {
        "hi": "“{got}” koi track nahi hai. Likho: /daily track all (level 2 ke saath) ya /daily track curriculum (sirf sheet)",
        "en": "“{got}” is not a track. Use /daily track all (with level 2) or /daily track curriculum (the sheet only)",
    },
    "daily_set_usage": {
        "hi": "Time aur time zone do, jaise: /daily set 09:00 Asia/Kolkata",
        "en": "Give a time and a time zone, e.g. /daily set 09:00 Asia/Kolkata",
    },
    "daily_bad_time": {
        "hi": "“{got}” sahi time nahi hai. 24-ghante wala HH:MM likho, jaise: /daily set 09:00 Asia/Kolkata",
        "en": "“{got}” is not a time I understand. Use 24-hour HH:MM, e.g. /daily set 09:00 Asia/Kolkata",
    },
    "daily_need_zone": {
        "hi": "Time zone bhi do, jaise: /daily set {time} Asia/Kolkata (ya Europe/Berlin, America/New_York, UTC)",
        "en": "Add a time zone too, e.g. /daily set {time} Asia/Kolkata (or Europe/Berlin, America/New_York, UTC)",
    },
    "daily_bad_zone": {
        "hi": "“{got}” koi time zone nahi hai. IANA naam likho, jaise: /daily set 09:00 Asia/Kolkata (ya Europe/Berlin, America/New_York, UTC)",
        "en": "“{got}” is not a time zone. Use an IANA name, e.g. /daily set 09:00 Asia/Kolkata (or Europe/Berlin, America/New_York, UTC)",
    },
    "daily_set_ok": {
        "hi": "Ho gaya! Ab roz {time} ({tz}) pe aaj ka term aur uska quiz aayega.",
        "en": "Done! Every day at {time} ({tz}) this chat gets a term of the day and its quiz.",
    },
    "daily_next": {"hi": "Agla post: {when}", "en": "Next post: {when}"},
    "daily_zone_guess": {
        "hi": "“{got}” koi time zone nahi hai. Shayad {guess}? Button dabao ya phir se likho.",
        "en": "“{got}” is not a time zone. Perhaps {guess}? Tap the button or type it again.",
    },
    "daily_channel_typed": {
        "hi": "Channel /daily set ke channel option se chuno; likha hua channel main check nahi kar sakta.",
        "en": "Choose the channel with /daily set's channel option; I cannot check a typed one.",
    },
    "daily_channel_private": {
        "hi": "Kisi aur channel ka daily post wahin (server mein) set karo, private chat se nahi.",
        "en": "Set another channel's daily post from the server, not from a private chat.",
    },
    "daily_set_elsewhere": {
        "hi": "Ho gaya! Ab roz {time} ({tz}) pe us channel mein aaj ka term aur uska quiz aayega. Wahan /daily status aur /daily off chalega.",
        "en": "Done! Every day at {time} ({tz}) that channel gets a term of the day and its quiz. /daily status and /daily off work there.",
    },
    "btn_daily_status": {"hi": "Daily status", "en": "Daily status"},
    "daily_off_ok": {
        "hi": "Daily post band. Wapas chalu karne ke liye: /daily set 09:00 Asia/Kolkata",
        "en": "Daily posts are off. To turn them back on: /daily set 09:00 Asia/Kolkata",
    },
    "daily_off_already": {"hi": "Daily post pehle se band hai.", "en": "Daily posts are already off."},
    "daily_none": {
        "hi": "Is chat mein daily post set nahi hai. Set karo: /daily set 09:00 Asia/Kolkata",
        "en": "No daily post is set for this chat. Set one: /daily set 09:00 Asia/Kolkata",
    },
    "daily_status_title": {"hi": "Daily post", "en": "Daily post"},
    "daily_on": {"hi": "Chalu: roz {time} ({tz}).", "en": "On: every day at {time} ({tz})."},
    "daily_is_off": {
        "hi": "Band hai (pehle roz {time}, {tz}). Chalu karo: /daily set {time} {tz}",
        "en": "Off (was {time}, {tz}). Turn on: /daily set {time} {tz}",
    },
    "daily_is_gone": {
        "hi": "Band hai: yahan post nahi ho saka ({reason}). Bot ko wapas add karke /daily set {time} {tz} likho.",
        "en": "Off: this chat could not be posted to ({reason}). Add the bot back, then /daily set {time} {tz}",
    },
    "daily_rotation": {"hi": "Is round mein {n}/{total} terms ho chuke.", "en": "{n}/{total} terms shown in this round."},
    "daily_log": {"hi": "Pichhle din", "en": "Recent days"},
    "daily_status_claimed": {"hi": "bhej raha hoon", "en": "sending"},
    "daily_status_sent": {"hi": "bheja ✅", "en": "sent ✅"},
    "daily_status_unknown": {"hi": "pata nahi (bhejte waqt bot ruk gaya; dobara nahi bheja)", "en": "unknown (the bot stopped mid-send; not resent)"},
    "daily_status_missed": {"hi": "chhoot gaya (bot band tha)", "en": "missed (the bot was down)"},
    "daily_status_failed": {"hi": "fail", "en": "failed"},
    "daily_status_gone": {"hi": "chat nahi mila (daily band)", "en": "chat gone (daily disabled)"},
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
    "inside_daily": {"hi": "agla", "en": "next at"},
    "inside_daily_left": {"hi": "{left} baad", "en": "in {left}"},
    "inside_daily_this_chat": {"hi": "isi chat ka", "en": "this chat's"},
    "inside_daily_here": {"hi": "is chat ka agla", "en": "this chat's next at"},
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
    # Telegram adapter
    "tg_stale_button": {
        "hi": "Ye button ab kaam nahi karta (purana message hai). /help se dobara shuru karo.",
        "en": "This button no longer works (the message is old). Type /help to start again.",
    },
    "discord_choose": {"hi": "Ye code kis challenge ke liye hai?", "en": "Which challenge is this code for?"},
    "tg_sent_private": {
        "hi": "Jawab aapko private chat mein bhej diya hai.",
        "en": "I sent the answer to you in a private chat.",
    },
    "tg_open_in_bot": {"hi": "Bot mein kholo", "en": "Open in the bot"},
    "tg_inline_none": {
        "hi": "Is naam ka koi term nahi mila",
        "en": "No term by that name",
    },
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
    "run_cut": {"hi": "… {lines} line(s) kaati ya chhoti ki gayi, taaki reply ek message mein aaye.", "en": "… {lines} line(s) cut or shortened so the reply fits one message."},
    "run_timeline": {"hi": "Timeline: kaunsa task kab chala", "en": "Timeline: which task ran when"},
    # pictures and files beside a reply, and "edit and run again"
    "run_timeline_alt": {
        "hi": "Timeline ki tasveer: {tasks} task, samay baayen se daayen. Neela: chal raha hai, grey: wait kar raha hai, dhaari-daar narangi: loop ko block kar raha hai.",
        "en": "Timeline picture: {tasks} task(s), time runs left to right. Blue: running, grey: waiting, striped orange: blocking the loop.",
    },
    "run_file": {"hi": "Poora output ({lines} lines) is file mein hai.", "en": "The whole output ({lines} lines) is in this file."},
    "run_file_kept": {
        "hi": "Output ki pehli {lines} lines is file mein hain.",
        "en": "The first {lines} lines of the output are in this file.",
    },
    "run_file_cut": {
        "hi": "Output {limit} KiB par kaat diya gaya: program ne isse zyada print kiya.",
        "en": "Output cut at {limit} KiB: the program printed more.",
    },
    "btn_edit_run": {"hi": "✏️ Badlo, phir chalao", "en": "✏️ Edit and run again"},
    "edit_title": {"hi": "Aapka code", "en": "Your code"},
    "edit_copy": {
        "hi": "Code copy karo, badlo, aur /run ke saath phir bhejo.",
        "en": "Copy the code, change it, and send it again with /run.",
    },
    "edit_usage": {
        "hi": "/edit wahi hai jo /run ke jawab ka “✏️ Badlo, phir chalao” button karta hai: us run ka code wapas deta hai. Naya code chalane ke liye: /run print(1)",
        "en": "/edit is what the “✏️ Edit and run again” button under a /run reply does: it hands that run's code back. To run new code: /run print(1)",
    },
    "edit_gone": {
        "hi": "Ye code ab mere paas nahi hai (main {days} din tak rakhta hoon, ya /forget se mit gaya). /run ke saath phir bhejo.",
        "en": "I no longer have that code (I keep it for {days} days, or /forget deleted it). Send it again with /run.",
    },
    "stats_alt": {
        "hi": "Stats ki tasveer: har term ka progress (padha, quiz diya, sahi, due) aur pichhle dino ki streak.",
        "en": "Stats picture: each term's progress (read, quizzed, right, due) and the streak over the last days.",
    },
    "diagram_alt": {"hi": "{title}: diagram", "en": "{title}: a diagram"},
    "explain_title": {"hi": "Ye error kyun aaya?", "en": "Why this error?"},
    "explain_title_note": {"hi": "Is run me kya dikha?", "en": "What this run shows"},
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
        "hi": "Jo cheez await ki, wo awaitable nahi hai: normal `def` function ka result (jaise `time.sleep()` ka None) await nahi hota.\nSirf async cheezein await hoti hain, jaise `await asyncio.sleep(1)`; normal function ko bina `await` ke call karo.",
        "en": "What you awaited is not awaitable: the result of a plain `def` function (e.g. `time.sleep()` returns None) can't be awaited.\nOnly async things can be awaited, like `await asyncio.sleep(1)`; call a plain function without `await`.",
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
    "explain_coroutine_as_value": {
        "hi": "`{name}()` ko `await` kiye bina use kiya: usse result nahi, ek coroutine object milta hai, isliye 'coroutine' wala error aaya (aur Python ki never-awaited warning bhi).\nResult chahiye to pehle await karo: `x = await {name}()`.",
        "en": "`{name}()` was used without `await`: that gives a coroutine object, not its result, hence the error about a 'coroutine' (and Python's never-awaited warning).\nAwait it first to get the result: `x = await {name}()`.",
    },
    "explain_gather_list": {
        "hi": "`gather()` ko list nahi, alag-alag coroutines chahiye; list di to 'unhashable' error aaya aur andar ke coroutines chale hi nahi.\nList ko `*` se kholo: `await asyncio.gather(*coros)`.",
        "en": "`gather()` takes the coroutines one by one, not a list: given a list it fails with 'unhashable', and the coroutines inside never run.\nUnpack the list with `*`: `await asyncio.gather(*coros)`.",
    },
    "explain_coroutine_expected": {
        "hi": "Yahan coroutine chahiye tha, par function khud de diya, bina call kiye (brackets `()` chhoot gaye).\nCall karke do: `asyncio.run(main())`, `asyncio.create_task(work())`.",
        "en": "A coroutine was expected here, but the function itself was passed, without calling it (the `()` is missing).\nCall it: `asyncio.run(main())`, `asyncio.create_task(work())`.",
    },
    "explain_awaitable_required": {
        "hi": "asyncio ko awaitable chahiye tha (coroutine, Task ya Future), par kuch aur mila: jaise bina `()` ka function, ya `time.sleep()` jaise normal call ka result.\nCall karke coroutine do, jaise `gather(work(), work())`, aur rukne ke liye `asyncio.sleep()` lo.",
        "en": "asyncio needed an awaitable (a coroutine, Task or Future) but got something else: a function without `()`, or the result of a plain call like `time.sleep()`.\nPass called coroutines, like `gather(work(), work())`, and wait with `asyncio.sleep()`.",
    },
    "explain_reused_coroutine": {
        "hi": "Ek coroutine object sirf ek hi baar await ho sakta hai; dobara await kiya to ye error aaya.\nHar baar function naye sire se call karo (`await work()`), ya ek `task = asyncio.create_task(work())` banao: task ko jitni baar chaho await karo.",
        "en": "A coroutine object can be awaited only once; awaiting it again raises this error.\nCall the function again each time (`await work()`), or make one `task = asyncio.create_task(work())`: a task can be awaited any number of times.",
    },
    "explain_async_protocol": {
        "hi": "`async for` / `async with` sirf async cheezon ke saath chalte hain, aur `asyncio.Lock` jaisi async cheezein sirf `async with` ke saath.\nDono ko match karo: `async with lock:`, aur normal list ya range par normal `for`.",
        "en": "`async for` / `async with` work only with async objects, and async ones like `asyncio.Lock` only with `async with`.\nMatch them up: `async with lock:`, and a plain `for` over a plain list or range.",
    },
    "explain_taskgroup_failed": {
        "hi": "TaskGroup ka ek task fail hua, to group ne baaki tasks cancel kar diye aur error ko `ExceptionGroup` mein lapet kar uthaya. Asli error: `{error}`.\nUse task ke andar hi sambhalo, ya bahar `except* {type}:` se pakdo.",
        "en": "A task in the TaskGroup failed, so the group cancelled the others and raised the error wrapped in an `ExceptionGroup`. The real error: `{error}`.\nHandle it inside the task, or catch it outside with `except* {type}:`.",
    },
    "explain_timeout": {
        "hi": "Time limit (`asyncio.wait_for()` ya `asyncio.timeout()`) khatam ho gayi: andar ka kaam cancel hua aur `TimeoutError` aaya.\nLimit badhao, ya `try: ... except TimeoutError:` se timeout ko sambhalo.",
        "en": "The time limit (`asyncio.wait_for()` or `asyncio.timeout()`) ran out: the work inside was cancelled and `TimeoutError` was raised.\nRaise the limit, or handle the timeout with `try: ... except TimeoutError:`.",
    },
    "explain_cancelled": {
        "hi": "Program `CancelledError` par ruka: jo task cancel ho chuka tha, use await kiya aur cancel wahan tak pahunch gaya.\n`task.cancel()` ke baad `await task` ko `try: ... except asyncio.CancelledError:` mein rakho.",
        "en": "The program stopped on `CancelledError`: a task that had been cancelled was awaited, and the cancellation reached the awaiter.\nAfter `task.cancel()`, wrap `await task` in `try: ... except asyncio.CancelledError:`.",
    },
    "explain_task_exception_lost": {
        "hi": "Ek task fail hua (`{error}`), par kisi ne use kabhi await nahi kiya, isliye error sirf log mein dikha aur program chalta raha.\nTask ko variable mein rakho aur `await` karo (ya TaskGroup use karo), taaki error wahin uthe jahan tum use sambhal sako.",
        "en": "A task failed (`{error}`), but nobody ever awaited it, so the error only showed up in the log and the program carried on.\nKeep the task in a variable and `await` it (or use a TaskGroup) so the error is raised where you can handle it.",
    },
    "explain_task_left_pending": {
        "hi": "`{name}` wala task `main()` ke return hone tak khatam nahi hua tha, to `asyncio.run()` ne use chupchaap cancel kar diya: uska kaam poora hua hi nahi.\nTask ko variable mein rakho aur `main()` khatam hone se pehle `await` karo (ya `asyncio.gather()` / TaskGroup).",
        "en": "The task running `{name}` had not finished when `main()` returned, so `asyncio.run()` silently cancelled it: its work never completed.\nKeep the task in a variable and `await` it before `main()` ends (or use `asyncio.gather()` / a TaskGroup).",
    },
    "explain_loop_running": {
        "hi": "Chalte hue event loop ke andar `run_until_complete()` se loop dobara chalaya gaya; ek loop ek saath do baar nahi chalta.\nAsync code ke andar seedha `await work()` karo.",
        "en": "`run_until_complete()` was called inside the event loop that is already running; a loop can't run twice at once.\nInside async code, just `await work()`.",
    },
    "explain_different_loop": {
        "hi": "Future, Lock ya Queue jaisi cheez usi event loop se judi hoti hai jisme wo pehli baar use hui; yahan use doosre loop mein (jaise doosre `asyncio.run()` mein) use kiya gaya.\nUnhe `async def main()` ke andar banao aur sab kuch ek hi `asyncio.run(main())` mein chalao.",
        "en": "A Future, Lock or Queue belongs to the event loop it was first used in; here it was used in another loop (e.g. a second `asyncio.run()`).\nCreate them inside `async def main()` and run everything in one `asyncio.run(main())`.",
    },
    "explain_no_current_loop": {
        "hi": "Ye purane tutorials wala tarika hai (`get_event_loop()` + `run_until_complete()`): `asyncio.run()` ke baad koi current loop nahi bachta.\nSab kuch ek `async def main()` mein rakho aur sirf `asyncio.run(main())` chalao.",
        "en": "This is the old tutorials' way (`get_event_loop()` + `run_until_complete()`): after `asyncio.run()` there is no current loop left.\nPut everything in one `async def main()` and just call `asyncio.run(main())`.",
    },
    "explain_invalid_state": {
        "hi": "Future ya Task ka `result()` tab maanga gaya jab wo abhi khatam hi nahi hua tha.\n`result()` ki jagah `await fut` karo: wo khatam hone tak rukta hai, aur tab tak baaki tasks chalte rehte hain.",
        "en": "A Future's or Task's `result()` was asked for before it had finished.\nUse `await fut` instead of `result()`: it waits until it is done while other tasks keep running.",
    },
    "explain_blocked_loop": {
        "hi": "Debug mode ne pakda: ek step ne event loop ko 100 ms se zyada roke rakha (jaise `time.sleep()` ya bhaari calculation), us beech koi aur task nahi chala.\nRukna ho to `await asyncio.sleep()`; bhaari kaam `await asyncio.to_thread(...)` mein bhejo.",
        "en": "Debug mode caught it: one step held the event loop for over 100 ms (e.g. `time.sleep()` or heavy computation), and no other task ran meanwhile.\nTo wait, use `await asyncio.sleep()`; send heavy work to `await asyncio.to_thread(...)`.",
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
    "demo_guess": {"hi": "“{query}” naam ka koi demo nahi. Shayad inme se koi?", "en": "There is no demo called “{query}”. Did you mean one of these?"},
    "demo_all": {"hi": "Saare demos: /demo", "en": "All demos: /demo"},
    "btn_demo_list": {"hi": "Saare demos", "en": "All demos"},
    "demo_code": {"hi": "Code", "en": "Code"},
    "demo_claims": {"hi": "Card kya kehta hai", "en": "What the card claims"},
    "btn_run_demo": {"hi": "▶ Chala ke dekho", "en": "▶ Run it"},
    "btn_run_again": {"hi": "▶ Phir se chalao", "en": "▶ Run again"},
    # Telegram: a private answer to a group click, for a user who never started the bot
    "tg_start_private": {
        "hi": "Poora jawab private chat mein milega: bot ko ek baar /start bhejo.",
        "en": "For the full answer in a private chat, send the bot /start once.",
    },
}


def t(lang: Lang, key: str, **fields: Any) -> str:
    entry = STRINGS[key]
    text = entry.get(lang) or entry["hi"]
    return text.format(**fields) if fields else text
