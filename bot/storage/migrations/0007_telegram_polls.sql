-- Telegram quiz polls: a poll_answer names only the poll, so each poll the bot sends is mapped
-- to the posted question it stands for and the chat it went to (the answer is recorded there).
CREATE TABLE telegram_polls (
    poll_id    TEXT PRIMARY KEY,
    post_id    INTEGER NOT NULL REFERENCES quiz_posts (id) ON DELETE CASCADE,
    chat_id    TEXT NOT NULL,
    chat_kind  TEXT NOT NULL,
    message_id INTEGER NOT NULL,
    sent_at    TEXT NOT NULL
);
