-- PostgreSQL twin of ../0007_telegram_polls.sql (text compares byte-wise and integers are 64-bit, as in SQLite).
-- Telegram quiz polls: a poll_answer names only the poll, so each poll the bot sends is mapped
-- to the posted question it stands for and the chat it went to (the answer is recorded there).
CREATE TABLE telegram_polls (
    poll_id    TEXT COLLATE "C" PRIMARY KEY,
    post_id    BIGINT NOT NULL REFERENCES quiz_posts (id) ON DELETE CASCADE,
    chat_id    TEXT COLLATE "C" NOT NULL,
    chat_kind  TEXT COLLATE "C" NOT NULL,
    message_id BIGINT NOT NULL,
    sent_at    TEXT COLLATE "C" NOT NULL
);
